"""Which files make up a knowledge base, and their bytes: the directory walk shared by the loader and
the compiled cache. Light on purpose (no YAML, no validation): a warm start needs only this."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from .errors import KnowledgeBaseError, Problem

__all__ = [
    "ENV_VAR",
    "VOCABULARIES",
    "Listing",
    "content_hash",
    "data_dir_from_env",
    "folders",
    "list_files",
    "packaged_data_dir",
    "read_sources",
]

ENV_VAR = "NMT_REFERRAL_DATA"
MAX_FILES = 100_000
SKIPPED_SUFFIXES = ("~", ".bak", ".orig", ".swp", ".tmp")
"""Backup and temporary files an editor leaves beside a file: skipped (and announced), like hidden ones."""
VOCABULARIES = (
    "sources",
    "phenomena",
    "regions",
    "conditions",
    "red_flags",
    "guides",
    "contraindications",
    "postures",
    "groups",
)
"""The vocabularies: each a ``<name>.yaml`` file or a ``<name>/`` folder of them."""
DATA_FOLDERS = ("muscles", "patterns", "clinical", "bodymaps", "patches")
"""Folders of per-record files."""


def folders(root: Path, overlays: Sequence[Path] = ()) -> list[Path]:
    """Every directory whose entries make up the knowledge base's file list (the roots and their
    existing vocabulary and data folders): unchanged directories mean an unchanged list of files."""
    found: list[Path] = []
    for directory in (root, *overlays):
        found.append(directory)
        found.extend(directory / name for name in (*VOCABULARIES, *DATA_FOLDERS) if (directory / name).is_dir())
    return found


def _problem(problems: list[Problem], path: str, line: int, message: str) -> None:
    problems.append(Problem(path, line, message))


def packaged_data_dir() -> Path:
    """The knowledge base shipped with the package (the checkout's ``data/`` in an editable install)."""
    packaged = Path(__file__).resolve().parent / "data"  # where the wheel puts it (pyproject force-include)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data"
    return checkout


def data_dir_from_env() -> Path | None:
    """The directory named by ``NMT_REFERRAL_DATA``, if set and not blank."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def _list_files(root: Path, problems: list[Problem], skipped: list[str]) -> dict[str, Path]:
    """Relative path -> file, for the files of a knowledge base in ``root``.

    Every entry met is read or reported: a ``<vocabulary>.yaml`` that exists but is no regular file (a
    directory, a FIFO, a dangling symlink), an unreadable folder, a ``.yml`` or other file that is not
    ``*.yaml`` and a sub-folder are problems; hidden, lock and backup files (a name starting with ``.``
    or ending with one of ``SKIPPED_SUFFIXES``) are skipped and listed in ``skipped``.
    """
    found: dict[str, Path] = {}
    for name in VOCABULARIES:
        single = root / f"{name}.yaml"
        if _exists(single):
            found[f"{name}.yaml"] = single  # read_sources refuses it if it is not a regular file
        for item in _folder_entries(root / name, problems, skipped, root):
            found[f"{name}/{item}"] = root / name / item
    if _exists(root / "identifiers.yaml"):
        found["identifiers.yaml"] = root / "identifiers.yaml"
    for folder_name in DATA_FOLDERS:
        for item in _folder_entries(root / folder_name, problems, skipped, root):
            found[f"{folder_name}/{item}"] = root / folder_name / item
    if len(found) > MAX_FILES:
        _problem(problems, str(root), 0, f"more than {MAX_FILES} YAML files")
    return found


def _exists(path: Path) -> bool:
    """Whether anything at all is at ``path`` (a dangling symlink included)."""
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def _folder_entries(folder: Path, problems: list[Problem], skipped: list[str], root: Path) -> list[str]:
    """Sorted names of the ``*.yaml`` entries of ``folder``; the other entries skipped or reported."""
    try:
        with os.scandir(folder) as entries:
            found = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        _problem(problems, str(folder), 0, "expected a folder of *.yaml files, found a file")
        return []
    except OSError as exc:
        _problem(problems, str(folder), 0, f"cannot read folder: {exc.strerror or exc}")
        return []
    names: list[str] = []
    for name, is_dir in found:
        shown = str(folder / name)
        if name.startswith(".") or name.endswith(SKIPPED_SUFFIXES):
            skipped.append(os.path.relpath(shown, root))
        elif is_dir and not name.endswith(".yaml"):
            _problem(problems, shown, 0, "sub-folders are not read: move its files up or remove it")
        elif name.endswith(".yaml"):
            names.append(name)  # a directory or special file named *.yaml is refused when read
        elif name.endswith(".yml"):
            _problem(problems, shown, 0, "not read: knowledge-base files end in .yaml; rename it")
        else:
            _problem(problems, shown, 0, "not a knowledge-base file (expected *.yaml)")
    return names


def _check_root(root: Path) -> None:
    problem: str | None = None
    try:
        if not root.exists():
            problem = "directory does not exist"
        elif not root.is_dir():
            problem = "not a directory"
        else:
            next(root.iterdir(), None)
    except OSError as exc:
        problem = f"cannot read directory: {exc.strerror or exc}"
    if problem is None and not (root / "muscles").is_dir():
        problem = "not a knowledge base: no muscles/ folder"
    if problem is not None:
        raise KnowledgeBaseError(str(root), [Problem(str(root), 0, problem)])


class Listing(NamedTuple):
    """The files of a knowledge base (overlays included), the files skipped and the problems met."""

    files: dict[str, Path]
    skipped: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    shadowed: tuple[str, ...] = ()
    """``<overlay file> replaces <file>``, for each file an overlay replaces whole."""


def list_files(root: Path, overlays: Sequence[Path] = ()) -> Listing:
    """Relative path -> file of every knowledge-base file, overlays replacing same-named files.

    Problems with single entries (see ``_list_files``) are returned, for ``read_parts`` to report with
    the others.

    Raises:
        KnowledgeBaseError: ``root`` is missing, not a directory or not a knowledge base.
    """
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    skipped: list[str] = []
    shadowed: list[str] = []
    _check_root(root)
    for directory in (root, *overlays):
        if directory is not root and not directory.is_dir():
            _problem(problems, str(directory), 0, "overlay is not a directory")
            continue
        for rel, path in _list_files(directory, problems, skipped).items():
            if rel in files:
                shadowed.append(f"{path} replaces {files[rel]}")
            files[rel] = path
    return Listing(files, tuple(skipped), tuple(problems), tuple(shadowed))


def read_sources(files: dict[str, Path]) -> dict[str, bytes | Exception]:
    """Each listed file's bytes, read once (bounded, regular files only), or why it could not be read."""
    from . import files as reading

    contents: dict[str, bytes | Exception] = {}
    for rel in sorted(files):
        try:
            contents[rel] = reading.read_bytes(files[rel])
        except (OSError, reading.FileProblem) as exc:
            contents[rel] = exc
    return contents


def content_hash(contents: dict[str, bytes | Exception]) -> str:
    """SHA-256 of the knowledge base's content: every file read, by relative path (overlays applied), in
    path order. The same data gives the same hash on any machine, whatever its directory."""
    digest = hashlib.sha256(b"nmt-referral-data-1\0")
    for rel in sorted(contents):
        data = contents[rel]
        if isinstance(data, bytes):
            digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()
