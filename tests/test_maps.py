"""Referral maps (the maps subpackage): geometry checks, the SVG contract, the picture itself, the CLI."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import InvalidQueryError, KnowledgeBaseError, UnknownMuscleError
from nmt_referral.cli import app
from nmt_referral.maps.geometry import check_figures, load_figures

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGBA rows of an 8-bit RGBA, non-interlaced PNG (what resvg writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert (depth, colour) == (8, 6), "expected 8-bit RGBA"
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * 4, [], bytearray(width * 4)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - 4] if x >= 4 else 0
            up, corner = previous[x], previous[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def pixel(rows: list[bytes], x: float, y: float) -> tuple[int, int, int]:
    row = rows[int(y)]
    return row[int(x) * 4], row[int(x) * 4 + 1], row[int(x) * 4 + 2]


def is_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 90 and b < 90


def zones(svg: str) -> list[dict[str, str]]:
    root = ET.fromstring(svg)
    return [dict(e.attrib) for e in root.iter(f"{SVG}g") if e.get("class") == "zone"]


# --------------------------------------------------------------------------- geometry


def test_the_toy_figures_are_valid(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)  # validate checks figures/ when there is one
    figures = load_figures(maps_dir)
    assert set(figures.views) == {"front"} and check_figures(kb, figures) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s.replace("  - region: temple\n    view: front\n", "  - region: temple\n    view: side\n"),
            "unknown view",
        ),
        (lambda s: s.replace("M 72 30 L 86 30", "M 2 30 L 86 30"), "outside the body outline"),
        (
            lambda s: s.replace("M 72 30 L 86 30 L 86 46 L 72 46 Z", "M 114 30 L 128 30 L 128 46 L 114 46 Z"),
            "patient's left",
        ),
        (lambda s: s.replace("region: forehead", "region: nowhere"), "unknown region"),
        (lambda s: s.replace("    midline: true\n", ""), "midline is false"),
        (lambda s: s.replace("trigger_point: alpha_1", "trigger_point: alpha_9"), "unknown trigger point"),
    ],
    ids=["unknown_view", "outside_outline", "wrong_side", "unknown_region", "midline_region_as_paired", "unknown_trp"],
)
def test_bad_figures_fail_validation_with_file_and_line(maps_dir: Path, edit: object, expected: str) -> None:
    shapes = maps_dir / "figures" / "shapes" / "minimal.yaml"
    shapes.write_text(edit(shapes.read_text()))  # type: ignore[operator]
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(maps_dir)
    mine = [p for p in caught.value.problems if expected in p.message]
    assert mine and all(p.path == str(shapes) and p.line > 0 for p in mine), caught.value.problems


def test_a_region_in_use_without_a_shape_fails_validation(maps_dir: Path) -> None:
    shapes = maps_dir / "figures" / "shapes" / "minimal.yaml"
    text = shapes.read_text()
    start = text.index("  - region: angle_of_jaw")
    shapes.write_text(text[:start] + text[text.index("  - region: sternum") :])
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(maps_dir)
    assert any("'angle_of_jaw' is used but has no shape" in p.message for p in caught.value.problems)


# --------------------------------------------------------------------------- the SVG contract


def test_zones_and_marks_carry_the_pattern_exactly(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)
    svg = kb.referral_map("alpha")
    root = ET.fromstring(svg)  # valid XML
    assert {(z["data-region"], z["data-zone"], z["data-side"]) for z in zones(svg)} == {
        ("temple", "essential", "right"),
        ("angle_of_jaw", "spillover", "right"),
    }
    marks = [e for e in root.iter(f"{SVG}g") if e.get("class") == "trigger-point"]
    assert [m.get("data-trigger-point") for m in marks] == ["alpha_1"]
    for element in [*marks, *(e for e in root.iter(f"{SVG}g") if e.get("class") == "zone")]:
        assert element.find(f"{SVG}title") is not None and element.find(f"{SVG}title").text  # type: ignore[union-attr]
    assert "<script" not in svg and "href" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_picture_is_deterministic(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)
    assert kb.referral_map("alpha") == kb.referral_map("AM") == nmt_referral.validate(maps_dir).referral_map("alpha")


def test_sides_contralateral_bilateral_and_midline(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)
    assert {z["data-side"] for z in zones(kb.referral_map("alpha", side="left"))} == {"left"}
    # delta: contralateral pattern, tied to the right body side; its sternum zone is midline
    delta = zones(kb.referral_map("delta"))
    assert ("forehead", "left") in {(z["data-region"], z["data-side"]) for z in delta}
    assert ("sternum", "midline") in {(z["data-region"], z["data-side"]) for z in delta}


def test_a_parent_region_is_drawn_as_its_children(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)
    drawn = {z["data-region"] for z in zones(kb.referral_map("gamma"))}  # gamma refers to the whole head
    assert drawn == {"temple", "forehead", "angle_of_jaw"}


def test_bad_requests_raise_our_errors(maps_dir: Path) -> None:
    kb = nmt_referral.validate(maps_dir)
    with pytest.raises(UnknownMuscleError):
        kb.referral_map("nosuchmuscle")
    with pytest.raises(InvalidQueryError):
        kb.referral_map("alpha", trigger_point="alpha_9")
    with pytest.raises(InvalidQueryError):
        kb.referral_map("alpha", side="up")
    with pytest.raises(KnowledgeBaseError):
        nmt_referral.validate(nmt_referral.loader.packaged_data_dir().parent / "nowhere")


# --------------------------------------------------------------------------- the picture


def test_the_png_shows_red_where_the_essential_zone_is_and_not_elsewhere(maps_dir: Path) -> None:
    pytest.importorskip("resvg_py")
    from nmt_referral.maps import svg_to_png
    from nmt_referral.maps.draw import _BOTTOM, _GAP, _TOP, PANEL_HEIGHT

    kb = nmt_referral.validate(maps_dir)
    width, height, rows = decode_png(svg_to_png(kb.referral_map("alpha"), scale=1.0))
    scale = PANEL_HEIGHT / 400  # the toy view is 400 high

    def at(x: float, y: float) -> tuple[int, int, int]:
        return pixel(rows, _GAP + x * scale, _TOP + y * scale)

    assert is_red(at(81, 40))  # inside the temple shape (right side: the viewer's left on the front view)
    assert not is_red(at(200 - 81, 40))  # the mirror place: the left temple is not involved
    assert not is_red(at(100, 300))  # the lower body
    assert height == round(_TOP + PANEL_HEIGHT + _BOTTOM) and width >= 560


# --------------------------------------------------------------------------- the CLI


def test_cli_writes_svg_and_png_files(maps_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("resvg_py")
    svg_file, png_file = tmp_path / "alpha.svg", tmp_path / "alpha.png"
    result = runner.invoke(app, ["map", "alpha", "--data", str(maps_dir), "-o", str(svg_file)])
    assert result.exit_code == 0, result.stderr
    ET.fromstring(svg_file.read_text())
    result = runner.invoke(app, ["map", "AM", "--side", "left", "--data", str(maps_dir), "-o", str(png_file)])
    assert result.exit_code == 0, result.stderr
    assert png_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = runner.invoke(app, ["map", "alpha", "--data", str(maps_dir)])
    assert result.exit_code == 0 and result.stdout.lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["map", "nosuch"], "unknown muscle"),
        (["map", "alpha", "-o", "{tmp}/x.gif"], "unknown output type"),
        (["map", "alpha", "-o", "{tmp}/no/such/dir/x.svg"], "cannot write"),
        (["map", "alpha", "-t", "alpha_9", "-o", "{tmp}/y.svg"], "no trigger point"),
    ],
    ids=["unknown_muscle", "unknown_extension", "unwritable_path", "unknown_trigger_point"],
)
def test_cli_bad_map_requests_exit_2_without_a_partial_file(
    maps_dir: Path, tmp_path: Path, args: list[str], expected: str
) -> None:
    result = runner.invoke(app, [*(a.format(tmp=tmp_path) for a in args), "--data", str(maps_dir)])
    assert result.exit_code == 2 and expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not any(p.is_file() for p in tmp_path.rglob("*") if p.suffix in (".gif", ".svg"))


def test_reverse_map_colours_the_top_candidates_zones_by_score(maps_dir: Path, tmp_path: Path) -> None:
    from nmt_referral.maps import reverse_map

    kb = nmt_referral.validate(maps_dir)
    result = kb.where("temple", "angle of the jaw", side="left")
    svg = reverse_map(kb, result)
    drawn = zones(svg)
    scores = {(z["data-region"], z["data-score"]) for z in drawn if z["data-score"] not in ("site", "none")}
    best = max(c.score for c in result if any(m.region == "temple" for m in c.matches))
    assert ("temple", f"{best:.2f}") in scores
    assert {z["data-side"] for z in drawn} == {"left"}  # the side asked about
    assert {z["data-region"] for z in drawn if z["data-score"] == "site"} == {"temple", "angle_of_jaw"}
    file = tmp_path / "where.svg"
    cli = runner.invoke(app, ["where", "temple", "--map", str(file), "--data", str(maps_dir)])
    assert cli.exit_code == 0, cli.stderr
    ET.fromstring(file.read_text())


def test_reverse_map_greys_a_site_no_candidate_explains(maps_dir: Path) -> None:
    from nmt_referral.maps import reverse_map

    regions = maps_dir / "regions" / "body.yaml"
    regions.write_text(regions.read_text() + "  - id: belly\n    label: Belly\n")
    shapes = maps_dir / "figures" / "shapes" / "minimal.yaml"
    text = shapes.read_text()
    belly = '  - region: belly\n    view: front\n    d: "M 60 220 L 95 220 L 95 260 L 60 260 Z"\n'
    shapes.write_text(text.replace("trigger_points:\n", belly + "trigger_points:\n"))
    kb = nmt_referral.validate(maps_dir)
    result = kb.where("belly")  # no muscle refers pain there
    assert not result.results
    drawn = zones(reverse_map(kb, result))
    assert {(z["data-region"], z["data-score"]) for z in drawn} == {("belly", "none")}


# --------------------------------------------------------------------------- the packaged body charts


def _panel(svg: str, view_id: str) -> tuple[float, float, float]:
    """(x offset, y offset, scale) of a view's panel in a rendered map."""
    import re

    found = re.search(rf'data-view="{view_id}" transform="translate\(([\d.]+),([\d.]+)\) scale\(([\d.]+)\)"', svg)
    assert found, f"no {view_id} panel"
    x, y, scale = (float(v) for v in found.groups())
    return x, y, scale


