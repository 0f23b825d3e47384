"""Just enough SVG path geometry for checking shapes: points along a path, and point-in-outline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

__all__ = ["PathError", "inside", "outline_points", "path_points"]

Point = tuple[float, float]

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "Z": 0}
_STEPS = (0.25, 0.5, 0.75, 1.0)


class PathError(ValueError):
    """The path data is not a path of M, L, H, V, C, S, Q, T and Z commands with their numbers."""


def path_points(d: str) -> list[Point]:
    """Points along the path: every vertex, and a few points along each curve.

    Raises:
        PathError: malformed path data.
    """
    return [point for subpath in _subpaths(d) for point in subpath]


def outline_points(d: str) -> list[list[Point]]:
    """The closed contours of an outline path, as point lists (for :func:`inside`)."""
    return [subpath for subpath in _subpaths(d) if len(subpath) >= 3]


def inside(point: Point, contours: Sequence[Sequence[Point]], tolerance: float = 0.0) -> bool:
    """Whether ``point`` lies inside the contours (even-odd rule), or within ``tolerance`` of an edge."""
    x, y = point
    crossings = 0
    for contour in contours:
        for (x1, y1), (x2, y2) in zip(contour, [*contour[1:], contour[0]], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    if crossings % 2 == 1:
        return True
    if not tolerance:
        return False
    for contour in contours:  # outside: near enough to an edge (line width, rounding)?
        for a, b in zip(contour, [*contour[1:], contour[0]], strict=True):
            near_x = min(a[0], b[0]) - tolerance <= x <= max(a[0], b[0]) + tolerance
            near_y = min(a[1], b[1]) - tolerance <= y <= max(a[1], b[1]) + tolerance
            if near_x and near_y and _distance_to_segment(point, a, b) <= tolerance:
                return True
    return False


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    cx, cy = ax + t * dx, ay + t * dy
    return float(((px - cx) ** 2 + (py - cy) ** 2) ** 0.5)


def _subpaths(d: str) -> Iterator[list[Point]]:
    tokens = _TOKEN.findall(d)
    if not tokens or "".join(_TOKEN.sub("", d).split()).strip(","):
        raise PathError("not SVG path data (commands M, L, H, V, C, S, Q, T, Z and numbers)")
    points: list[Point] = []
    x = y = start_x = start_y = 0.0
    last_control: Point | None = None
    command = ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command in "Zz":
                if points:
                    yield points
                points = []
                x, y = start_x, start_y
                continue
        elif not command or command in "Zz":
            raise PathError("a number outside a command")
        upper = command.upper()
        arity = _ARITY[upper]
        values = tokens[index : index + arity]
        if len(values) < arity or any(v.isalpha() for v in values):
            raise PathError(f"command {command} needs {arity} numbers")
        numbers = [float(v) for v in values]
        index += arity
        relative = command.islower()
        if upper == "H":
            numbers = [numbers[0] + (x if relative else 0), y]
            relative = False
        elif upper == "V":
            numbers = [x, numbers[0] + (y if relative else 0)]
            relative = False
        if relative:
            numbers = [n + (x if i % 2 == 0 else y) for i, n in enumerate(numbers)]
        if upper == "M":
            if points:
                yield points
            points = [(numbers[0], numbers[1])]
            x, y = start_x, start_y = numbers[0], numbers[1]
            command = "l" if command == "m" else "L"  # further pairs are line-tos
            last_control = None
            continue
        if upper in ("L", "H", "V", "T"):
            end = (numbers[-2], numbers[-1])
            points.append(end)
            last_control = None
        else:  # curves: a few points along them
            if upper == "S":
                first = (2 * x - last_control[0], 2 * y - last_control[1]) if last_control else (x, y)
                controls = [first, (numbers[0], numbers[1])]
            elif upper == "C":
                controls = [(numbers[0], numbers[1]), (numbers[2], numbers[3])]
            else:  # Q
                controls = [(numbers[0], numbers[1])]
            end = (numbers[-2], numbers[-1])
            points.extend(_bezier((x, y), controls, end))
            last_control = controls[-1]
        x, y = end
    if points:
        yield points


def _bezier(start: Point, controls: list[Point], end: Point) -> list[Point]:
    anchors = [start, *controls, end]
    found: list[Point] = []
    for t in _STEPS:
        level = anchors
        while len(level) > 1:
            level = [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in itertools.pairwise(level)]
        found.append(level[0])
    return found
