"""Commands for browsing the knowledge base: muscle, posture, muscles, regions, stats."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import InvalidQueryError, NmtReferralError, UnknownSourceError
from ..models import AREAS
from . import completion
from .base import (
    DataOption,
    JsonOption,
    NoColorOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)


@app.command()
def muscle(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help='Muscle or group name, alias or abbreviation ("SCM", "QL", "hamstrings").',
            autocompletion=completion.muscles,
        ),
    ],
    care: Annotated[
        bool,
        typer.Option(
            "--care",
            help="The clinical side instead: what perpetuates its TrPs, palpation, techniques, self-care, "
            "satellites, entrapments, endangerment sites (each cited).",
        ),
    ] = False,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Show a muscle's trigger points and referral zones.

    Where each trigger point lies, its essential and spillover zones, side, associated symptoms and
    sources. A group name (hamstrings, scalenes, rotator cuff) shows the group and each member. A
    misspelt name is corrected with a notice; an unclear one is refused with suggestions.

    Examples:

    \b
      nmt-referral muscle SCM
      nmt-referral muscle "rotator cuff"
      nmt-referral muscle trapezius --care
    """
    from ..render import care_text, json_document, muscle_text

    kb = _load(data, overlay)
    group = kb.group(name) if not care else None
    if group is not None:  # a group as therapists say it: the group, then each member's patterns
        from ..render import group_text

        members = [kb.muscles[m] for m in group.members]
        _echo(json_document({"group": group, "muscles": members}) if json_output else group_text(kb, group))
        return
    try:
        found = kb.muscle(name)
        clinical = kb.care(found.id)
    except NmtReferralError as error:
        place = kb.location_names().exact(name) is not None  # a place, not a muscle
        _fail(
            error, hint=f"{name!r} is a body location: `nmt-referral where {name}` ranks its muscles" if place else None
        )
    if kb.get_muscle(name) is None and ":" not in name:  # a spelling correction, not a name: say so
        _echo(f"note: closest match for {name!r}: {found.name}", err=True)
    if care:
        _echo(json_document(clinical) if json_output else care_text(kb, found, clinical))
    else:
        ids = kb.identifiers.get("muscles", {}).get(found.id)
        _echo(json_document(found, identifiers=ids) if json_output else muscle_text(kb, found))


@app.command()
def posture(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME", help="A postural pattern (default: list them).", autocompletion=completion.postures
        ),
    ] = None,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Show a postural pattern, or list them.

    Upper and lower crossed syndromes, forward head and others: the muscles they shorten and lengthen,
    with their trigger points and referral zones.

    Examples:

    \b
      nmt-referral posture
      nmt-referral posture "upper crossed"
    """
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
def muscles(
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            metavar="AREA",
            help=f"Only the muscles of one body area: {', '.join(AREAS)}.",
            autocompletion=completion.areas,
        ),
    ] = None,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the muscles, optionally of one body area.

    Examples:

    \b
      nmt-referral muscles
      nmt-referral muscles --area neck
    """
    from ..render import muscles_json, muscles_text

    if area is not None and area not in AREAS:
        _fail(InvalidQueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}"))
    kb = _load(data, overlay)
    _echo(muscles_json(kb, area) if json_output else muscles_text(kb, area))


@app.command()
def sources(
    source_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID", help="A source id, as muscle and where show them.", autocompletion=completion.sources
        ),
    ] = None,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the sources, or print one in full.

    Each source's full citation and which muscles, clinical notes and pain guides cite it.

    Examples:

    \b
      nmt-referral sources
      nmt-referral sources simons_travell_1999
    """
    import difflib

    from ..render import json_document, source_rows, source_text, sources_text

    kb = _load(data, overlay)
    if source_id is not None and source_id not in kb.sources:
        _fail(UnknownSourceError(source_id, difflib.get_close_matches(source_id, list(kb.sources), n=5, cutoff=0.5)))
    if not json_output:
        _echo(sources_text(kb) if source_id is None else source_text(kb, source_id))
        return
    cited = source_rows(kb)
    rows = [
        {**kb.sources[s].model_dump(), "cited_by": cited[s]}
        for s in ([source_id] if source_id is not None else list(kb.sources))
    ]
    _echo(json_document(rows[0] if source_id is not None else rows))


@app.command()
def regions(
    tree: Annotated[
        bool, typer.Option("--tree", "-t", help="As the region tree, with how many muscles refer to each region.")
    ] = False,
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    body_map: Annotated[
        str | None,
        typer.Option(
            "--body-map",
            metavar="MAP",
            autocompletion=completion.body_maps,
            help="Instead, print a standard body map's crosswalk (choir, michigan, wpi): each area's code, "
            "side and the regions it covers, with the reason (--json: one object per area).",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the body regions you can ask about.

    The region names `where` understands, with their ids and everyday aliases: alphabetical, or as a
    tree (--tree); or the area codes of a standard body map.

    Examples:

    \b
      nmt-referral regions
      nmt-referral regions --tree
      nmt-referral regions --body-map choir
    """
    from ..render import body_map_text, json_document, regions_json, regions_text

    kb = _load(data, overlay)
    if body_map is None:
        ascii_only = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") != "utf8"
        _echo(regions_json(kb) if json_output else regions_text(kb, tree=tree, ascii_only=ascii_only))
        return
    from ..interop.bodymaps import body_map as find_body_map

    try:
        chosen = find_body_map(kb, body_map)
    except NmtReferralError as error:
        _fail(error)
    _echo(json_document(list(chosen.areas)) if json_output else body_map_text(kb, chosen))


@app.command()
def stats(
    json_output: JsonOption = False,
    no_color: NoColorOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Report the knowledge base's coverage.

    Counts per body area, zones and sources; regions and fields still missing.

    Examples:

    \b
      nmt-referral stats
      nmt-referral stats --json
    """
    from ..render import json_document
    from ..stats import compute_stats, stats_text

    report = compute_stats(_load(data, overlay))
    _echo(json_document(report) if json_output else stats_text(report))
