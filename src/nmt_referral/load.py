"""``load()``: the one entry point that turns a knowledge-base directory into a KnowledgeBase."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from .knowledge_base import KnowledgeBase

__all__ = ["clear_cache", "load", "resolve_data_dir", "validate"]

_loaded: dict[tuple[str, ...], KnowledgeBase] = {}
_loading = threading.Lock()

PathLike = str | os.PathLike[str]


def resolve_data_dir(data: PathLike | None = None) -> Path:
    """The directory to load: ``data`` if given, else ``$NMT_REFERRAL_DATA``, else the packaged one."""
    from .listing import data_dir_from_env, packaged_data_dir

    if data is not None:
        return Path(data)
    return data_dir_from_env() or packaged_data_dir()


def load(data: PathLike | None = None, *, overlays: Sequence[PathLike] = ()) -> KnowledgeBase:
    """Load and validate a knowledge base; cached per process (call :func:`clear_cache` to reset).

    A compiled copy of the validated knowledge base is kept in the user's cache directory, keyed by a
    hash of every source file, so later processes skip YAML parsing (see :mod:`nmt_referral.cache`).

    Parameters:
        data: a knowledge-base directory. Default: ``$NMT_REFERRAL_DATA`` if set, else the packaged one.
        overlays: extra directories with the same layout; a file there replaces the file with the same
            relative path (e.g. ``muscles/trapezius.yaml``) and adds the others.

    Returns:
        The :class:`KnowledgeBase`.

    Raises:
        KnowledgeBaseError: the directory is missing or invalid; ``.problems`` lists every
            ``file:line: message``. Nothing is half-loaded.

    Example:
        >>> kb = load()
        >>> kb.muscle("SCM").name
        'Sternocleidomastoid'
    """
    from .cache import load_cached

    root = resolve_data_dir(data)
    extra = tuple(Path(p) for p in overlays)
    key = tuple(os.path.abspath(p) for p in (root, *extra))
    cached = _loaded.get(key)  # the fast path takes no lock: a dict read is atomic
    if cached is not None:
        return cached
    with _loading:  # concurrent first calls build it once; the others wait and share it
        cached = _loaded.get(key)
        if cached is None:
            cached = _loaded[key] = load_cached(root, extra)
    return cached


def validate(data: PathLike | None = None, *, overlays: Sequence[PathLike] = ()) -> KnowledgeBase:
    """Load a knowledge base afresh, bypassing every cache, and check its body charts (``figures/``,
    when it has any); raises KnowledgeBaseError if invalid."""
    from .loader import read_parts

    root = resolve_data_dir(data)
    kb = KnowledgeBase(read_parts(root, tuple(Path(p) for p in overlays)))
    if (root / "figures").is_dir():
        from .errors import KnowledgeBaseError
        from .maps.geometry import check_figures, load_figures

        problems = check_figures(kb, load_figures(root))
        if problems:
            raise KnowledgeBaseError(str(root), problems)
    return kb


def clear_cache() -> None:
    """Forget knowledge bases loaded by this process."""
    with _loading:
        _loaded.clear()
