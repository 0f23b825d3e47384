"""Help pages as a therapist reads them: arguments named plainly (``LOCATION...``, ``[ID]``) without the
type labels and braces typer adds, and every command's summary whole in the command list."""

from __future__ import annotations

from typing import Any

import typer.core


class Command(typer.core.TyperCommand):
    """A typer command whose usage line and argument list show names, not types."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_usage_name(param))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and getattr(param, "help", None):
                arguments.append((_list_name(param), str(getattr(param, "help", ""))))
            elif param.param_type_name == "option":
                record = param.get_help_record(ctx)
                if record is not None:
                    options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _list_name(param: Any) -> str:
    name = str(param.metavar or param.name).upper()
    return f"{name}..." if param.nargs != 1 else name


def _usage_name(param: Any) -> str:
    name = _list_name(param)
    return name if param.required else f"[{name}]"


def summary(help_text: str) -> str:
    """A command's one-line summary for the command list: its help's first sentence, whole."""
    first = help_text.strip().split("\n\n", 1)[0].replace("\n", " ")
    sentence = first.split(". ", 1)[0].rstrip(".")
    return " ".join(sentence.split())
