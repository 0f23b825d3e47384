"""Body-chart geometry: the views (``figures/views/*.yaml``) and the shapes of the regions and marks of
the trigger points on them (``figures/shapes/*.yaml``), read strictly and checked against the knowledge
base. Read only when a map is drawn or a knowledge base validated, never at start-up.

Conventions (docs/maps.md): shapes and marks are drawn for the patient's RIGHT side and mirrored about
the view's ``mirror_x`` for the left; a shape with ``midline: true`` is drawn once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..errors import KnowledgeBaseError, Problem
from ..models import Name, Slug, Text
from .paths import PathError, inside, outline_points, path_points

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

__all__ = ["Figures", "Mark", "Shape", "View", "check_figures", "load_figures"]

PathData = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200_000)]
TOLERANCE = 4.0
"""How far (user units) a shape's point may stray outside the body outline (line width, rounding)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class View(_Record):
    """One body chart: its size, mirror axis, where the patient's right side is, and the drawing."""

    id: Slug
    label: Name
    width: float = Field(gt=0, le=5000)
    height: float = Field(gt=0, le=5000)
    mirror_x: float
    patient_right: Literal["viewer_left", "viewer_right", "drawn"]
    credit: Text
    body: PathData
    lines: PathData | None = None


class Shape(_Record):
    """Where a region is drawn on a view: a closed path, or a marker point for a deep region."""

    region: Slug
    view: Slug
    d: PathData | None = None
    marker: tuple[float, float] | None = None
    midline: bool = False

    @model_validator(mode="after")
    def _path_or_marker(self) -> Shape:
        if (self.d is None) == (self.marker is None):
            raise ValueError("a shape needs either d (a path) or marker (a point), not both")
        return self


class Mark(_Record):
    """Where a trigger point's X goes on a view (patient's right side)."""

    trigger_point: Slug
    view: Slug
    at: tuple[float, float]


class _ViewFile(_Record):
    view: View


class _ShapeFile(_Record):
    shapes: tuple[Shape, ...] = ()
    trigger_points: tuple[Mark, ...] = ()


@dataclass
class Figures:
    """Every view, shape and trigger-point mark of a knowledge base, and where each was read."""

    views: dict[str, View] = field(default_factory=dict)
    shapes: list[Shape] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    lines: dict[int, tuple[str, int]] = field(default_factory=dict)  # id(record) -> (file, line)

    def shapes_of(self, region_id: str) -> list[Shape]:
        """The shapes drawn for a region itself."""
        return [shape for shape in self.shapes if shape.region == region_id]

    def where(self, record: object) -> tuple[str, int]:
        return self.lines.get(id(record), ("", 0))


def load_figures(root: str | Path) -> Figures:
    """Read ``figures/`` of a knowledge-base directory (an empty :class:`Figures` when there is none).

    Raises:
        KnowledgeBaseError: a figure file cannot be read or does not follow the schema.
    """
    from ..files import FileProblem, read_bytes
    from ..loader import _Reader
    from ..yaml_reader import read_yaml

    base = Path(root) / "figures"
    figures = Figures()
    reader = _Reader(base)
    for folder, model in (("views", _ViewFile), ("shapes", _ShapeFile)):
        for path in sorted((base / folder).glob("*.yaml")) if (base / folder).is_dir() else ():
            try:
                document = read_yaml(path, read_bytes(path))
            except FileProblem as exc:
                reader.problem(str(path), exc.line, exc.message)
                continue
            except OSError as exc:
                reader.problem(str(path), 0, f"cannot read file: {exc.strerror or exc}")
                continue
            if not isinstance(document.data, dict):
                reader.problem(str(path), 1, "expected a mapping at the top of the file")
                continue
            parsed = reader.validate(str(path), document, model, document.data, ())
            if isinstance(parsed, _ViewFile):
                view = parsed.view
                if view.id in figures.views:
                    reader.problem(str(path), document.line_of(("view", "id")), f"view {view.id!r} defined twice")
                figures.views[view.id] = view
                figures.lines[id(view)] = (str(path), document.line_of(("view",)))
            elif isinstance(parsed, _ShapeFile):
                for index, shape in enumerate(parsed.shapes):
                    figures.shapes.append(shape)
                    figures.lines[id(shape)] = (str(path), document.line_of(("shapes", index)))
                for index, mark in enumerate(parsed.trigger_points):
                    figures.marks.append(mark)
                    figures.lines[id(mark)] = (str(path), document.line_of(("trigger_points", index)))
    if reader.problems:
        raise KnowledgeBaseError(str(base), reader.problems)
    return figures


