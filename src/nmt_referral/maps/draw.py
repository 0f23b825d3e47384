"""Drawing referral patterns on the body charts, as self-contained, deterministic SVG.

A map shows, for each trigger point of a muscle (or one of them), its essential zones solid and its
spillover zones stippled, on every view they touch, with an X at the trigger point, "R" and "L" on the
views (the patient's sides), a title, a legend and a source credit. Every zone element carries
``data-region``, ``data-zone`` and ``data-side``; every trigger-point mark ``data-trigger-point``; each a
``<title>``. No script, no external reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from xml.sax.saxutils import escape, quoteattr

from ..errors import InvalidQueryError
from ..locations import check_side
from .geometry import Figures, Mark, Shape, View, load_figures

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase
    from ..models import BodySide, Muscle, QueryResult, TriggerPoint

__all__ = ["PANEL_HEIGHT", "referral_map", "reverse_map"]

PANEL_HEIGHT = 520.0
"""Height of every view in the picture (views are scaled to it), in SVG user units."""
_GAP = 24.0
_TOP = 64.0
_BOTTOM = 104.0
_HEAD_SHARE = 0.72
_ESSENTIAL = "#c8102e"
_VIEW_ORDER = ("head", "front", "back")
SideName = Literal["left", "right", "midline"]


@dataclass(frozen=True)
class _Zone:
    shape: Shape
    side: SideName
    zone: str  # essential | spillover
    trigger_point: TriggerPoint


def referral_map(
    kb: KnowledgeBase,
    muscle: str,
    *,
    trigger_point: str | None = None,
    side: str | None = None,
    figures: Figures | None = None,
) -> str:
    """The referral map of a muscle (or one of its trigger points) as SVG text.

    Parameters:
        muscle: a muscle name, alias or id (as ``kb.muscle``).
        trigger_point: one trigger point's id (default: all of the muscle's).
        side: the side of the trigger point, "left" or "right" (default: right).
        figures: the body charts (default: those of the knowledge base's directory).

    Raises:
        UnknownMuscleError: no such muscle. InvalidQueryError: unknown trigger point or bad side.
        KnowledgeBaseError: the knowledge base has no body charts, or they are invalid.
    """
    found = kb.muscle(muscle)
    trp_side: BodySide = check_side(side) or "right"
    points = _trigger_points(found, trigger_point)
    figures = figures if figures is not None else load_figures(kb.root)
    if not figures.views:
        from ..errors import KnowledgeBaseError, Problem

        raise KnowledgeBaseError(kb.root, [Problem(kb.root, 0, "no body charts (figures/views/*.yaml)")])
    zones = [zone for trp in points for zone in _zones(kb, figures, trp, trp_side)]
    marks = [
        (mark, kb.trigger_points[mark.trigger_point])
        for mark in figures.marks
        if mark.trigger_point in {t.id for t in points}
    ]
    views = [v for v in _VIEW_ORDER if v in figures.views]
    views += sorted(v for v in figures.views if v not in views)
    shown = [v for v in views if any(z.shape.view == v for z in zones) or any(m.view == v for m, _t in marks)]
    if not shown:
        shown = [v for v in ("front", "back") if v in figures.views] or views[:1]
    title = f"{found.name}: referral pattern" + (f" of {points[0].name}" if trigger_point else "")
    sources = sorted({s for trp in points for s in trp.pattern.sources})
    credit_sources = "; ".join(_short_citation(kb, s) for s in sources)
    credits = sorted({figures.views[v].credit for v in shown})
    return _svg(kb, figures, shown, zones, marks, trp_side, title, credit_sources, credits)


def _trigger_points(muscle: Muscle, trigger_point: str | None) -> list[TriggerPoint]:
    if trigger_point is None:
        return list(muscle.trigger_points)
    wanted = [t for t in muscle.trigger_points if t.id == trigger_point or t.id == f"{muscle.id}_{trigger_point}"]
    if not wanted:
        known = ", ".join(t.id for t in muscle.trigger_points)
        raise InvalidQueryError(f"{muscle.name} has no trigger point {trigger_point[:60]!r} (it has: {known})")
    return wanted


def _zone_sides(pattern_side: str, zone_side: str | None, trp_side: BodySide) -> list[SideName]:
    side = zone_side or pattern_side
    other: BodySide = "left" if trp_side == "right" else "right"
    if side == "ipsilateral":
        return [trp_side]
    if side == "contralateral":
        return [other]
    return [trp_side, other]  # bilateral and midline patterns: both sides (midline shapes once)


def _zones(kb: KnowledgeBase, figures: Figures, trp: TriggerPoint, trp_side: BodySide) -> list[_Zone]:
    found: list[_Zone] = []
    pattern = trp.pattern
    for kind in ("essential", "spillover"):
        for zone in getattr(pattern, kind):
            shapes = figures.shapes_of(zone.region)
            if not shapes:  # a parent drawn as the union of its children
                inner = set(kb.descendants(zone.region))
                shapes = [s for s in figures.shapes if s.region in inner]
            for shape in shapes:
                if shape.midline:
                    found.append(_Zone(shape, "midline", kind, trp))
                    continue
                for side in dict.fromkeys(_zone_sides(pattern.side, zone.side, trp_side)):
                    found.append(_Zone(shape, side, kind, trp))
    return found


def _short_citation(kb: KnowledgeBase, source_id: str) -> str:
    citation = kb.sources[source_id].citation
    return citation.split(". ")[0][:80] + (f" ({kb.sources[source_id].year})" if kb.sources[source_id].year else "")


def _mirrored(view: View, side: SideName) -> bool:
    """Whether a right-side drawing must be mirrored to show ``side`` on this view."""
    return side == "left"


def _svg(
    kb: KnowledgeBase,
    figures: Figures,
    shown: list[str],
    zones: list[_Zone],
    marks: list[tuple[Mark, TriggerPoint]],
    trp_side: BodySide,
    title: str,
    credit_sources: str,
    credits: list[str],
) -> str:
    panels, x = side_by_side(figures, shown)
    width = max(x, 560.0)
    height = _TOP + PANEL_HEIGHT + _BOTTOM
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="Roboto, Helvetica, Arial, sans-serif" role="img">',
        f"<title>{escape(title)}</title>",
        "<defs>",
        '<pattern id="stipple" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<circle cx="2.5" cy="2.5" r="1.1" fill="{_ESSENTIAL}"/></pattern>',
        "</defs>",
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
        f'<text x="{_GAP}" y="30" font-size="20" font-weight="bold" fill="#111">{escape(title)}</text>',
    ]
    for view, offset, scale in panels:
        flip = view.patient_right == "drawn" and trp_side == "left"
        out.append(
            f'<g class="view" data-view="{view.id}" transform="translate({offset:.2f},{_TOP:.2f}) scale({scale:.5f})">'
        )
        inner = f' transform="translate({2 * view.mirror_x:g},0) scale(-1,1)"' if flip else ""
        out.append(f"<g{inner}>")
        out.append(f'<path d="{view.body}" fill="#f1efec" stroke="none"/>')
        for zone in sorted(
            (z for z in zones if z.shape.view == view.id), key=lambda z: (z.zone != "spillover", z.shape.region, z.side)
        ):
            out.append(_zone_element(kb, view, zone, flip))
        out.append(f'<path d="{view.lines or view.body}" fill="none" stroke="#444" stroke-width="1.3"/>')
        for mark, trp in sorted((m for m in marks if m[0].view == view.id), key=lambda m: m[0].trigger_point):
            out.append(_mark_element(view, mark, trp, trp_side, flip))
        out.append("</g>")
        out.extend(_side_letters(view, trp_side))
        label = view.label if view.patient_right != "drawn" else f"Head, {trp_side} side"
        out.append(
            f'<text x="{view.width / 2:g}" y="{view.height + 20 / scale:g}" font-size="{15 / scale:.1f}" '
            f'text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
        out.append("</g>")
    out.extend(_legend(height))
    credit = "Zones after " + credit_sources + ". " + " ".join(credits)
    out.extend(_credit_lines(credit, width, height))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def side_by_side(figures: Figures, view_ids: Sequence[str]) -> tuple[list[tuple[View, float, float]], float]:
    """The views in a row, each scaled to the panel height (see ``_scale``): (view, x offset, scale)
    for each, and the x where the row ends (a gap after the last)."""
    panels: list[tuple[View, float, float]] = []
    x = _GAP
    for view_id in view_ids:
        view = figures.views[view_id]
        scale = _scale(view)
        panels.append((view, x, scale))
        x += view.width * scale + _GAP
    return panels, x


def _scale(view: View) -> float:
    """A view's scale in the picture: body charts fill the panel height, the head view a little less."""
    return PANEL_HEIGHT * (_HEAD_SHARE if view.patient_right == "drawn" else 1.0) / view.height


def _credit_lines(text: str, width: float, height: float) -> list[str]:
    """The credit at the foot of the picture, wrapped to its width (two lines at most)."""
    per_line = max(60, int((width - 2 * _GAP) / 5.2))
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > per_line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[: per_line - 3] + "..."]
    top = height - 14 * len(lines)
    return [
        f'<text x="{_GAP}" y="{top + 14 * index + 4:.1f}" font-size="10" fill="#555">{escape(line)}</text>'
        for index, line in enumerate(lines)
    ]