def _centre(kb: nmt_referral.KnowledgeBase, region: str, view: str) -> tuple[float, float]:
    from nmt_referral.maps.paths import path_points

    figures = load_figures(kb.root)
    (shape,) = [s for s in figures.shapes_of(region) if s.view == view][:1]
    points = path_points(shape.d) if shape.d else [shape.marker]  # type: ignore[list-item]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def test_every_packaged_muscle_renders(shipped_kb: nmt_referral.KnowledgeBase) -> None:
    figures = load_figures(shipped_kb.root)
    for muscle_id in shipped_kb.muscles:
        svg = nmt_referral.maps.referral_map(shipped_kb, muscle_id, figures=figures)
        drawn = zones(svg)
        expected = {
            zone.region
            for trp in shipped_kb.muscles[muscle_id].trigger_points
            for zone in (*trp.pattern.essential, *trp.pattern.spillover)
        }
        shown = {z["data-region"] for z in drawn}
        for region in expected:  # every zone is drawn: as itself or as its children
            assert region in shown or shown & set(shipped_kb.descendants(region)), (muscle_id, region)


def test_trapezius_trp1_is_red_at_the_temple_and_neck_and_not_the_low_back(
    shipped_kb: nmt_referral.KnowledgeBase,
) -> None:
    pytest.importorskip("resvg_py")
    from nmt_referral.maps import svg_to_png

    svg = nmt_referral.maps.referral_map(shipped_kb, "trapezius", trigger_point="trapezius_1")
    _width, _height, rows = decode_png(svg_to_png(svg, scale=1.0))

    def colour(region: str, view: str) -> tuple[int, int, int]:
        x0, y0, scale = _panel(svg, view)
        x, y = _centre(shipped_kb, region, view)
        return pixel(rows, x0 + x * scale, y0 + y * scale)

    assert is_red(colour("temple", "head"))
    assert is_red(colour("posterolateral_neck", "back"))
    assert not is_red(colour("lumbar_paraspinal", "back"))


