"""Fine-tuning the MiniLM encoder itself on one head's labels (sensible on a GPU).

A temporary linear layer over the mean-pooled encoder output is trained with the encoder, with a
fixed seed, then dropped: the task's heads are fitted afterwards on the fine-tuned embeddings as
usual, and the encoder is saved (safetensors) in the model folder's `encoder/`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .encode import Encoder


def fine_tune(
    encoder: Encoder,
    texts: Sequence[str],
    labels: Sequence[Any],
    *,
    multilabel: bool = False,
    epochs: int = 1,
    learning_rate: float = 2e-5,
    batch_size: int = 32,
    max_length: int = 64,
    seed: int = 0,
    progress: Callable[[str], None] = lambda message: None,
) -> None:
    """Train ``encoder.model`` in place so that its pooled embeddings separate ``labels``."""
    import torch

    torch.manual_seed(seed)
    classes = sorted({c for y in labels for c in y}) if multilabel else sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    if multilabel:
        target = torch.zeros(len(labels), len(classes))
        for row, y in enumerate(labels):
            for c in y:
                target[row, index[c]] = 1.0
    else:
        target = torch.tensor([index[y] for y in labels])
    model = encoder.model
    layer = torch.nn.Linear(model.config.hidden_size, len(classes)).to(encoder.device)
    optimiser = torch.optim.AdamW([*model.parameters(), *layer.parameters()], lr=learning_rate)
    loss_function = torch.nn.BCEWithLogitsLoss() if multilabel else torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(seed)
    model.train()
    for epoch in range(epochs):
        order = rng.permutation(len(texts))
        total = 0.0
        for first in range(0, len(order), batch_size):
            batch = order[first : first + batch_size]
            tokens = encoder.tokenizer(
                [texts[i] for i in batch], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
            ).to(encoder.device)
            logits = layer(encoder.pool(tokens))
            loss = loss_function(logits, target[torch.as_tensor(batch)].to(encoder.device))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(batch)
        progress(f"fine-tuning epoch {epoch + 1}/{epochs}: mean loss {total / len(texts):.4f}")
    model.eval()
    encoder.clear_cache()