def _zone_element(kb: KnowledgeBase, view: View, zone: _Zone, flip: bool) -> str:
    shape = zone.shape
    region = kb.regions[shape.region]
    fill = _ESSENTIAL if zone.zone == "essential" else "url(#stipple)"
    mirror = zone.side == "left" and not flip and view.patient_right != "drawn"
    transform = f' transform="translate({2 * view.mirror_x:g},0) scale(-1,1)"' if mirror else ""
    attributes = (
        f'class="zone" data-region="{region.id}" data-zone="{zone.zone}" data-side="{zone.side}"'
        f' data-trigger-point-source="{zone.trigger_point.id}"'
    )
    text = escape(f"{region.label} ({zone.side}): {zone.zone} zone of {zone.trigger_point.name}")
    if shape.marker is not None:
        x, y = shape.marker
        body = f'<circle cx="{x:g}" cy="{y:g}" r="7" fill="{fill}" stroke="{_ESSENTIAL}" stroke-width="1.5"/>'
    else:
        body = f'<path d="{shape.d}" fill="{fill}" stroke="{_ESSENTIAL}" stroke-width="0.8" stroke-opacity="0.7"/>'
    return f"<g {attributes}{transform}><title>{text}</title>{body}</g>"


def _mark_element(view: View, mark: Mark, trp: TriggerPoint, trp_side: BodySide, flip: bool) -> str:
    x, y = mark.at
    if trp_side == "left" and view.patient_right != "drawn" and not flip:
        x = 2 * view.mirror_x - x
    size = 6.0
    low, high = (x - size, y - size), (x + size, y + size)
    cross = f"M {low[0]:g} {low[1]:g} L {high[0]:g} {high[1]:g} M {low[0]:g} {high[1]:g} L {high[0]:g} {low[1]:g}"
    return (
        f'<g class="trigger-point" data-trigger-point={quoteattr(trp.id)} data-side="{trp_side}">'
        f"<title>{escape(trp.name)} ({trp_side})</title>"
        f'<path d="{cross}" stroke="#ffffff" stroke-width="5" stroke-linecap="round"/>'
        f'<path d="{cross}" stroke="#000000" stroke-width="2.6" stroke-linecap="round"/></g>'
    )


