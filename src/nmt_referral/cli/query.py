"""Commands that answer a pain question: where, flag, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import DISCLAIMER
from ..errors import NmtReferralError
from .app import (
    EXIT_USAGE,
    DataOption,
    JsonOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)
from .pictures import check_output_type, write_picture


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
    from ..render import where_json, where_text

    if flags not in ("short", "full"):
        _echo(f"error: --flags must be 'short' or 'full', not {flags!r}", err=True)
        raise typer.Exit(EXIT_USAGE)
    check_output_type(map_file)
    kb = _load(data, overlay)
    try:
        result = kb.where(*locations, side=side, limit=limit)
        if map_file is not None:
            from ..maps import reverse_map

            write_picture(map_file, reverse_map(kb, result))
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
    from ..render import flag_text, json_document

    kb = _load(data, overlay)
    try:
        found = kb.red_flag(flag_id)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(found) if json_output else flag_text(found))


@app.command()
def safety(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """General contraindications and cautions for trigger-point work, and the red flags."""
    from ..render import json_document, safety_text

    kb = _load(data, overlay)
    if json_output:
        payload = {"contraindications": list(kb.contraindications.values()), "red_flags": list(kb.red_flags.values())}
        _echo(json_document(payload))
    else:
        _echo(safety_text(kb))
