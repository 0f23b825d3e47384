"""The quiz's spaced-repetition schedule (Leitner boxes) and its progress file.

Each item sits in a box, 1 to 5. A right answer moves it up one box, a wrong one (or "don't know")
back to box 1; an item never asked counts as box 1. An item is due again ``INTERVALS[box]`` after it
was last seen: box 1 at once, then 1, 3, 7 and 14 days. The order of a quiz: due items, lower boxes
first and the longest unseen first; then new items; then the rest, the soonest due first. Ties are
broken by the quiz's random order (its seed).

The progress file is JSON, written whole after each answer (a temporary file renamed into place)::

    {"version": 1,
     "items": {"forward:temporalis": {"box": 2, "last_seen": "2025-03-01T10:15:00Z", "right": 1, "wrong": 0}}}
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeGuard

from ..files import MAX_FILE_BYTES, FileProblem, read_bytes, write_atomically

__all__ = [
    "BOXES",
    "INTERVALS",
    "PROGRESS_ENV",
    "VERSION",
    "Entry",
    "default_path",
    "dump",
    "load",
    "parse",
    "record",
    "reset",
    "save",
    "schedule",
]

VERSION = 1
"""Version of the progress file's layout."""
BOXES = 5
_DAY = 24 * 60 * 60
INTERVALS = {1: 0, 2: _DAY, 3: 3 * _DAY, 4: 7 * _DAY, 5: 14 * _DAY}
"""Seconds after an item was last seen before it is due again, by box."""
PROGRESS_ENV = "NMT_REFERRAL_QUIZ_PROGRESS"
"""Environment variable naming the progress file (instead of the user's data directory)."""
FILE_NAME = "quiz-progress.json"


@dataclass(frozen=True)
class Entry:
    """One item's place in the schedule: its box, when it was last seen (Unix time), and its tally."""

    box: int
    last_seen: float
    right: int = 0
    wrong: int = 0

    @property
    def due(self) -> float:
        """When the item is due again (Unix time)."""
        return self.last_seen + INTERVALS[self.box]


Progress = Mapping[str, Entry]


def default_path() -> Path:
    """``$NMT_REFERRAL_QUIZ_PROGRESS``, else ``quiz-progress.json`` in the user's data directory:
    ``%APPDATA%\\nmt-referral`` on Windows, ``$XDG_DATA_HOME/nmt-referral`` elsewhere (default
    ``~/.local/share/nmt-referral``)."""
    explicit = os.environ.get(PROGRESS_ENV, "").strip()
    if explicit:
        return Path(explicit)
    if os.name == "nt":
        base = os.environ.get("APPDATA", "").strip()
        root = Path(base) if base else Path.home() / "AppData" / "Roaming"
    else:
        base = os.environ.get("XDG_DATA_HOME", "").strip()
        root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "nmt-referral" / FILE_NAME


def parse(content: bytes) -> dict[str, Entry]:
    """The entries of a progress file's content.

    Raises:
        ValueError: not JSON, or not the shape of a progress file of this version.
    """
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise ValueError(f"not a version {VERSION} progress file")
    table = document.get("items")
    if not isinstance(table, dict):
        raise ValueError("no 'items' object")
    entries: dict[str, Entry] = {}
    for key, value in table.items():
        entries[key] = _entry(key, value)
    return entries


def _entry(key: str, value: object) -> Entry:
    if not isinstance(value, dict):
        raise ValueError(f"item {key[:60]!r} is not an object")
    box, seen = value.get("box"), value.get("last_seen")
    right, wrong = value.get("right", 0), value.get("wrong", 0)
    if not _count(box) or not 1 <= box <= BOXES:
        raise ValueError(f"item {key[:60]!r}: box must be 1-{BOXES}")
    if not (_count(right) and _count(wrong)):
        raise ValueError(f"item {key[:60]!r}: right and wrong must be counts")
    try:
        when = datetime.fromisoformat(seen) if isinstance(seen, str) else None
    except ValueError:
        when = None
    if when is None:
        raise ValueError(f"item {key[:60]!r}: last_seen must be an ISO 8601 time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return Entry(box, when.timestamp(), right, wrong)


def _count(value: object) -> TypeGuard[int]:
    """A whole number, not negative (JSON ``true`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def dump(progress: Progress) -> bytes:
    """The progress file's content: items sorted by key, times in UTC."""
    table = {
        key: {
            "box": entry.box,
            "last_seen": datetime.fromtimestamp(entry.last_seen, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "right": entry.right,
            "wrong": entry.wrong,
        }
        for key, entry in sorted(progress.items())
    }
    return (json.dumps({"version": VERSION, "items": table}, indent=1, ensure_ascii=False) + "\n").encode()


def load(path: Path) -> tuple[dict[str, Entry], str | None]:
    """The progress saved in ``path`` (none if there is no file), and a one-line warning when the
    file could not be used (unreadable, not JSON, wrong shape): it is then ignored, and replaced on
    the next save."""
    try:
        content = read_bytes(path)
    except FileNotFoundError:
        return {}, None
    except (OSError, FileProblem) as error:
        reason = error.message if isinstance(error, FileProblem) else error.strerror or str(error)
        return {}, _warning(path, reason)
    try:
        if len(content) > MAX_FILE_BYTES:
            raise ValueError("too large")
        return parse(content), None
    except ValueError as error:
        return {}, _warning(path, str(error))


def _warning(path: Path, reason: str) -> str:
    return f"warning: ignoring the quiz progress in {str(path)[:200]} ({reason[:200]}); it will be replaced"


def save(path: Path, progress: Progress) -> None:
    """Write the progress file whole or not at all (creating its directory).

    Raises:
        OSError: it cannot be written; the previous file is then untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dump(progress))


def reset(path: Path) -> bool:
    """Delete the progress file; whether there was one.

    Raises:
        OSError: it exists and cannot be deleted.
    """
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def record(progress: Progress, item_id: str, right: bool, now: float) -> dict[str, Entry]:
    """The progress after answering ``item_id``: one box up when right, back to box 1 when wrong."""
    entry = progress.get(item_id, Entry(1, now))
    box = min(entry.box + 1, BOXES) if right else 1
    changed = replace(entry, box=box, last_seen=now, right=entry.right + right, wrong=entry.wrong + (not right))
    return {**progress, item_id: changed}


def schedule(item_ids: Sequence[str], progress: Progress, now: float, rng: random.Random) -> list[str]:
    """``item_ids`` in the order to ask them (module docstring); ``rng`` breaks ties."""
    shuffled = list(item_ids)
    rng.shuffle(shuffled)

    def key(item_id: str) -> tuple[int, float, float]:
        entry = progress.get(item_id)
        if entry is None:
            return (1, 0.0, 0.0)
        if entry.due <= now:
            return (0, entry.box, entry.last_seen)
        return (2, entry.due, 0.0)

    return sorted(shuffled, key=key)