def _side_letters(view: View, trp_side: BodySide) -> list[str]:
    if view.patient_right == "drawn":
        return []
    right_x = view.width * 0.08 if view.patient_right == "viewer_left" else view.width * 0.92
    left_x = view.width - right_x
    style = 'font-size="30" font-weight="bold" text-anchor="middle" fill="#777"'
    return [f'<text x="{right_x:g}" y="36" {style}>R</text>', f'<text x="{left_x:g}" y="36" {style}>L</text>']


def _legend(height: float) -> list[str]:
    y = height - 62
    return [
        f'<g class="legend" transform="translate({_GAP},{y:.1f})">',
        f'<rect width="18" height="12" fill="{_ESSENTIAL}"/>',
        '<text x="24" y="10" font-size="12" fill="#222">essential zone</text>',
        f'<rect x="140" width="18" height="12" fill="url(#stipple)" stroke="{_ESSENTIAL}" stroke-width="0.8"/>'
        '<text x="164" y="10" font-size="12" fill="#222">spillover zone</text>',
        '<path d="M 286 0 L 298 12 M 286 12 L 298 0" stroke="#000" stroke-width="2.4"/>'
        '<text x="304" y="10" font-size="12" fill="#222">trigger point</text>',
        "</g>",
    ]


_SCALE = ("#fdd49e", "#fc8d59", "#e34a33", "#b30000")
"""Colours of the reverse map's score scale, low to high (a sequential scale; grey is kept for "none")."""
_NONE = "#9e9e9e"


