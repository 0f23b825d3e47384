"""The typer app and what every command shares: options, output, errors, exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from .. import DISCLAIMER, __version__
from ..errors import KnowledgeBaseError, NmtReferralError

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

EXIT_OK = 0
EXIT_INVALID_KB = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 1
"""The output could not be written: a full disk or an unwritable file (one line on stderr), or a closed
pipe (silently, as `head` expects of the program before it)."""

HELP = f"""Which muscles' trigger points could be referring this pain?

Give the pain location(s) to `where`; read a muscle's referral map with `muscle`.

Examples:

  nmt-referral where temple "angle of the jaw"

  nmt-referral where "behind the eye" --side left

  nmt-referral where "tennis elbow" --json

  nmt-referral muscle SCM

  nmt-referral where --body-map choir 108 112    (areas marked on the CHOIR Body Map)

{DISCLAIMER}
"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        envvar="NMT_REFERRAL_DATA",
        show_envvar=True,
        readable=False,  # the loader reports an unreadable directory as a knowledge-base problem (exit 1)
        help="Knowledge-base directory to use instead of the packaged one.",
    ),
]
OverlayOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--overlay",
        metavar="DIR",
        readable=False,
        help="Extra knowledge-base directory layered over the main one (repeatable).",
    ),
]


class _Mode:
    """Whether the running command was asked for JSON: its errors are then JSON documents too."""

    json = False
    no_colour = False


def _no_colour(value: bool) -> bool:
    _Mode.no_colour = _Mode.no_colour or value
    return value


NoColorOption = Annotated[
    bool,
    typer.Option("--no-color", callback=_no_colour, help="No colour or bold, even on a terminal (as NO_COLOR=1)."),
]


def _json_mode(value: bool) -> bool:
    _Mode.json = _Mode.json or value
    return value


JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        callback=_json_mode,
        help="Print one JSON document instead of text (errors too, on stderr; see `nmt-referral schema`).",
    ),
]


def _echo(text: str, *, err: bool = False, raw: bool = False) -> None:
    """Print to stdout (or stderr): control, bidirectional and zero-width characters escaped, and
    whatever the stream's encoding cannot show written as a backslash escape. Human text is wrapped to
    the terminal and highlighted there (``terminal``); JSON and ``raw`` output (SVG, schemas) never."""
    from ..text import escape_unsafe

    stream = sys.stderr if err else sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    safe = escape_unsafe(text).encode(encoding, "backslashreplace").decode(encoding, "replace")
    colour = False
    if not (raw or _Mode.json):
        from .terminal import lay_out

        safe, colour = lay_out(safe, stream, no_colour=_Mode.no_colour)
    typer.echo(safe, err=err, color=colour or None)


