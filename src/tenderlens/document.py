"""The data model: one `Document`, one text, one coordinate system.

Every location is a half-open char range ``[start, end)`` into ``Document.text``. Pages tile the
text in order; lines, blocks, units and findings are ranges inside it. Page numbers and boxes are
derived from offsets by `Document.page_at`, so a quote, its page and its box cannot disagree, and
findings cite text only through `Document.evidence`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import Enum, StrEnum
from typing import Any

SCHEMA_VERSION = "1"

BBox = tuple[float, float, float, float]
"""x0, top, x1, bottom in PDF points from the page's top-left corner (pdfplumber's order)."""


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


class FindingKind(StrEnum):
    REQUIREMENT = "requirement"
    OBLIGATION = "obligation"
    COMMITMENT = "commitment"
    DEADLINE = "deadline"
    VALUE = "value"


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    bbox: BBox


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as printed by pdfplumber's page_number
    start: int
    end: int
    width: float = 0.0
    height: float = 0.0
    lines: tuple[Line, ...] = ()
    furniture: tuple[str, ...] = ()  # running headers, footers, page numbers kept out of the text
    ocr: bool = False


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    section: str = ""  # heading path, e.g. "3 Specification > 3.2 Security"
    level: int = 0  # heading depth (1 = top); 0 for non-headings
    table: int | None = None  # index into Document.tables for table rows


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class Evidence:
    """A quote of the document. Made only by `Document.evidence`."""

    start: int
    end: int
    page: int
    text: str
    bbox: BBox | None


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    label: str
    evidence: Evidence
    score: float
    source: str
    attrs: Mapping[str, Any] = field(default_factory=dict)  # category, obligations, facts, basis ...

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")


@dataclass(frozen=True)
class Route:
    regime: str
    route: str
    score: float
    source: str
    flags: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    source: str
    text: str
    pages: tuple[Page, ...]
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()
    units: tuple[tuple[int, int], ...] = ()  # sentences, clauses, items, rows: (start, end)
    findings: tuple[Finding, ...] = ()
    route: Route | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)  # format, kind, OCDS fields ...
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        position = 0
        for page in self.pages:
            if page.start != position or page.end < page.start:
                raise ValueError(f"page {page.number} does not tile the text at offset {position}")
            position = page.end
        if self.pages and position != len(self.text):
            raise ValueError("pages do not cover the whole text")
        object.__setattr__(self, "_page_starts", [p.start for p in self.pages])
        object.__setattr__(self, "_block_starts", [b.start for b in self.blocks])

    def page_at(self, offset: int) -> Page:
        """The page holding the char at ``offset`` (the last page for the end of the text)."""
        if not self.pages:
            raise ValueError("the document has no pages")
        starts: list[int] = self.__dict__["_page_starts"]
        index = bisect.bisect_right(starts, offset) - 1
        # an empty page shares its start with the next one; take the page that really holds it
        while index > 0 and self.pages[index].start == self.pages[index].end:
            index -= 1
        return self.pages[max(index, 0)]

    def evidence(self, start: int, end: int) -> Evidence:
        """Cite ``text[start:end]``: its quote, page and box come from the same offsets."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"[{start}, {end}) is not a non-empty range of the text")
        page = self.page_at(start)
        boxes = [line.bbox for line in page.lines if line.start < end and line.end > start]
        bbox: BBox | None = None
        if boxes:
            bbox = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
        return Evidence(start, end, page.number, self.text[start:end], bbox)

    def block_at(self, offset: int) -> Block | None:
        """The block holding ``offset``, if any."""
        starts: list[int] = self.__dict__["_block_starts"]
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and self.blocks[index].start <= offset < self.blocks[index].end:
            return self.blocks[index]
        return None

    def with_findings(self, findings: Iterable[Finding]) -> Document:
        return replace(self, findings=self.findings + tuple(findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "text": self.text,
            "pages": [_plain(p) for p in self.pages],
            "blocks": [_plain(b) for b in self.blocks],
            "tables": [_plain(t) for t in self.tables],
            "units": [list(u) for u in self.units],
            "findings": [_finding_dict(f) for f in self.findings],
            "route": None if self.route is None else _route_dict(self.route),
            "meta": dict(self.meta),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"unsupported schema_version {data.get('schema_version')!r}")
        pages = tuple(
            Page(
                **{
                    **p,
                    "lines": tuple(Line(ln["start"], ln["end"], _bbox(ln["bbox"])) for ln in p["lines"]),
                    "furniture": tuple(p["furniture"]),
                }
            )
            for p in data["pages"]
        )
        doc = cls(
            source=data["source"],
            text=data["text"],
            pages=pages,
            blocks=tuple(Block(**{**b, "kind": BlockKind(b["kind"])}) for b in data["blocks"]),
            tables=tuple(
                Table(tuple(t["header"]), tuple(tuple(r) for r in t["rows"]), tuple(t["pages"])) for t in data["tables"]
            ),
            units=tuple((int(u[0]), int(u[1])) for u in data["units"]),
            meta=dict(data["meta"]),
            warnings=tuple(data["warnings"]),
        )
        findings = tuple(
            Finding(
                FindingKind(f["kind"]),
                f["label"],
                doc.evidence(f["start"], f["end"]),
                f["score"],
                f["source"],
                dict(f["attrs"]),
            )
            for f in data["findings"]
        )
        route = None
        if data["route"] is not None:
            r = data["route"]
            route = Route(
                r["regime"],
                r["route"],
                r["score"],
                r["source"],
                tuple(r["flags"]),
                dict(r["scores"]),
                tuple(doc.evidence(e["start"], e["end"]) for e in r["evidence"]),
                dict(r["attrs"]),
            )
        return replace(doc, findings=findings, route=route)


def _bbox(values: Sequence[float]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def _plain(obj: Any) -> Any:
    """Dataclasses, enums and tuples as JSON-ready values."""
    if isinstance(obj, Enum):
        return obj.value
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple | list):
        return [_plain(v) for v in obj]
    if isinstance(obj, Mapping):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "kind": f.kind.value,
        "label": f.label,
        "start": f.evidence.start,
        "end": f.evidence.end,
        "score": f.score,
        "source": f.source,
        "attrs": _plain(f.attrs),
    }


