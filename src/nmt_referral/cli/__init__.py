"""Command-line interface: parses arguments, calls the library, renders, exits. No logic of its own.

One module per group of commands over a shared typer app (``app.py``).
"""

from __future__ import annotations

from typer.core import TyperCommand

from . import admin, atlas, browse, pictures, query, quiz, shell
from .app import EXIT_INVALID_KB, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, app, main, run
from .helptext import Command, summary

_ORDER = (
    "where",
    "shell",
    "flag",
    "safety",
    "muscle",
    "map",
    "posture",
    "muscles",
    "regions",
    "sources",
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


def _use_plain_help() -> None:
    """Every command formats its help with ``helptext.Command``, and lists its whole first sentence."""
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = Command
        if command.short_help is None and command.callback is not None and command.callback.__doc__:
            command.short_help = summary(command.callback.__doc__)


_use_plain_help()
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
    "run",
    "shell",
]
