"""The shell command: many questions, one start. Each line is answered in this process (the knowledge
base loaded once), with readline's history and tab completion on a terminal."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from . import completion
from .base import EXIT_OK, DataOption, OverlayOption, _echo, _load, app

PROMPT = "nmt-referral> "
HISTORY_LENGTH = 1000
_OPTION = re.compile(r"(?:^|\s)(?=--?[A-Za-z])")
_NOT_IN_SHELL = {"shell", "quiz"}  # they read stdin themselves
_QUIT = {"quit", "exit", "q", ":q"}

SHELL_HELP = """Each line is a question:
  temple; angle of the jaw --side left     where it hurts (sites separated by ;), with where's options
  where low back --brief                   the same, naming the command
  muscle SCM      map trapezius -o t.svg   any other command, as on the command line
  help            this text; `COMMAND --help` for a command's own
  quit            or Ctrl-D
Tab completes commands, locations and muscle names; Up and Down walk the history."""


def history_file() -> Path:
    """Where the shell keeps its history: ``$XDG_STATE_HOME/nmt-referral/history`` (default
    ``~/.local/state/...``)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "nmt-referral" / "history"


def command_names() -> list[str]:
    """The commands a shell line may start with."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return sorted(names - _NOT_IN_SHELL - {""})


def to_arguments(line: str, commands: list[str]) -> list[str] | None:
    """A shell line as command-line arguments: ``COMMAND ARGS...`` as the shell would split it, or a
    ``where`` question: sites separated by ``;`` up to the first option (``--side left``). None for a
    blank line or a comment."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    first = line.split(maxsplit=1)[0]
    if first in commands:
        if first != "where":
            return shlex.split(line)
        line = line[len(first) :].strip()
    found = _OPTION.search(line)
    sites_text, options = (line[: found.start()], line[found.start() :]) if found else (line, "")
    sites = [site.strip().strip("\"'") for site in sites_text.split(";") if site.strip()]
    return ["where", *sites, *shlex.split(options)]


def answer(line: str, run: Callable[[list[str]], int]) -> int:
    """Answer one shell line through ``run`` (the app, in process); its exit code (0 for nothing)."""
    try:
        arguments = to_arguments(line, command_names())
    except ValueError as error:  # an unclosed quote
        _echo(f"error: {error}", err=True)
        return 2
    if arguments is None:
        return EXIT_OK
    return run(arguments)


def _run_in_process(arguments: list[str], program: list[Any] = []) -> int:  # noqa: B006 - built once
    """Run the app on ``arguments`` without leaving the process: exits and usage errors become codes.
    The program (typer's click command) is built on the first line and reused."""
    if not program:
        from . import load_commands

        program.append(typer.main.get_command(load_commands()))
    command = program[0]
    try:
        code = command.main(arguments, prog_name="nmt-referral", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return 1
    except Exception as error:  # the parser's usage errors: duck-typed, their class is the parser's own
        show = getattr(error, "show", None)
        if not callable(show):
            raise
        show()
        return int(getattr(error, "exit_code", 2))
    return code if isinstance(code, int) else EXIT_OK  # an exit without standalone mode is returned


@contextlib.contextmanager
def _readline(commands: list[str]) -> Iterator[None]:
    """Tab completion and a history file for the interactive shell, where readline exists."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: a plain prompt
        yield
        return
    path = history_file()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    readline.set_completer_delims(";")
    readline.set_completer(completer(commands, readline.get_line_buffer))
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)


def completer(commands: list[str], line_buffer: Callable[[], str]) -> Callable[[str, int], str | None]:
    """A readline completer: command names at the start of a line, muscle names after `muscle` or `map`,
    location names in a question (each ``;``-separated site completed whole)."""
    offered: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            offered[:] = candidates(line_buffer(), text, commands)
        return offered[state] if state < len(offered) else None

    return complete


_NAMES_AFTER: dict[str, Callable[[str], list[str]]] = {
    "muscle": completion.muscles,
    "map": completion.muscles,
    "where": completion.locations,
}
"""Commands whose argument tab completes, and the names it offers."""


def candidates(buffer: str, text: str, commands: list[str]) -> list[str]:
    """What tab offers for ``text``, the part of ``buffer`` after its last ``;``."""
    lead = text[: len(text) - len(text.lstrip())]
    typed = text.lstrip()
    first = buffer.split(maxsplit=1)[0] if buffer.strip() else ""
    if ";" not in buffer and first in _NAMES_AFTER and buffer != first:
        rest = typed[len(first) :].lstrip()
        return [f"{first} {name}" for name in _NAMES_AFTER[first](rest)]
    names = completion.locations(typed)
    if ";" not in buffer:
        names = [c for c in commands if c.startswith(typed)] + names
    return [lead + name for name in names]


@app.command()
def shell(
    data: DataOption = None,
    overlay: OverlayOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No welcome text (scripts).")] = False,
) -> None:
    """Ask many questions in one session, each answered at once.

    The knowledge base is loaded once; each line is a question (`temple; angle of the jaw --side
    left`) or any other command (`muscle SCM`, `map trapezius -o t.svg`). On a terminal: history
    (kept in $XDG_STATE_HOME/nmt-referral/history) and tab completion. Lines can also be piped in.

    Examples:

    \b
      nmt-referral shell
      nmt-referral shell -q < questions.txt
    """
    _load(data, overlay)  # once, before the first question; fail now if the knowledge base is invalid
    extra = [*(["--data", str(data)] if data else []), *(a for o in overlay or () for a in ("--overlay", str(o)))]
    interactive = sys.stdin.isatty()
    if not quiet:
        _echo("nmt-referral shell: type a pain location, or `help`; Ctrl-D ends.", err=not interactive)
    commands = command_names()
    failures = 0
    with _readline(commands) if interactive else contextlib.nullcontext():
        for line in _read_lines(interactive):
            word = line.strip().split(maxsplit=1)[0].lower() if line.strip() else ""
            if word in _QUIT:
                break
            if word in ("help", "?"):
                _echo(SHELL_HELP)
                continue
            if word in _NOT_IN_SHELL:
                _echo(f"error: {word} cannot run inside the shell", err=True)
                failures += 1
                continue
            code = answer(line, lambda arguments: _run_in_process([*arguments, *extra] if extra else arguments))
            failures += code != 0
            sys.stdout.flush()
    raise typer.Exit(EXIT_OK if interactive or not failures else 2)


def _read_lines(interactive: bool) -> Iterator[str]:
    """The lines typed (with the prompt) or piped in, up to end of input; Ctrl-C drops the line being
    typed on a terminal and ends piped input."""
    while True:
        try:
            line = input(PROMPT) if interactive else sys.stdin.readline()
        except EOFError:
            if interactive:
                print()
            return
        except KeyboardInterrupt:
            if not interactive:
                return
            print("^C")
            continue
        if not interactive and not line:
            return
        yield line.rstrip("\n")
