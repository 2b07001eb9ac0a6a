"""Stages are `Document -> Document`; a `Pipeline` runs them in order and checks the contract."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .document import Document
from .errors import Errors, PipelineError

if TYPE_CHECKING:
    from .ingest import IngestOptions


class Stage(Protocol):
    @property
    def name(self) -> str: ...

    def __call__(self, doc: Document) -> Document: ...


@dataclass(frozen=True)
class _Function:
    name: str
    function: Callable[[Document], Document]

    def __call__(self, doc: Document) -> Document:
        return self.function(doc)


def _segment(encoder: Any = None) -> Stage:
    from .segment import segment

    return _Function("segment.v1", segment)


def _requirement_rules(encoder: Any = None) -> Stage:
    from .requirements import ModalRules

    return ModalRules()


def _requirement_model(encoder: Any = None) -> Stage:
    from .requirements import RequirementModel

    return RequirementModel(encoder=encoder)


def _requirements(encoder: Any = None) -> Stage:
    """The shipped model when there is one, else the modal-verb rules."""
    from .models import latest

    return _requirement_model(encoder) if latest("requirements") else _requirement_rules()


def _obligations(encoder: Any = None) -> Stage:
    """Catalogue aliases, plus the implicit head when a model is shipped."""
    from .obligations import ObligationModel

    return ObligationModel(encoder=encoder)


def _commitments(encoder: Any = None) -> Stage | None:
    from .commitments import CommitmentModel
    from .models import latest

    return CommitmentModel(encoder=encoder) if latest("commitments") else None


def _routes(encoder: Any = None, *, text_only: bool = False) -> Stage | None:
    from .models import latest
    from .routes import RouteModel

    return RouteModel(encoder=encoder, text_only=text_only) if latest("routes") else None


def _routes_text_only(encoder: Any = None) -> Stage | None:
    return _routes(encoder, text_only=True)


STAGES: dict[str, Callable[..., Stage | None]] = {
    "segment.v1": _segment,
    "requirements.rules.v1": _requirement_rules,
    "requirements.minilm-head.v1": _requirement_model,
    "requirements": _requirements,
    "obligations": _obligations,
    "commitments": _commitments,
    "routes": _routes,
    "routes.text-only": _routes_text_only,
}
DEFAULT_STAGES = ("segment.v1", "requirements", "obligations", "commitments", "routes")


class Pipeline:
    def __init__(self, stages: Sequence[Stage]) -> None:
        self.stages = tuple(stages)

    @classmethod
    def from_names(cls, names: Iterable[str] = DEFAULT_STAGES, *, device: str = "auto") -> Pipeline:
        """Stages by registered name; model stages share one encoder on ``device`` (auto, cpu, cuda)."""
        from .encode import resolve_device, shared_encoder

        resolve_device(device)  # a coded error for cuda without CUDA, before any model loads
        encoder = None if device == "auto" else shared_encoder(device)
        stages = []
        for name in names:
            if name not in STAGES:
                raise PipelineError(Errors.E302, name=name, known=", ".join(sorted(STAGES)))
            stage = STAGES[name](encoder)
            if stage is not None:  # a model stage whose model is not installed is left out
                stages.append(stage)
        return cls(stages)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            result = stage(doc)
            if not isinstance(result, Document):
                raise PipelineError(Errors.E301, name=stage.name, type_name=type(result).__name__)
            doc = result
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)


def scan(path: str, options: IngestOptions | None = None, pipeline: Pipeline | None = None) -> Document:
    """Read ``path`` and run the pipeline over it (the default stages when none is given)."""
    from .ingest import read

    return (pipeline or Pipeline.from_names())(read(path, options))
