"""Command-line interface: parses arguments, calls the library, renders, exits. No logic of its own.

One module per group of commands over a shared typer app (``app.py``).
"""

from __future__ import annotations

from . import admin, atlas, browse, pictures, query, quiz
from .app import EXIT_INVALID_KB, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, app, main

_ORDER = (
    "where",
    "flag",
    "safety",
    "muscle",
    "map",
    "posture",
    "muscles",
    "regions",
    "stats",
    "atlas",
    "quiz",
    "export",
    "validate",
    "schema",
)
"""The order --help lists the commands in: the question first, then browsing, then checking."""


def _name(command: object) -> str:
    name = getattr(command, "name", None) or getattr(getattr(command, "callback", None), "__name__", "")
    return str(name)


app.registered_commands.sort(key=lambda command: _ORDER.index(_name(command)) if _name(command) in _ORDER else 99)

__all__ = [
    "EXIT_INVALID_KB",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "admin",
    "app",
    "atlas",
    "browse",
    "main",
    "pictures",
    "query",
    "quiz",
]