def _version(value: bool) -> None:
    """The library version and the SHA-256 of the knowledge base it would answer from (the packaged one,
    or $NMT_REFERRAL_DATA): which code and which data, for a report or a bug."""
    if value:
        from ..load import load

        try:
            data = f"data sha256:{load().content_hash}"
        except NmtReferralError:
            data = "data: invalid (run nmt-referral validate)"
        _echo(f"nmt-referral {__version__} ({data})")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Top-level options."""
    _Mode.json = False
    _Mode.no_colour = False


def _fail(error: NmtReferralError, *, hint: str | None = None) -> NoReturn:
    """Report ``error`` (a JSON document in --json mode; else a line, and the ``hint`` under it) and exit:
    1 for an invalid knowledge base, 2 for a question that cannot be answered."""
    code = EXIT_INVALID_KB if isinstance(error, KnowledgeBaseError) else EXIT_USAGE
    if _Mode.json:
        _echo_json_error(error)
    else:
        _echo(f"error: {error}", err=True)
        if hint:
            _echo(f"hint: {hint}", err=True)
    raise typer.Exit(code) from None


def error_document(error: BaseException | str, *, kind: str | None = None, **extra: object) -> dict[str, object]:
    """``{"error": {"type", "message", "suggestions"}}``: ``type`` is the exception's class name (or
    ``kind``); an invalid knowledge base adds ``problems`` (``path:line: message`` strings); ``extra``
    keys (a batch line number) are added to the detail."""
    detail: dict[str, object] = {
        "type": kind or type(error).__name__,
        "message": str(error).split("\n", 1)[0] if isinstance(error, KnowledgeBaseError) else str(error),
        "suggestions": list(getattr(error, "suggestions", ())),
        **extra,
    }
    if isinstance(error, KnowledgeBaseError):
        detail["problems"] = [str(problem) for problem in error.problems]
    return {"error": detail}


def _echo_json_error(error: BaseException | str, kind: str | None = None) -> None:
    """The error document (stamped) on stderr."""
    from ..render import json_document

    _echo(json_document(error_document(error, kind=kind)), err=True)


def _load(data: Path | None, overlays: list[Path] | None) -> KnowledgeBase:
    from ..load import load

    try:
        return load(data, overlays=overlays or ())
    except NmtReferralError as error:
        _fail(error)


def main() -> None:
    """Console-script entry point. Output that cannot be written ends with exit code 1 and no traceback:
    a full disk with one line on stderr, a closed pipe silently."""
    everything = list(_load_the_commands_asked(sys.argv[1:]))
    try:
        try:
            if "--json" in sys.argv[1:]:
                _run_json_errors()
            else:
                app(prog_name="nmt-referral")
        finally:
            app.registered_commands[:] = everything
            sys.stdout.flush()
    except OSError as error:
        _silence_stdout()
        if not isinstance(error, BrokenPipeError):  # the reader went away: nothing to tell
            with contextlib.suppress(OSError):
                sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
        sys.exit(EXIT_OUTPUT)


def run() -> NoReturn:
    """The console script: ``main()``, then the process ends at once. Everything it wrote is flushed
    and closed by then, so the interpreter's teardown (freeing every module, class and record, about
    a sixth of a short command's time) is skipped. A bug's traceback still ends the normal way."""
    try:
        main()
        code: int = EXIT_OK
    except SystemExit as done:
        if isinstance(done.code, str):
            with contextlib.suppress(OSError):
                sys.stderr.write(done.code + "\n")
        code = done.code if isinstance(done.code, int) else EXIT_OK if done.code is None else EXIT_OUTPUT
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or EXIT_OUTPUT
    os._exit(code)


def _load_the_commands_asked(arguments: list[str]) -> list[typer.models.CommandInfo]:
    """Load only the module of the command asked, and register only that command while typer builds
    the program: building every command's parameters costs start-up time that one question does not
    need. Everything is loaded for help, for shell completion, for the shell (it runs the others) and
    when the first word is not a command. Returns the commands registered before the narrowing."""
    from . import COMMAND_MODULES, load_commands

    completing = any(name.endswith("_COMPLETE") for name in os.environ)
    first = arguments[0] if arguments else ""
    if completing or first not in COMMAND_MODULES or first == "shell":
        return list(load_commands().registered_commands)
    loaded = list(load_commands([first]).registered_commands)
    app.registered_commands[:] = [c for c in loaded if (c.name or getattr(c.callback, "__name__", "")) == first]
    return loaded


def _run_json_errors() -> None:
    """Run the app with a usage error (a missing argument, an unknown option) as the JSON ``error``
    document, with click's exit code."""
    command = typer.main.get_command(app)
    try:
        code = command.main(prog_name="nmt-referral", standalone_mode=False)
    except typer.Abort:
        sys.exit(1)
    except Exception as error:  # the parser's usage errors: duck-typed, their class is the parser's own
        exit_code, message = getattr(error, "exit_code", None), getattr(error, "format_message", None)
        if not isinstance(exit_code, int) or not callable(message):
            raise
        _echo_json_error(str(message()), kind="UsageError")
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
