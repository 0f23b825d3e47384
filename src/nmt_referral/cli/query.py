"""Commands that answer a pain question: where, flag, safety."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import DISCLAIMER
from ..errors import InvalidQueryError, NmtReferralError
from . import completion
from .base import (
    EXIT_USAGE,
    DataOption,
    JsonOption,
    NoColorOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
    error_document,
)
from .pictures import check_output_type, write_picture

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..knowledge_base import KnowledgeBase
    from ..models import QueryResult
    from ..render import BodyMapCodes


@app.command()
def where(
    locations: Annotated[
        list[str],
        typer.Argument(
            metavar="LOCATION",
            help='Where it hurts: region names, lay words or conditions ("temple", "back of the knee", '
            '"tennis elbow"). A side word applies to one location ("left shoulder"). With --body-map: the '
            "codes of the areas marked on that body map.",
            autocompletion=completion.locations,
        ),
    ],
    side: Annotated[
        str | None,
        typer.Option(
            "--side",
            metavar="left|right",
            help="Side of the pain, for locations that do not say.",
            autocompletion=lambda: ["left", "right"],
        ),
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
    brief: Annotated[
        bool, typer.Option("--brief", "-b", help="One line per muscle: rank, name, score, its strongest reason.")
    ] = False,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help="Also draw the sites and the top candidates' zones, coloured by score, to FILE.svg or FILE.png.",
        ),
    ] = None,
    body_map: Annotated[
        str | None,
        typer.Option(
            "--body-map",
            metavar="MAP",
            autocompletion=completion.body_maps,
            help="Read the LOCATIONs as area codes of a standard body map: choir (CHOIR Body Map, 101-136 "
            "front, 201-238 back), michigan (Michigan Body Map) or wpi (Widespread Pain Index). "
            "`nmt-referral regions --body-map MAP` lists the codes.",
        ),
    ] = None,
    sex: Annotated[
        str | None,
        typer.Option(
            "--sex",
            metavar="female|male",
            help="Which form of the body map the codes come from: the CHOIR female form numbers "
            "segments 112-117 differently. Default: the main (male) numbering.",
        ),
    ] = None,
    body_map_out: Annotated[
        str | None,
        typer.Option(
            "--body-map-out",
            metavar="MAP",
            autocompletion=completion.body_maps,
            help="Also give each candidate's zones as area codes of this body map (choir, michigan, wpi).",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Rank the muscles that may refer pain to LOCATION(s).

    Best first, with the reasons: the trigger point, its essential or spillover zone, the pain guides'
    order. A location may be a phrase: "numbness in the left hand", "neck and shoulder pain" (two
    sites), "outer hip", "headache at the back of the head". `-` reads one query per line from stdin
    (sites separated by `;`). Red flags for the area come first.

    Examples:

    \b
      nmt-referral where temple "angle of the jaw"
      nmt-referral where "left shoulder" --brief
      nmt-referral where --body-map choir 108 112
      echo "temple; jaw" | nmt-referral where - --json
    """
    from ..render import where_json, where_text

    if flags not in ("short", "full"):
        _fail(InvalidQueryError(f"--flags must be 'short' or 'full', not {flags!r}"))
    if sex not in (None, "female", "male"):
        _fail(InvalidQueryError(f"--sex must be 'female' or 'male', not {sex!r}"))
    if body_map is not None and side is not None:
        _fail(InvalidQueryError("--side does not apply to --body-map codes: each area has its own side"))
    check_output_type(map_file)
    if locations == ["-"]:
        if map_file is not None:
            _fail(InvalidQueryError("--map draws one query: it does not apply to `where -`"))
        kb = _load(data, overlay)
        _where_batch(kb, side, limit, json_output, flags == "full", body_map, sex, body_map_out)
        return
    kb = _load(data, overlay)
    try:
        result, codes = _answer(kb, locations, side, limit, body_map, sex, body_map_out)
        if map_file is not None:
            from ..maps import reverse_map

            write_picture(map_file, reverse_map(kb, result))
    except NmtReferralError as error:
        _fail(error)
    if json_output:
        _echo(where_json(result, DISCLAIMER, body_map_codes=codes))
    elif brief:
        from ..render import where_brief

        _echo(where_brief(kb, result))
    else:
        _echo(where_text(kb, result, full_flags=flags == "full", body_map_codes=codes))
    if result.red_flags and not json_output:
        _echo("\nRed flags shown above: rule these out before treating trigger points.", err=True)