def test_left_is_the_mirror_of_right_in_the_picture(maps_dir: Path) -> None:
    pytest.importorskip("resvg_py")
    from nmt_referral.maps import svg_to_png
    from nmt_referral.maps.draw import _GAP, _TOP, PANEL_HEIGHT

    kb = nmt_referral.validate(maps_dir)
    scale = PANEL_HEIGHT / 400
    right = decode_png(svg_to_png(kb.referral_map("alpha", side="right"), scale=1.0))[2]
    left = decode_png(svg_to_png(kb.referral_map("alpha", side="left"), scale=1.0))[2]
    for x, y in ((81, 40), (80, 52), (100, 300), (120, 200)):  # the temple, the X, the body
        here = pixel(right, _GAP + x * scale, _TOP + y * scale)
        there = pixel(left, _GAP + (200 - x) * scale, _TOP + y * scale)
        assert all(abs(a - b) <= 12 for a, b in zip(here, there, strict=True)), ((x, y), here, there)
    assert is_red(pixel(left, _GAP + (200 - 81) * scale, _TOP + 40 * scale))  # the left temple
    assert not is_red(pixel(left, _GAP + 81 * scale, _TOP + 40 * scale))  # and not the right one


def test_png_without_the_extra_exits_2_with_the_install_hint(
    maps_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "resvg_py", None)  # as if the png extra were not installed
    result = runner.invoke(app, ["map", "alpha", "-o", str(tmp_path / "a.png"), "--data", str(maps_dir)])
    assert result.exit_code == 2 and 'pip install "nmt-referral[png]"' in result.stderr
    assert not (tmp_path / "a.png").exists()
    assert runner.invoke(app, ["map", "alpha", "-o", str(tmp_path / "a.svg"), "--data", str(maps_dir)]).exit_code == 0