def reverse_map(kb: KnowledgeBase, result: QueryResult, *, figures: Figures | None = None, top: int = 5) -> str:
    """A map of a reverse query: the queried sites outlined, and the zones of the top candidates that
    explain them (on, in or around the site; not neighbouring zones) coloured by the candidate's score
    (``data-score``); a site no candidate explains is grey.

    Raises:
        KnowledgeBaseError: the knowledge base has no (valid) body charts.
    """
    figures = figures if figures is not None else load_figures(kb.root)
    if not figures.views:
        from ..errors import KnowledgeBaseError, Problem

        raise KnowledgeBaseError(kb.root, [Problem(kb.root, 0, "no body charts (figures/views/*.yaml)")])
    best: dict[tuple[str, str], tuple[float, str]] = {}  # (region, side) -> (score, muscle names)
    for candidate in result.results[:top]:
        for match in candidate.matches:
            if match.relation not in ("exact", "within", "broader"):
                continue  # a neighbouring zone explains the site, but is not where it hurts
            site = next(s for s in result.query.locations if s.text == match.location)
            for side in [site.side] if site.side else ["right", "left"]:
                key = (match.region, side)
                score, names = best.get(key, (0.0, ""))
                label = f"{names}, {candidate.muscle.name}" if names else candidate.muscle.name
                best[key] = (max(score, candidate.score), label)
    elements: list[tuple[Shape, str, str]] = []  # shape, side, kind
    scored: list[tuple[Shape, str, float, str]] = []
    for (region_id, side), (score, names) in sorted(best.items()):
        for shape in _shapes_for(kb, figures, region_id):
            scored.append((shape, "midline" if shape.midline else side, score, names))
    explained = {region for region, _side in best}
    for site in result.query.locations:
        for region_id in site.regions:
            kind = "site" if region_id in explained or _has_candidate(result, site.text) else "none"
            for shape in _shapes_for(kb, figures, region_id):
                for side in [site.side] if site.side else ["right", "left"]:
                    elements.append((shape, "midline" if shape.midline else side, kind))
    views = [v for v in _VIEW_ORDER if v in figures.views] + sorted(v for v in figures.views if v not in _VIEW_ORDER)
    used_views = {item[0].view for item in scored} | {item[0].view for item in elements}
    shown = [v for v in views if v in used_views] or views[:1]
    title = "Where it hurts: " + ", ".join(site.text for site in result.query.locations)
    return _reverse_svg(kb, figures, shown, scored, elements, title)


def _has_candidate(result: QueryResult, text: str) -> bool:
    return any(match.location == text for c in result.results for match in c.matches)


def _shapes_for(kb: KnowledgeBase, figures: Figures, region_id: str) -> list[Shape]:
    shapes = figures.shapes_of(region_id)
    if not shapes:
        inner = set(kb.descendants(region_id))
        shapes = [s for s in figures.shapes if s.region in inner]
    return shapes


def _colour(score: float) -> str:
    return _SCALE[min(len(_SCALE) - 1, int(score * len(_SCALE)))]