def regions_in_use(kb: KnowledgeBase) -> set[str]:
    """Regions that a referral pattern (zones, ``phenomena_at``) or a condition term names."""
    used: set[str] = set()
    for trp in kb.trigger_points.values():
        pattern = trp.pattern
        used.update(zone.region for zone in (*pattern.essential, *pattern.spillover))
        for regions in pattern.phenomena_at.values():
            used.update(regions)
    for condition in kb.conditions.values():
        used.update(condition.regions)
    return used


def check_figures(kb: KnowledgeBase, figures: Figures) -> list[Problem]:
    """Problems of the figures: unknown views, regions or trigger points; points outside the body;
    paired regions drawn on the wrong side; regions in use with no shape."""
    problems: list[Problem] = []

    def problem(record: object, message: str) -> None:
        path, line = figures.where(record)
        problems.append(Problem(path, line, message))

    bodies: dict[str, list[list[tuple[float, float]]]] = {}
    for view in figures.views.values():
        try:
            bodies[view.id] = outline_points(view.body)
            if view.lines:
                path_points(view.lines)
        except PathError as exc:
            problem(view, f"view {view.id!r}: {exc}")
    for shape in figures.shapes:
        _check_placed(kb, figures, bodies, shape, shape.region, problem)
        if shape.region in kb.regions:
            midline = kb.regions[shape.region].laterality == "midline"
            if shape.midline != midline and shape.view in figures.views:
                problem(
                    shape,
                    f"{shape.region}: midline is {str(shape.midline).lower()}, but the region is "
                    f"{'midline' if midline else 'paired'}",
                )
    for mark in figures.marks:
        if mark.trigger_point not in kb.trigger_points:
            problem(mark, f"unknown trigger point {mark.trigger_point!r}")
        _check_placed(kb, figures, bodies, mark, None, problem)
    drawable = {shape.region for shape in figures.shapes}
    for region_id in sorted(regions_in_use(kb)):
        if region_id not in drawable and not drawable.intersection(kb.descendants(region_id)):
            where = kb.regions[region_id]
            problems.append(Problem(str(Path(kb.root) / "figures"), 0, f"region {where.id!r} is used but has no shape"))
    return problems


def _check_placed(
    kb: KnowledgeBase,
    figures: Figures,
    bodies: dict[str, list[list[tuple[float, float]]]],
    record: Shape | Mark,
    region_id: str | None,
    problem: Any,
) -> None:
    if region_id is not None and region_id not in kb.regions:
        problem(record, f"unknown region {region_id!r}")
    view = figures.views.get(record.view)
    if view is None:
        problem(record, f"unknown view {record.view!r} (views: {', '.join(sorted(figures.views)) or 'none'})")
        return
    try:
        points = _points_of(record)
    except PathError as exc:
        problem(record, str(exc))
        return
    body = bodies.get(view.id)
    if body is None:
        return
    outside = [p for p in points if not inside(p, body, TOLERANCE)]
    if outside:
        x, y = outside[0]
        problem(record, f"{len(outside)} point(s) outside the body outline of view {view.id!r}, e.g. ({x:g}, {y:g})")
    if isinstance(record, Shape) and record.midline:
        return
    side_points = [x for x, _y in points]
    right_of_axis = sum(1 for x in side_points if x > view.mirror_x) / max(1, len(side_points))
    wrong = (view.patient_right == "viewer_left" and right_of_axis > 0.6) or (
        view.patient_right == "viewer_right" and right_of_axis < 0.4
    )
    if wrong:
        problem(record, f"drawn on the patient's left side of view {view.id!r}: draw the right side (see docs/maps.md)")


def _points_of(record: Shape | Mark) -> list[tuple[float, float]]:
    if isinstance(record, Mark):
        return [record.at]
    if record.d is not None:
        return path_points(record.d)
    assert record.marker is not None
    return [record.marker]
