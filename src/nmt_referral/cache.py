"""Compiled cache of validated knowledge bases, keyed by a hash of the parsed bytes and the library.

A warm load restores the validated, indexed KnowledgeBase instead of parsing and validating YAML.

- **Never stale.** The key covers exactly the bytes that were parsed (each source file is read once, and
  the same bytes are hashed and, on a miss, parsed), each file's relative path, the library's version
  and code, and the Python and pydantic versions. A warm start may skip listing and reading the files
  when a stamp written with the key shows every folder of the file list unchanged (modification and
  change time, inode) and every file and module with the same size, times, inode and device; the
  change time cannot be set back, and nothing changed in the last ``RACY_SECONDS`` is stamped, so an
  edit, an added or a removed file always reaches the next load.
- **Never a way in.** Entries are pickles restricted to an allow-list of this library's own record
  classes (:class:`_SafeUnpickler`): a planted entry naming any other callable is refused and rebuilt,
  so no code runs. An entry is opened once and checked on the open file: a regular file, owned by this
  user, writable by nobody else; otherwise it is ignored. Entries are written owner-only.
- **Never a wrong answer.** The payload's SHA-256 is stored in the header and checked on load: a flipped
  byte means a rebuild. Writes are atomic (temporary file + rename).
- **Bounded.** Only the ``KEEP`` most recently used entries are kept.

Turn the cache off with ``NMT_REFERRAL_NO_CACHE=1``; move it with ``NMT_REFERRAL_CACHE_DIR`` (default
``$XDG_CACHE_HOME/nmt-referral``, else ``~/.cache/nmt-referral``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .knowledge_base import KnowledgeBase

__all__ = ["CACHE_DIR_ENV", "KEEP", "NO_CACHE_ENV", "cache_dir", "cache_key", "load_cached", "restricted_loads"]


def _log(level: str, message: str, *args: object) -> None:
    """Log through ``logging`` (imported only when there is something to say: a warm start has not)."""
    import logging

    getattr(logging.getLogger(__name__), level)(message, *args)


NO_CACHE_ENV = "NMT_REFERRAL_NO_CACHE"
CACHE_DIR_ENV = "NMT_REFERRAL_CACHE_DIR"
KEEP = 8
"""Cache entries kept per directory (the most recently used); older ones are deleted."""
MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""Largest cache entry read (a knowledge base 100 times the packaged one is about 70 MB)."""

_FORMAT = b"nmt-referral-cache-5\n"
_HEADER = len(_FORMAT) + 64 + 64  # format, key (hex), SHA-256 of the payload (hex)


def _record_classes() -> frozenset[str]:
    """Every record model (a ``Record`` subclass) of ``nmt_referral.models``: new models are allowed
    without a list to keep in step (a missing one silently turned every warm load into a cold one)."""
    from . import models

    return frozenset(
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, models.Record) and value.__module__ == models.__name__
    )


_ALLOWED: dict[str, frozenset[str]] = {
    "nmt_referral.knowledge_base": frozenset({"KnowledgeBase", "ZoneHit"}),
    "nmt_referral.names": frozenset({"NameIndex", "NameHit"}),
    "nmt_referral.models": frozenset({"_unpickle"}) | _record_classes(),
    "builtins": frozenset({"set", "frozenset"}),
}
"""Everything a cache entry may name: this library's records and indices, and two plain containers."""


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the names in ``_ALLOWED``: nothing else can be called."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def restricted_loads(data: bytes) -> Any:
    """Unpickle ``data`` naming only the classes ``_ALLOWED`` allows (a packed table of a cached
    knowledge base)."""
    return _SafeUnpickler(io.BytesIO(data)).load()