def _reverse_svg(
    kb: KnowledgeBase,
    figures: Figures,
    shown: list[str],
    scored: list[tuple[Shape, str, float, str]],
    sites: list[tuple[Shape, str, str]],
    title: str,
) -> str:
    panels, x = side_by_side(figures, shown)
    width, height = max(x, 560.0), _TOP + PANEL_HEIGHT + _BOTTOM
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" width="{width:.0f}" '
        f'height="{height:.0f}" font-family="Roboto, Helvetica, Arial, sans-serif" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
        f'<text x="{_GAP}" y="30" font-size="20" font-weight="bold" fill="#111">{escape(title)}</text>',
    ]
    for view, offset, scale in panels:
        out.append(
            f'<g class="view" data-view="{view.id}" transform="translate({offset:.2f},{_TOP:.2f}) scale({scale:.5f})">'
        )
        out.append(f'<path d="{view.body}" fill="#f1efec" stroke="none"/>')
        for shape, side, kind in sites:
            if shape.view == view.id and kind == "none":
                out.append(_reverse_element(kb, view, shape, side, _NONE, "none", "no candidate"))
        for shape, side, score, names in sorted(
            (s for s in scored if s[0].view == view.id), key=lambda s: (s[2], s[0].region, s[1])
        ):
            out.append(
                _reverse_element(kb, view, shape, side, _colour(score), f"{score:.2f}", f"score {score:.2f}: {names}")
            )
        for shape, side, kind in sites:
            if shape.view == view.id and kind == "site":
                out.append(_reverse_element(kb, view, shape, side, "none", "site", "where it hurts", outline=True))
        out.append(f'<path d="{view.lines or view.body}" fill="none" stroke="#444" stroke-width="1.3"/>')
        out.extend(_side_letters(view, "right"))
        out.append(
            f'<text x="{view.width / 2:g}" y="{view.height + 20 / scale:g}" font-size="{15 / scale:.1f}" '
            f'text-anchor="middle" fill="#333">{escape(view.label)}</text>'
        )
        out.append("</g>")
    y = height - 62
    out.append(f'<g class="legend" transform="translate({_GAP},{y:.1f})">')
    for index, colour in enumerate(_SCALE):
        out.append(f'<rect x="{index * 22}" width="22" height="12" fill="{colour}"/>')
    out.append(
        f'<text x="{len(_SCALE) * 22 + 6}" y="10" font-size="12" fill="#222">candidate score, low to high</text>'
    )
    out.append(f'<rect x="300" width="18" height="12" fill="{_NONE}"/>')
    out.append('<text x="324" y="10" font-size="12" fill="#222">no candidate</text>')
    out.append('<rect x="420" width="18" height="12" fill="none" stroke="#1f4e9a" stroke-width="2"/>')
    out.append('<text x="444" y="10" font-size="12" fill="#222">where it hurts</text>')
    out.append("</g>")
    credits = " ".join(sorted({figures.views[v].credit for v in shown}))
    out.extend(_credit_lines(credits, width, height))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _reverse_element(
    kb: KnowledgeBase, view: View, shape: Shape, side: str, fill: str, score: str, text: str, *, outline: bool = False
) -> str:
    region = kb.regions[shape.region]
    mirror = side == "left" and view.patient_right != "drawn"
    transform = f' transform="translate({2 * view.mirror_x:g},0) scale(-1,1)"' if mirror else ""
    stroke = 'stroke="#1f4e9a" stroke-width="2.2"' if outline else 'stroke="#7f0000" stroke-width="0.6"'
    if shape.marker is not None:
        x, y = shape.marker
        body = f'<circle cx="{x:g}" cy="{y:g}" r="7" fill="{fill}" {stroke}/>'
    else:
        body = f'<path d="{shape.d}" fill="{fill}" {stroke}/>'
    label = escape(f"{region.label} ({side}): {text}")
    return (
        f'<g class="zone" data-region="{region.id}" data-score="{score}" data-side="{side}"{transform}>'
        f"<title>{label}</title>{body}</g>"
    )
