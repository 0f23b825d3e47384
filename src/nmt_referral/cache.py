"""Compiled cache of validated knowledge bases, keyed by a hash of the source files and the library.

A warm load unpickles the validated, indexed KnowledgeBase instead of parsing and validating YAML. The
key covers every byte of every source file (and each file's relative path), the library's version and
code, and the Python and pydantic versions, so a cache entry can never be stale. Entries are written atomically
(temporary file + rename), so processes starting at once cannot see half a file; a corrupt, unreadable
or foreign entry is ignored and rebuilt, never an error. Turn the cache off with
``NMT_REFERRAL_NO_CACHE=1``; move it with ``NMT_REFERRAL_CACHE_DIR`` (default
``$XDG_CACHE_HOME/nmt-referral``, else ``~/.cache/nmt-referral``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .knowledge_base import KnowledgeBase

__all__ = ["CACHE_DIR_ENV", "NO_CACHE_ENV", "cache_dir", "cache_key", "load_cached"]

log = logging.getLogger(__name__)

NO_CACHE_ENV = "NMT_REFERRAL_NO_CACHE"
CACHE_DIR_ENV = "NMT_REFERRAL_CACHE_DIR"
_FORMAT = b"nmt-referral-cache-1\n"


def cache_dir() -> Path | None:
    """Directory of cache entries, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "nmt-referral"


def cache_key(files: Mapping[str, Path]) -> str:
    """Hash of the library, its runtime and the bytes of every source file (with relative paths)."""
    import pydantic
    import pydantic_core

    from . import __version__

    digest = hashlib.sha256(_FORMAT)
    for part in (__version__, sys.version, pydantic.VERSION, pydantic_core.__version__):
        digest.update(part.encode() + b"\0")
    for module in sorted(Path(__file__).parent.glob("*.py")):  # the code that built the object
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    for rel in sorted(files):
        data = files[rel].read_bytes()
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    """Only unpickle a file that this user owns and nobody else can write."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return True
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _read(path: Path, key: str) -> KnowledgeBase | None:
    try:
        if not _trusted(path):
            log.warning("ignoring cache entry %s: not owned by this user or writable by others", path)
            return None
        with path.open("rb") as handle:
            if handle.read(len(_FORMAT)) != _FORMAT or handle.read(64).decode("ascii") != key:
                return None
            kb = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # any corrupt or foreign entry: rebuild
        log.debug("ignoring unreadable cache entry %s: %s", path, exc)
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _write(directory: Path, path: Path, key: str, kb: KnowledgeBase) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
            dir=directory, prefix=".tmp-", suffix=".pickle", delete=False
        )
        try:
            with handle:
                handle.write(_FORMAT + key.encode("ascii"))
                pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    except Exception as exc:  # read-only or full disk: the cache is an optimisation only
        log.debug("cannot write cache entry %s: %s", path, exc)


def load_cached(root: Path, overlays: tuple[Path, ...]) -> KnowledgeBase:
    """The knowledge base in ``root`` (+ overlays): from the cache when possible, else built and cached.

    Raises:
        KnowledgeBaseError: the directory is invalid (nothing is cached for an invalid one).
    """
    from .loader import list_files, read_parts

    files = list_files(root, overlays)
    directory = cache_dir()
    if directory is None:
        return KnowledgeBase(read_parts(root, overlays, files))
    key = cache_key(files)
    path = directory / f"kb-{key[:32]}.pickle"
    cached = _read(path, key)
    if cached is not None:
        cached.root = str(root)
        return cached
    kb = KnowledgeBase(read_parts(root, overlays, files))
    kb.prepare()
    _write(directory, path, key, kb)
    return kb