def cache_dir() -> Path | None:
    """Directory of cache entries, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "nmt-referral"


def cache_key(contents: Mapping[str, bytes | Exception]) -> str:
    """Hash of the library, its runtime and the given bytes of every source file (with relative paths)."""
    import pydantic
    import pydantic_core

    from . import __version__

    digest = hashlib.sha256(_FORMAT)
    for part in (__version__, sys.version, pydantic.VERSION, pydantic_core.__version__):
        digest.update(part.encode() + b"\0")
    for module in sorted(Path(__file__).parent.glob("*.py")):  # the code that built the object
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    for rel in sorted(contents):
        data = contents[rel]
        if not isinstance(data, bytes):  # pragma: no cover - an unreadable file never reaches the cache
            raise ValueError(f"{rel} was not read")
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _open_trusted(path: Path) -> io.BufferedReader | None:
    """The entry, opened once and checked on the open file: regular, ours, writable by nobody else."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # missing, a symlink (O_NOFOLLOW), unreadable: no entry
        return None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    trusted = stat.S_ISREG(info.st_mode) and info.st_size <= MAX_ENTRY_BYTES
    if hasattr(os, "getuid"):
        trusted = trusted and info.st_uid == os.getuid() and not info.st_mode & 0o022
    if not trusted:
        handle.close()
        _log("warning", "ignoring cache entry %s: not a regular file owned by this user and writable only by it", path)
        return None
    return handle


def _read(path: Path, key: str) -> KnowledgeBase | None:
    handle = _open_trusted(path)
    if handle is None:
        return None
    try:
        with handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
        if len(data) < _HEADER or data[: len(_FORMAT)] != _FORMAT:
            return None
        stored_key = data[len(_FORMAT) : len(_FORMAT) + 64].decode("ascii")
        checksum = data[len(_FORMAT) + 64 : _HEADER].decode("ascii")
        payload = memoryview(data)[_HEADER:]
        if stored_key != key or hashlib.sha256(payload).hexdigest() != checksum:
            _log("debug", "ignoring cache entry %s: key or checksum differs", path)
            return None
        kb = _SafeUnpickler(io.BytesIO(payload)).load()
    except Exception as exc:  # any corrupt, foreign or hostile entry: rebuild
        _log("debug", "ignoring unreadable cache entry %s: %s", path, exc)
        return None
    if not isinstance(kb, KnowledgeBase):
        return None
    with contextlib.suppress(OSError):  # a read-only cache directory: no matter
        os.utime(path)  # most recently used: kept by the eviction
    return kb


def _write(directory: Path, path: Path, key: str, kb: KnowledgeBase) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
        header = _FORMAT + key.encode("ascii") + hashlib.sha256(payload).hexdigest().encode("ascii")
        _write_private(path, header + payload)
        _evict(directory, keep=path)
    except Exception as exc:  # read-only or full disk: the cache is an optimisation only
        _log("debug", "cannot write cache entry %s: %s", path, exc)


