"""Command-line interface: parses arguments, calls the library, renders, exits. No logic of its own.

One module per group of commands over a shared typer app (``base.py``). ``app`` is that app with every
command registered; the console script (``run``) imports only the module of the command asked, so a
question does not pay for loading the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from typer.core import TyperCommand

from . import base
from .base import EXIT_INVALID_KB, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, main, run
from .helptext import Command, summary

if TYPE_CHECKING:
    import typer

    app: typer.Typer

COMMAND_MODULES = {
    "where": "query",
    "shell": "shell",
    "flag": "query",
    "safety": "query",
    "muscle": "browse",
    "map": "pictures",
    "posture": "browse",
    "muscles": "browse",
    "regions": "browse",
    "sources": "browse",
    "stats": "browse",
    "atlas": "atlas",
    "quiz": "quiz",
    "export": "admin",
    "validate": "admin",
    "schema": "admin",
}
"""Each command and the module that defines it, in the order --help lists them: the question first,
then browsing, studying and checking."""
_MODULES = tuple(dict.fromkeys(COMMAND_MODULES.values()))


def load_commands(names: Iterable[str] | None = None) -> typer.Typer:
    """The typer app with the commands ``names`` registered (default: all of them), each formatting its
    help with ``helptext.Command`` and listing its whole first sentence, in the --help order."""
    wanted = _MODULES if names is None else tuple(dict.fromkeys(COMMAND_MODULES[name] for name in names))
    for module in wanted:
        importlib.import_module(f"{__name__}.{module}")
    for command in base.app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = Command
        if command.short_help is None and command.callback is not None and command.callback.__doc__:
            command.short_help = summary(command.callback.__doc__)
    order = list(COMMAND_MODULES)
    base.app.registered_commands.sort(key=lambda c: order.index(_name(c)) if _name(c) in order else len(order))
    return base.app


def _name(command: object) -> str:
    name = getattr(command, "name", None) or getattr(getattr(command, "callback", None), "__name__", "")
    return str(name)


def __getattr__(name: str) -> Any:
    """``app`` (every command registered) and the command modules, loaded on first use."""
    if name == "app":
        globals()["app"] = loaded = load_commands()
        return loaded
    if name in _MODULES:
        module: ModuleType = importlib.import_module(f"{__name__}.{name}")
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMMAND_MODULES",
    "EXIT_INVALID_KB",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "app",
    "load_commands",
    "main",
    "run",
]
