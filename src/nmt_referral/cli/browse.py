"""Commands for browsing the knowledge base: muscle, posture, muscles, regions, stats."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InvalidQueryError, NmtReferralError, UnknownSourceError
from ..models import AREAS
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
        _fail(error)
    if kb.get_muscle(name) is None and ":" not in name:  # a spelling correction, not a name: say so
        _echo(f"note: closest match for {name!r}: {found.name}", err=True)
    if care:
        _echo(json_document(clinical) if json_output else care_text(kb, found, clinical))
    else:
        ids = kb.identifiers.get("muscles", {}).get(found.id)
        _echo(json_document(found, identifiers=ids) if json_output else muscle_text(kb, found))


@app.command()
def posture(
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="A postural pattern (default: list them).")] = None,
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
def muscles(
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            metavar="AREA",
            help=f"Only the muscles of one body area: {', '.join(AREAS)}.",
        ),
    ] = None,
    json_output: JsonOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the muscles in the knowledge base (--area: of one body area)."""
    from ..render import muscles_json, muscles_text

    if area is not None and area not in AREAS:
        _fail(InvalidQueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}"))
    kb = _load(data, overlay)
    _echo(muscles_json(kb, area) if json_output else muscles_text(kb, area))


@app.command()
def sources(
    source_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="A source id, as muscle and where show them.")
    ] = None,
    json_output: JsonOption = False,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """List the bibliography with what cites each source, or print one source in full."""
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
