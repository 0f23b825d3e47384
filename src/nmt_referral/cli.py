"""Command-line interface: parses arguments, calls the library, renders, exits. No logic of its own."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from . import DISCLAIMER, __version__
from .errors import KnowledgeBaseError, NmtReferralError

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

EXIT_OK = 0
EXIT_INVALID_KB = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 74
"""The output could not be written (closed pipe, full disk); sysexits' EX_IOERR."""

HELP = f"""Which muscles' trigger points could be referring this pain?

Give the pain location(s) to `where`; read a muscle's referral map with `muscle`.

Examples:

  nmt-referral where temple "angle of the jaw"

  nmt-referral where "behind the eye" --side left

  nmt-referral where "tennis elbow" --json

  nmt-referral muscle SCM

{DISCLAIMER}
"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
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
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")]


def _echo(text: str, *, err: bool = False) -> None:
    """Print to stdout (or stderr): control, bidirectional and zero-width characters escaped, and
    whatever the stream's encoding cannot show written as a backslash escape."""
    from .text import escape_unsafe

    stream = sys.stderr if err else sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    safe = escape_unsafe(text).encode(encoding, "backslashreplace").decode(encoding, "replace")
    typer.echo(safe, err=err)


def _version(value: bool) -> None:
    if value:
        _echo(f"nmt-referral {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Top-level options."""


def _fail(error: NmtReferralError) -> NoReturn:
    code = EXIT_INVALID_KB if isinstance(error, KnowledgeBaseError) else EXIT_USAGE
    _echo(f"error: {error}", err=True)
    raise typer.Exit(code) from None


def _load(data: Path | None, overlays: list[Path] | None) -> KnowledgeBase:
    from .load import load

    try:
        return load(data, overlays=overlays or ())
    except NmtReferralError as error:
        _fail(error)


@app.command()
def where(
    locations: Annotated[
        list[str],
        typer.Argument(
            metavar="LOCATION...",
            help='Where it hurts: region names, lay words or conditions ("temple", "back of the knee", '
            '"tennis elbow"). A side word applies to one location ("left shoulder").',
        ),
    ],
    side: Annotated[
        str | None,
        typer.Option("--side", metavar="left|right", help="Side of the pain, for locations that do not say."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", help="Show at most N muscles.")] = 10,
    flags: Annotated[
        str,
        typer.Option(
            "--flags",
            metavar="short|full",
            help="Red flags as one line each (short) or in full; --json always has the full text.",
        ),
    ] = "short",
    json_output: JsonOption = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help="Also draw the sites and the top candidates' zones, coloured by score, to FILE.svg or FILE.png.",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Rank the muscles whose trigger points refer pain to LOCATION(s), best first, with the reasons.

    A location may be a phrase: "numbness in the left hand", "neck and shoulder pain" (two sites),
    "outer hip", "headache at the back of the head". Muscles that the pain guides list first for an
    area rank first among equal scores.
    """
    from .render import where_json, where_text

    if flags not in ("short", "full"):
        _echo(f"error: --flags must be 'short' or 'full', not {flags!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    _check_output_type(map_file)
    kb = _load(data, overlay)
    try:
        result = kb.where(*locations, side=side, limit=limit)
        if map_file is not None:
            from .maps import reverse_map

            _write_picture(map_file, reverse_map(kb, result))
    except NmtReferralError as error:
        _fail(error)
    _echo(where_json(result, DISCLAIMER) if json_output else where_text(kb, result, full_flags=flags == "full"))
    if result.red_flags and not json_output:
        _echo("\nRed flags shown above: rule these out before treating trigger points.", err=True)


@app.command()
def flag(
    flag_id: Annotated[str, typer.Argument(metavar="ID", help="Red-flag id, as `where` shows it.")],
    json_output: JsonOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Print a red flag in full: what to rule out, and which locations raise it."""
    from .render import flag_text, json_document

    kb = _load(data, overlay)
    try:
        found = kb.red_flag(flag_id)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(found) if json_output else flag_text(found))


@app.command(name="map")
def map_command(
    name: Annotated[str, typer.Argument(metavar="MUSCLE", help='Muscle name, alias or abbreviation ("SCM").')],
    trigger_point: Annotated[
        str | None, typer.Option("--trigger-point", "-t", metavar="ID", help="Draw one trigger point only.")
    ] = None,
    side: Annotated[
        str | None, typer.Option("--side", metavar="left|right", help="Side of the trigger point (default: right).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write FILE.svg or FILE.png (PNG needs the png extra); else SVG on stdout.",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Draw a muscle's referral pattern on body charts: essential zones solid, spillover stippled, an X at
    each trigger point, the patient's R and L marked. SVG to stdout, or -o FILE.svg / FILE.png."""
    _check_output_type(output)
    kb = _load(data, overlay)
    try:
        from .maps import referral_map

        svg = referral_map(kb, name, trigger_point=trigger_point, side=side)
        if output is None:
            _echo(svg.rstrip("\n"))
        else:
            _write_picture(output, svg)
    except NmtReferralError as error:
        _fail(error)


def _check_output_type(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".svg", ".png"):
        _fail(_usage(f"unknown output type {path.suffix or '(none)'!r}: use .svg or .png"))


def _write_picture(path: Path, svg: str) -> None:
    """Write the picture as SVG or PNG (by the extension), all or nothing.

    Raises:
        NmtReferralError: PNG without the extra, or the file cannot be written.
    """
    from .maps import svg_to_png

    content = svg_to_png(svg) if path.suffix.lower() == ".png" else svg.encode("utf-8")
    try:
        _write_atomically(path, content)
    except OSError as error:
        raise _usage(f"cannot write {str(path)[:200]}: {error.strerror or error}") from None
    _echo(f"wrote {path}", err=True)


def _usage(message: str) -> NmtReferralError:
    from .errors import InvalidQueryError

    return InvalidQueryError(message)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed into place."""
    import tempfile

    directory = path.parent if str(path.parent) else Path(".")
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=f".{path.name}.", delete=False)  # noqa: SIM115
    try:
        with handle:
            handle.write(content)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@app.command()
def muscle(
    name: Annotated[str, typer.Argument(metavar="NAME", help='Muscle name, alias or abbreviation ("SCM", "QL").')],
    care: Annotated[
        bool,
        typer.Option(
            "--care",
            help="The clinical side instead: what perpetuates its TrPs, palpation, techniques, self-care, "
            "satellites, entrapments, endangerment sites (each cited).",
        ),
    ] = False,
    json_output: JsonOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Show one muscle: its trigger points, where to find them, and where each refers pain."""
    from .render import care_text, json_document, muscle_text

    kb = _load(data, overlay)
    try:
        found = kb.muscle(name)
        clinical = kb.care(found.id)
    except NmtReferralError as error:
        _fail(error)
    if care:
        _echo(json_document(clinical) if json_output else care_text(kb, found, clinical))
    else:
        _echo(json_document(found) if json_output else muscle_text(kb, found))


@app.command()
def posture(
    name: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="A postural pattern (default: list them).")
    ] = None,
    json_output: JsonOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Postural patterns (upper and lower crossed syndromes, forward head, ...): the muscles they shorten
    and lengthen, with their trigger points and referral zones."""
    from .render import json_document, posture_text, postures_text

    kb = _load(data, overlay)
    if name is None:
        _echo(json_document(list(kb.postures.values())) if json_output else postures_text(kb))
        return
    try:
        found = kb.posture(name)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(found) if json_output else posture_text(kb, found))


@app.command()
def safety(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """General contraindications and cautions for trigger-point work, and the red flags."""
    from .render import json_document, safety_text

    kb = _load(data, overlay)
    if json_output:
        payload = {"contraindications": list(kb.contraindications.values()), "red_flags": list(kb.red_flags.values())}
        _echo(json_document(payload))
    else:
        _echo(safety_text(kb))


@app.command()
def muscles(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """List every muscle in the knowledge base."""
    from .render import muscles_json, muscles_text

    kb = _load(data, overlay)
    _echo(muscles_json(kb) if json_output else muscles_text(kb))


@app.command()
def regions(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """List the body regions you can query, as a tree (--json: a flat list with parents)."""
    from .render import regions_json, regions_text

    kb = _load(data, overlay)
    _echo(regions_json(kb) if json_output else regions_text(kb))


@app.command()
def stats(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """Coverage report: counts per body area, zones, sources; regions and fields still missing."""
    from .render import json_document
    from .stats import compute_stats, stats_text

    report = compute_stats(_load(data, overlay))
    _echo(json_document(report) if json_output else stats_text(report))


@app.command()
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="[DIR]", readable=False, help="Knowledge-base directory (default: the packaged one)."),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Check a knowledge-base directory; print every problem as file:line: message (exit 1 if any)."""
    from .load import validate as validate_kb

    try:
        kb = validate_kb(directory or data, overlays=overlay or ())
    except KnowledgeBaseError as error:
        for problem in error.problems:
            _echo(str(problem))
        count = len(error.problems)
        _echo(f"{count} problem{'s' if count != 1 else ''} in {error.path}", err=True)
        raise typer.Exit(EXIT_INVALID_KB) from None
    _echo(
        f"ok: {kb.root}: {len(kb.muscles)} muscles, {len(kb.trigger_points)} trigger points, "
        f"{len(kb.regions)} regions, {len(kb.conditions)} condition terms, {len(kb.sources)} sources, "
        f"{len(kb.guides)} pain-guide lists"
    )
    if kb.skipped_files:
        shown = ", ".join(kb.skipped_files[:10]) + (", ..." if len(kb.skipped_files) > 10 else "")
        rule = "names starting with . or ending with ~, .bak, .orig, .swp or .tmp"
        _echo(f"skipped {len(kb.skipped_files)} hidden, lock or backup file(s) ({rule}): {shown}")


def main() -> None:
    """Console-script entry point. Output that cannot be written (a closed pipe, a full disk) ends with
    one line on stderr and exit code 74, never a traceback."""
    try:
        try:
            app(prog_name="nmt-referral")
        finally:
            sys.stdout.flush()
    except OSError as error:
        _silence_stdout()
        if not isinstance(error, BrokenPipeError):  # the reader went away: nothing to tell
            with contextlib.suppress(OSError):
                sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
        sys.exit(EXIT_OUTPUT)


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
