"""Human text for a terminal: wrapped to its width with hanging indents, and highlighted when colour is on.

The renderers (``nmt_referral.render``) write one logical line per fact; this module only lays those
lines out. Width: ``$COLUMNS`` if set, else the terminal's; output that goes to a pipe or a file with no
``$COLUMNS`` is not wrapped (one fact per line, for grep). Colour: only on a terminal (or with
``$FORCE_COLOR``), never with ``$NO_COLOR`` or ``--no-color``. Plain ANSI codes: no library to import.
"""

from __future__ import annotations

import os
import re
import textwrap
from typing import TextIO

MIN_WIDTH = 30
"""Narrower terminals are laid out as if this wide: hanging indents need room."""

_GAP = re.compile(r" {2,}")
_LABEL = re.compile(r"^(\s*)([A-Za-z][\w ()'/-]{0,28}: +)\S")
_RESET = "\x1b[0m"
_STYLES = {"bold": "\x1b[1m", "dim": "\x1b[2m", "red": "\x1b[1;31m", "green": "\x1b[1;32m", "yellow": "\x1b[33m"}


def width_for(stream: TextIO) -> int | None:
    """Columns to wrap to: ``$COLUMNS``, else the terminal's width, else None (not a terminal)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    try:
        if stream.isatty():
            return max(os.get_terminal_size(stream.fileno()).columns, MIN_WIDTH)
    except (AttributeError, OSError, ValueError):
        pass
    return None


def colour_for(stream: TextIO, *, disabled: bool = False) -> bool:
    """Whether to highlight: not with ``--no-color`` or a non-empty ``$NO_COLOR``; with a non-empty
    ``$FORCE_COLOR``; else only on a terminal."""
    if disabled or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def hanging_indent(line: str, width: int) -> int:
    """Where a wrapped line's continuation starts: under its last column (after a run of two or more
    spaces) or after its ``label:``, within the first half of the width; else four spaces in."""
    limit = width // 2
    lead = len(line) - len(line.lstrip(" "))
    best = lead + 4 if lead + 4 <= limit else min(lead, limit)
    label = _LABEL.match(line)
    if label and len(label.group(1)) + len(label.group(2)) <= limit:
        best = max(best, len(label.group(1)) + len(label.group(2)))
    for gap in _GAP.finditer(line, lead):
        if gap.end() > limit:
            break
        best = max(best, gap.end())
    return best


_POINTER = re.compile(r"\[nmt-referral [^\]]{1,60}\]")
_TREE = re.compile(r"^(?:[│├└─|`\-] ?|  {1,2})*?(?:[├└]─ |[|`]-- )")
_BELOW = str.maketrans({"├": "│", "└": " ", "─": " ", "`": " ", "-": " "})
"""A tree line's branch drawing (``│  ├─ ``) and what continues below it (``│  │  ``)."""
_KEEP = "\u00a0"  # not a break point for textwrap; a space again once wrapped


def wrap_line(line: str, width: int) -> list[str]:
    """One logical line as terminal lines no wider than ``width``; a ``[nmt-referral ...]`` pointer to
    another command is kept on one line."""
    if len(line) <= width:
        return [line]
    line = _POINTER.sub(lambda m: m.group().replace(" ", _KEEP), line)
    branches = _TREE.match(line)
    if branches and branches.group():  # a tree line: its continuation keeps the branch lines going down
        drawn = branches.group().translate(_BELOW)
        continuation = drawn + " " * 2
    else:
        continuation = " " * hanging_indent(line, width)
    wrapper = textwrap.TextWrapper(
        width=width,
        subsequent_indent=continuation,
        break_long_words=True,
        break_on_hyphens=False,
        replace_whitespace=False,
    )
    return [part.replace(_KEEP, " ") for part in wrapper.wrap(line)] or [line[:width]]


def wrap(text: str, width: int | None) -> str:
    """Every line of ``text`` wrapped to ``width`` (None: unchanged)."""
    if width is None:
        return text
    return "\n".join(part for line in text.split("\n") for part in wrap_line(line.rstrip(), width))


def _paint(text: str, style: str) -> str:
    return f"{_STYLES[style]}{text}{_RESET}"


_RED_FLAG = re.compile(r"^(\s*)(RED FLAG\b[^:]*:)")
_RANK_ROW = re.compile(r"^(\d+)( {2,})(\S.*?)( {2,}|$)")
_HEADER = re.compile(r"^#  +Muscle\b.*$")
_ZONE_WORDS = re.compile(r"\b(essential|spillover)\b")
_CAUTION = re.compile(r"^(\s*)(caution:)")
_TOP = 3


def highlight(text: str) -> str:
    """ANSI highlighting of laid-out text: RED FLAG labels red, table headers bold, the top candidates'
    names green and the others bold, "essential" bold and "spillover" dim, cautions yellow."""
    out = []
    for line in text.split("\n"):
        line = _RED_FLAG.sub(lambda m: m.group(1) + _paint(m.group(2), "red"), line, count=1)
        line = _paint(line, "bold") if _HEADER.match(line) else _RANK_ROW.sub(_rank, line, count=1)
        line = _CAUTION.sub(lambda m: m.group(1) + _paint(m.group(2), "yellow"), line, count=1)
        line = _ZONE_WORDS.sub(lambda m: _paint(m.group(1), "bold" if m.group(1) == "essential" else "dim"), line)
        out.append(line)
    return "\n".join(out)


def _rank(found: re.Match[str]) -> str:
    rank, gap, name, tail = found.groups()
    return f"{rank}{gap}{_paint(name, 'green' if int(rank) <= _TOP else 'bold')}{tail}"


def lay_out(text: str, stream: TextIO, *, no_colour: bool = False) -> tuple[str, bool]:
    """``text`` wrapped for ``stream`` and, when colour is on there, highlighted; and whether it was."""
    laid = wrap(text, width_for(stream))
    if colour_for(stream, disabled=no_colour):
        return highlight(laid), True
    return laid, False