def _write_private(path: Path, content: bytes) -> None:
    """``content`` to ``path``, owner-only, whole or not at all (a temporary file renamed into place)."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed into place
        dir=path.parent, prefix=".tmp-", suffix=path.suffix, delete=False
    )
    try:
        with handle:
            os.chmod(handle.name, 0o600)
            handle.write(content)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _evict(directory: Path, keep: Path) -> None:
    """Delete all but the ``KEEP`` most recently used entries (never ``keep``, just written)."""
    entries: list[tuple[float, Path]] = []
    with os.scandir(directory) as found:
        for entry in found:
            if entry.name.startswith("kb-") and entry.name.endswith(".pickle") and entry.is_file(follow_symlinks=False):
                entries.append((entry.stat(follow_symlinks=False).st_mtime, Path(entry.path)))
    entries.sort(reverse=True)
    for _mtime, old in entries[KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)


def load_cached(root: Path, overlays: tuple[Path, ...]) -> KnowledgeBase:
    """The knowledge base in ``root`` (+ overlays): from the cache when possible, else built and cached.

    Every file is read once; the cache key is the hash of exactly those bytes, and a miss parses them.
    A warm start neither lists nor reads the files when a stamp (see ``_stamp``) shows that no folder
    and no file changed since the key was computed.

    Raises:
        KnowledgeBaseError: the directory is invalid (nothing is cached for an invalid one).
    """
    from .listing import list_files, read_sources

    directory = cache_dir()
    if directory is not None:
        warm = _from_stamp(directory, root, overlays)
        if warm is not None:
            return warm
    listing = list_files(root, overlays)
    stamp = _stamp(root, overlays, listing.files) if directory is not None and not listing.problems else None
    contents = read_sources(listing.files)
    unreadable = listing.problems or any(isinstance(data, Exception) for data in contents.values())
    if directory is None or unreadable:  # reported by read_parts with every other problem, as validate does
        from .loader import read_parts

        return KnowledgeBase(read_parts(root, overlays, listing, contents))
    key = cache_key(contents)
    path = directory / f"kb-{key[:32]}.pickle"
    kb = _read(path, key)
    if kb is None:
        from .loader import read_parts

        kb = KnowledgeBase(read_parts(root, overlays, listing, contents))
        kb.prepare()
        _write(directory, path, key, kb)
    else:
        kb.root = str(root)
    if stamp is not None:
        _write_stamp(directory, root, overlays, stamp, key)
    return kb


_STAMP_FORMAT = 2
RACY_SECONDS = 2
"""A file or folder changed this recently is not stamped: a later change in the same clock tick could
keep its size and times."""

Stamp = dict[str, Any]


def _stamp(root: Path, overlays: tuple[Path, ...], files: Mapping[str, Path]) -> Stamp | None:
    """What must be unchanged for a stored key to hold: the versions the key covers; the modification
    and change times and inode of every folder the file list comes from; and the size, times, inode and
    device of every source file and of this library's modules. The change time cannot be set back by
    tools that preserve modification times. None if something cannot be examined or changed too
    recently to be trusted."""
    from .listing import folders

    try:
        folder_rows = [_times(folder, dev=False) for folder in folders(root, overlays)]
        rows = _file_rows(files)
    except (OSError, _TooRecent):
        return None
    return {"folders": folder_rows, "files": {rel: str(path) for rel, path in sorted(files.items())}, "stats": rows}


class _TooRecent(Exception):
    """Changed within the last ``RACY_SECONDS``."""


def _times(path: Path, *, dev: bool = True) -> list[object]:
    info = os.stat(path)
    if max(info.st_mtime_ns, info.st_ctime_ns) > (time.time() - RACY_SECONDS) * 1e9:
        raise _TooRecent(path)
    row: list[object] = [str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return [*row, info.st_dev] if dev else row


def _file_rows(files: Mapping[str, Path]) -> list[list[object]]:
    import pydantic
    import pydantic_core

    from . import __version__

    rows: list[list[object]] = [[__version__, sys.version, pydantic.VERSION, pydantic_core.__version__]]
    modules = {f"<code>/{m.name}": m for m in Path(__file__).parent.glob("*.py")}
    rows.extend([rel, *_times(path)[1:]] for rel, path in sorted({**files, **modules}.items()))
    return rows


def _stamp_path(directory: Path, root: Path, overlays: tuple[Path, ...]) -> Path:
    where = "\0".join(os.path.abspath(p) for p in (root, *overlays))
    return directory / f"stamp-{hashlib.sha256(where.encode()).hexdigest()[:32]}.json"


def _from_stamp(directory: Path, root: Path, overlays: tuple[Path, ...]) -> KnowledgeBase | None:
    """The cached knowledge base, when the stamp stored for these directories still holds: no folder
    it recorded changed (so the file list is the stored one) and no file or module changed."""
    handle = _open_trusted(_stamp_path(directory, root, overlays))
    if handle is None:
        return None
    try:
        with handle:
            stored = json.loads(handle.read(MAX_ENTRY_BYTES))
        if not isinstance(stored, dict) or stored.get("format") != _STAMP_FORMAT:
            return None
        # a file added to or removed from a folder (or a folder to the root) changes that folder's times
        folder_rows = stored["folders"]
        if not folder_rows or folder_rows != [_times(Path(row[0]), dev=False) for row in folder_rows]:
            return None
        files = {str(rel): Path(path) for rel, path in stored["files"].items()}
        if stored.get("stats") != _file_rows(files):
            return None
    except (OSError, ValueError, TypeError, AttributeError, KeyError, _TooRecent):
        return None
    key = stored.get("key")
    kb = _read(directory / f"kb-{key[:32]}.pickle", key) if isinstance(key, str) and len(key) == 64 else None
    if kb is not None:
        kb.root = str(root)
    return kb


def _write_stamp(directory: Path, root: Path, overlays: tuple[Path, ...], stamp: Stamp, key: str) -> None:
    path = _stamp_path(directory, root, overlays)
    try:
        _write_private(path, json.dumps({"format": _STAMP_FORMAT, "key": key, **stamp}).encode())
    except OSError as exc:  # the cache is an optimisation only
        _log("debug", "cannot write cache stamp %s: %s", path, exc)
