"""Writing the atlas into its folder: whole files, only when changed, never into a folder it did not make."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import AtlasError
from ...files import write_atomically

if TYPE_CHECKING:
    from ...knowledge_base import KnowledgeBase
from .build import atlas_files

MARKER = ".nmt-referral-atlas"
"""The file that marks a folder as an atlas and lists the files the atlas wrote there."""
_MARKER_HEAD = "nmt-referral atlas"
_LISTED_FILE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*\.(html|js|css)$")
_KINDS = ("muscles", "regions", "conditions", "symptoms")


@dataclass(frozen=True)
class AtlasSummary:
    """What :func:`write_atlas` wrote: the folder, how many files and pages of each kind."""

    directory: Path
    files: int
    muscles: int
    regions: int
    conditions: int
    symptoms: int
    removed: int = 0


def write_atlas(kb: KnowledgeBase, directory: str | os.PathLike[str]) -> AtlasSummary:
    """Build the atlas of ``kb`` and write it into ``directory`` (created if missing).

    Every page is built before anything is written; each file is written whole or not at all. Files a
    previous atlas listed in the marker and this one no longer writes are removed; nothing else is.

    Raises:
        AtlasError: ``directory`` is not a folder, or is a non-empty folder that no atlas made.
        KnowledgeBaseError: the body charts of the knowledge base are invalid.
        OSError: a file cannot be written.
    """
    target = Path(directory)
    files = atlas_files(kb)
    previous = _claim(target)
    _write_marker(target, sorted(set(previous) | set(files)))
    for name, content in files.items():
        _write_if_changed(target, name, content)
    removed = 0
    for name in sorted(set(previous) - set(files)):
        stale = target / name
        if _through_links(target, name):
            continue  # a folder replaced by a link since: what it points to is not the atlas's
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            removed += 1
    _write_marker(target, sorted(files))
    counts = {kind: sum(1 for name in files if name.startswith(f"{kind}/")) for kind in _KINDS}
    return AtlasSummary(target, len(files) + 1, removed=removed, **counts)


def _claim(directory: Path) -> list[str]:
    """Make sure ``directory`` may hold the atlas (creating it); return the files a previous atlas listed."""
    if directory.is_symlink() and not directory.exists():
        raise AtlasError(str(directory), "is a broken symbolic link")
    if directory.exists() and not directory.is_dir():
        raise AtlasError(str(directory), "exists and is not a folder")
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / MARKER
    if marker.is_file() and not marker.is_symlink():
        lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
        if lines[:1] == [_MARKER_HEAD]:
            return [line for line in lines[1:] if _LISTED_FILE.match(line) and ".." not in line]
    with os.scandir(directory) as entries:
        if any(True for _entry in entries):
            raise AtlasError(
                str(directory),
                f"the folder is not empty and no atlas was written there (no {MARKER} file); "
                "choose a new or empty folder",
            )
    return []


def _through_links(directory: Path, name: str) -> bool:
    """Whether a folder on the way from ``directory`` to the file ``name`` is a symbolic link."""
    folder = directory
    for part in Path(name).parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return True
    return False


def _write_marker(directory: Path, names: Sequence[str]) -> None:
    text = "\n".join([_MARKER_HEAD, *names]) + "\n"
    write_atomically(directory / MARKER, text.encode("utf-8"))


def _write_if_changed(directory: Path, name: str, content: bytes) -> None:
    """Write one file of the atlas (its folders made, never through a symbolic link); an unchanged
    file is left as it is."""
    path = directory / name
    folder = directory
    for part in Path(name).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise AtlasError(str(folder), "is in the way of the atlas (a file or a symbolic link, not a folder)")
        folder.mkdir(exist_ok=True)
    unchanged = path.is_file() and not path.is_symlink() and path.stat().st_size == len(content)
    if unchanged and path.read_bytes() == content:
        return
    write_atomically(path, content)