def _route_dict(r: Route) -> dict[str, Any]:
    return {
        "regime": r.regime,
        "route": r.route,
        "score": r.score,
        "source": r.source,
        "flags": list(r.flags),
        "scores": dict(r.scores),
        "evidence": [{"start": e.start, "end": e.end} for e in r.evidence],
        "attrs": _plain(r.attrs),
    }


class DocumentBuilder:
    """Appends pages, lines and blocks to one text so that offsets and pages always agree.

    Every reader (PDF, DOCX, text, OCDS) builds its Document through this, so the tiling of the
    text by pages and the section paths of blocks are made in one place.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._parts: list[str] = []
        self._length = 0
        self._pages: list[Page] = []
        self._blocks: list[Block] = []
        self._tables: list[Table] = []
        self._lines: list[Line] = []
        self._page: dict[str, Any] | None = None
        self._sections: list[tuple[int, str]] = []

    def start_page(
        self,
        number: int,
        width: float = 0.0,
        height: float = 0.0,
        *,
        ocr: bool = False,
        furniture: Sequence[str] = (),
    ) -> None:
        self.end_page()
        self._page = {
            "number": number,
            "start": self._length,
            "width": width,
            "height": height,
            "ocr": ocr,
            "furniture": tuple(furniture),
        }
        self._lines = []

    def end_page(self) -> None:
        if self._page is not None:
            self._pages.append(Page(end=self._length, lines=tuple(self._lines), **self._page))
            self._page = None

    def add_block(
        self,
        kind: BlockKind,
        lines: Sequence[tuple[str, BBox | None]],
        *,
        level: int = 0,
        table: int | None = None,
        joins: Sequence[str] | None = None,
    ) -> Block:
        """Append one block made of ``lines`` (text, box); ``joins[i]`` goes before line i+1."""
        if self._page is None:
            self.start_page(len(self._pages) + 1)
        start = self._length
        pieces: list[str] = []
        for i, (text, bbox) in enumerate(lines):
            if i:
                pieces.append(" " if joins is None else joins[i - 1])
                self._append(pieces[-1])
            line_start = self._length
            pieces.append(text)
            self._append(text)
            if bbox is not None and self._length > line_start:
                self._lines.append(Line(line_start, self._length, bbox))
        end = self._length
        self._append("\n")
        if kind is BlockKind.HEADING:
            heading = "".join(pieces)
            self._sections = [s for s in self._sections if s[0] < level] + [(level, heading)]
        block = Block(kind, start, end, " > ".join(s[1] for s in self._sections), level, table)
        self._blocks.append(block)
        return block

    def add_table(self, table: Table) -> int:
        self._tables.append(table)
        return len(self._tables) - 1

    def replace_table(self, index: int, table: Table) -> None:
        self._tables[index] = table

    def table(self, index: int) -> Table:
        return self._tables[index]

    def build(self, **kwargs: Any) -> Document:
        self.end_page()
        if not self._pages:
            self.start_page(1)
            self.end_page()
        return Document(
            source=self.source,
            text="".join(self._parts),
            pages=tuple(self._pages),
            blocks=tuple(self._blocks),
            tables=tuple(self._tables),
            **kwargs,
        )

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)
