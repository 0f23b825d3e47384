"""The clickable body chart: every drawn region a link to its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...knowledge_base import KnowledgeBase
    from ...maps import Figures
    from ...maps.geometry import Shape, View
from .frame import _e

_VIEW_ORDER = ("front", "back", "head")


def body_chart(kb: KnowledgeBase, figures: Figures, *, href: Callable[[str], str]) -> str:
    """Every body chart side by side, every drawn region a link to ``href(region_id)``, as SVG for a page.

    Paired regions are drawn on both sides of the front and back views (mirrored for the left, as the
    maps are), midline regions once; each link has a ``<title>`` (its accessible name) and
    ``data-region`` and ``data-side``. Only the first drawing of a region is in the tab order, so the
    keyboard visits each region once.
    """
    views = [v for v in _VIEW_ORDER if v in figures.views] + sorted(v for v in figures.views if v not in _VIEW_ORDER)
    top, bottom = 16.0, 44.0
    from ...maps.draw import PANEL_HEIGHT, side_by_side

    panels, x = side_by_side(figures, views)

    width, height = x, top + PANEL_HEIGHT + bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bodychart" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" aria-labelledby="bodychart-title" '
        'font-family="Helvetica, Arial, sans-serif">',
        '<title id="bodychart-title">Body chart: select a region to open its page</title>',
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    seen: set[str] = set()
    for view, offset, scale in panels:
        place = f"translate({offset:.2f},{top:.2f}) scale({scale:.5f})"
        out.append(f'<g class="view" data-view="{_e(view.id)}" transform="{place}">')
        out.append(f'<path d="{_e(view.body)}" fill="#f1efec" stroke="none"/>')
        for shape in _chart_shapes(kb, figures, view):
            for side in _chart_sides(view, shape):
                out.append(_chart_region(kb, view, shape, side, href(shape.region), shape.region in seen))
                seen.add(shape.region)
        lines = _e(view.lines or view.body)
        out.append(f'<path d="{lines}" fill="none" stroke="#444" stroke-width="1.3" pointer-events="none"/>')
        out.extend(_chart_labels(view, scale))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _chart_shapes(kb: KnowledgeBase, figures: Figures, view: View) -> list[Shape]:
    """The view's region shapes, coarse before fine (a finer region is drawn over a coarser one), deep
    regions' markers last."""
    shapes = [s for s in figures.shapes if s.view == view.id and s.region in kb.regions]
    return sorted(shapes, key=lambda s: (s.marker is not None, len(kb.ancestors(s.region)), s.region))


def _chart_sides(view: View, shape: Shape) -> tuple[str, ...]:
    if shape.midline:
        return ("midline",)
    return ("right",) if view.patient_right == "drawn" else ("right", "left")


def _chart_region(kb: KnowledgeBase, view: View, shape: Shape, side: str, url: str, seen: bool) -> str:
    region = kb.regions[shape.region]
    mirror = f' transform="translate({2 * view.mirror_x:g},0) scale(-1,1)"' if side == "left" else ""
    style = 'fill="#cfe0f5" stroke="#1f4e9a" stroke-width="0.8"'
    if shape.marker is not None:
        x, y = shape.marker
        drawing = f'<circle cx="{x:g}" cy="{y:g}" r="9" {style}{mirror}/>'
    else:
        drawing = f'<path d="{_e(shape.d or "")}" {style}{mirror}/>'
    label = region.label if side == "midline" else f"{region.label} ({side} side)"
    tab = ' tabindex="-1"' if seen else ""
    return (
        f'<a href="{_e(url)}" class="region" data-region="{region.id}" data-side="{side}"{tab}>'
        f"<title>{_e(label)}</title>{drawing}</a>"
    )


def _chart_labels(view: View, scale: float) -> list[str]:
    """The view's name below it and, on the front and back views, the patient's R and L."""
    size = 15 / scale
    out = [
        f'<text x="{view.width / 2:g}" y="{view.height + 26 / scale:g}" font-size="{size:.1f}" '
        f'text-anchor="middle" fill="#222" pointer-events="none">{_e(view.label)}</text>'
    ]
    if view.patient_right != "drawn":
        right_x = view.width * 0.08 if view.patient_right == "viewer_left" else view.width * 0.92
        style = 'font-size="30" font-weight="bold" text-anchor="middle" fill="#555" pointer-events="none"'
        out.append(f'<text x="{right_x:g}" y="36" {style}>R</text>')
        out.append(f'<text x="{view.width - right_x:g}" y="36" {style}>L</text>')
    return out
