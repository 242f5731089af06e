"""Shipped texts are embedded once per machine and read back from the cache afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from closeloop.knowledge.search.embedding import Vectors, encode_kept


class CountingEmbedder:
    """A stand-in model that says how often it was asked (the cache is what is tested)."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str], *, batch: bool = False) -> Vectors:
        self.calls += 1
        return np.array([[len(t), 1.0, 0.0, 0.5] for t in texts], dtype=np.float32)


def test_kept_vectors_are_read_back_and_new_texts_embedded_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    model = CountingEmbedder()
    first = encode_kept(model, ["信号弱", "欠费停机"], "topics")
    again = encode_kept(model, ["信号弱", "欠费停机"], "topics")
    assert model.calls == 1 and np.array_equal(first, again)
    assert len(list((tmp_path / "closeloop").glob("topics-*.npy"))) == 1
    encode_kept(model, ["信号弱", "宽带断网"], "topics")
    assert model.calls == 2


def test_an_unusable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    model = CountingEmbedder()
    vectors = encode_kept(model, ["彩铃"], "topics")
    assert vectors.shape == (1, 4) and model.calls == 1
