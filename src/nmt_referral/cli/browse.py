"""Commands for browsing the knowledge base: muscle, posture, muscles, regions, stats."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import NmtReferralError
from .app import (
    DataOption,
    JsonOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)


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
    from ..render import care_text, json_document, muscle_text

    kb = _load(data, overlay)
    try:
        found = kb.muscle(name)
        clinical = kb.care(found.id)
    except NmtReferralError as error:
        _fail(error)
    if care:
        _echo(json_document(clinical) if json_output else care_text(kb, found, clinical))
    else:
        ids = kb.identifiers.get("muscles", {}).get(found.id)
        _echo(json_document(found, identifiers=ids) if json_output else muscle_text(kb, found))


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
    from ..render import json_document, posture_text, postures_text

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
def muscles(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """List every muscle in the knowledge base."""
    from ..render import muscles_json, muscles_text

    kb = _load(data, overlay)
    _echo(muscles_json(kb) if json_output else muscles_text(kb))


@app.command()
def regions(
    json_output: JsonOption = False,
    body_map: Annotated[
        str | None,
        typer.Option(
            "--body-map",
            metavar="MAP",
            help="Instead, print a standard body map's crosswalk (choir, michigan, wpi): each area's code, "
            "side and the regions it covers, with the reason (--json: one object per area).",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the body regions you can query, as a tree (--json: a flat list with parents)."""
    from ..render import body_map_text, json_document, regions_json, regions_text

    kb = _load(data, overlay)
    if body_map is None:
        _echo(regions_json(kb) if json_output else regions_text(kb))
        return
    from ..interop.bodymaps import body_map as find_body_map

    try:
        chosen = find_body_map(kb, body_map)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(list(chosen.areas)) if json_output else body_map_text(kb, chosen))


@app.command()
def stats(json_output: JsonOption = False, data: DataOption = None, overlay: OverlayOption = None) -> None:
    """Coverage report: counts per body area, zones, sources; regions and fields still missing."""
    from ..render import json_document
    from ..stats import compute_stats, stats_text

    report = compute_stats(_load(data, overlay))
    _echo(json_document(report) if json_output else stats_text(report))