def _answer(
    kb: KnowledgeBase,
    locations: Sequence[str],
    side: str | None,
    limit: int,
    body_map: str | None,
    sex: str | None,
    body_map_out: str | None,
) -> tuple[QueryResult, BodyMapCodes | None]:
    """One `where` question: the ranking (from locations, or from body-map codes) and, with
    ``body_map_out``, each candidate's zones as that map's codes."""
    if body_map is not None:
        result = kb.where_body_map(body_map, *locations, sex=sex, limit=limit)  # type: ignore[arg-type]
    else:
        result = kb.where(*locations, side=side, limit=limit)
    if body_map_out is None:
        return result, None
    from ..interop.bodymaps import body_map as find_body_map
    from ..interop.bodymaps import candidate_codes

    out_id = find_body_map(kb, body_map_out).id
    return result, (out_id, candidate_codes(kb, result, out_id, sex=sex))  # type: ignore[arg-type]


def _where_batch(
    kb: KnowledgeBase,
    side: str | None,
    limit: int,
    json_output: bool,
    full_flags: bool,
    body_map: str | None,
    sex: str | None,
    body_map_out: str | None,
) -> None:
    """``where -``: one query per line of stdin (locations separated by ``;``; body-map codes by spaces
    or ``;``), answered in turn; with ``--json``, one JSON document per line (JSON Lines), an error as an
    ``error`` document with its ``line``. Blank lines and ``#`` comments are skipped. Exit 2 if any line
    failed, after answering the others."""
    from ..render import json_document, where_json, where_text

    failed = False
    for number, raw in enumerate(sys.stdin, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in (line.replace(";", " ").split() if body_map else line.split(";"))]
        parts = [p for p in parts if p]
        try:
            result, codes = _answer(kb, parts, side, limit, body_map, sex, body_map_out)
        except NmtReferralError as error:
            failed = True
            if json_output:
                _echo(json_document(error_document(error, line=number), compact=True))
            else:
                _echo(f"== {line}\nerror: {error}\n")
            continue
        if json_output:
            _echo(where_json(result, DISCLAIMER, body_map_codes=codes, compact=True))
        else:
            _echo(f"== {line}\n{where_text(kb, result, full_flags=full_flags, body_map_codes=codes)}\n")
    if failed:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def flag(
    flag_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID", help="Red-flag id, as `where` shows it; none: list them.", autocompletion=completion.red_flags
        ),
    ] = None,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Print a red flag in full, or list them all.

    What to rule out before treating trigger points, and which locations raise it. The ids are the
    ones `where` prints after each RED FLAG line.

    Examples:

    \b
      nmt-referral flag
      nmt-referral flag cardiac_ischaemia
    """
    from ..render import flag_text, flags_text, json_document

    kb = _load(data, overlay)
    if flag_id is None:
        _echo(json_document(list(kb.red_flags.values())) if json_output else flags_text(kb))
        return
    try:
        found = kb.red_flag(flag_id)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(found) if json_output else flag_text(found))


@app.command()
def safety(
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """General contraindications, cautions and red flags.

    What rules out or limits trigger-point work for any muscle, from the cited clinical texts.

    Examples:

    \b
      nmt-referral safety
      nmt-referral safety --json
    """
    from ..render import json_document, safety_text

    kb = _load(data, overlay)
    if json_output:
        payload = {"contraindications": list(kb.contraindications.values()), "red_flags": list(kb.red_flags.values())}
        _echo(json_document(payload))
    else:
        _echo(safety_text(kb))
