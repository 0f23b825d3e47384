"""The export: flat tables that agree with the knowledge base and with each other, in JSON and CSV, a
manifest naming the version and the data's content hash; the hash itself."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_OUTPUT, EXIT_USAGE, app
from nmt_referral.interop.export import LIST_SEPARATOR, tables

from .conftest import KB_MINIMAL

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for fmt in ("json", "csv"):
        directory = tmp_path_factory.mktemp(fmt)
        result = runner.invoke(app, ["export", fmt, str(directory)])
        assert result.exit_code == 0, result.stderr
        out[fmt] = directory
    return out


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_manifest_describes_the_tables(exported: dict[str, Path], shipped_kb: KnowledgeBase) -> None:
    for fmt, directory in exported.items():
        manifest = json.loads((directory / "manifest.json").read_text())
        assert manifest["nmt_referral_version"] == nmt_referral.__version__
        assert manifest["data_sha256"] == shipped_kb.content_hash and len(manifest["data_sha256"]) == 64
        assert set(manifest["tables"]) >= {
            "muscles",
            "trigger_points",
            "zones",
            "regions",
            "conditions",
            "phenomena",
            "sources",
            "body_maps",
        }
        assert any("2025-01-16" in o["citation"] for o in manifest["ontologies"])  # HPO's version shown
        for name, about in manifest["tables"].items():
            path = directory / about["file"]
            rows = json.loads(path.read_text()) if fmt == "json" else _csv_rows(path)
            assert len(rows) == about["rows"] > 0, name
            assert list(rows[0]) == about["columns"]


def test_tables_agree_with_the_knowledge_base(shipped_kb: KnowledgeBase) -> None:
    data = tables(shipped_kb)
    assert [r["id"] for r in data["muscles"]] == list(shipped_kb.muscles)
    assert len(data["trigger_points"]) == len(shipped_kb.trigger_points)
    zone_count = sum(len(t.pattern.essential) + len(t.pattern.spillover) for t in shipped_kb.trigger_points.values())
    assert len(data["zones"]) == zone_count
    regions = {r["id"] for r in data["regions"]}
    muscles = {r["id"] for r in data["muscles"]}
    trps = {r["id"]: r["muscle"] for r in data["trigger_points"]}
    for zone in data["zones"]:  # every link resolves inside the export
        assert zone["region"] in regions and trps[zone["trigger_point"]] == zone["muscle"] in muscles
    for row in data["body_maps"]:
        assert row["region"] in regions or row["no_pain"]
    trapezius = next(r for r in data["muscles"] if r["id"] == "trapezius")
    assert trapezius["uberon"] == shipped_kb.identifiers["muscles"]["trapezius"].uberon
    sources = {r["id"] for r in data["sources"]}
    assert all(set(t["sources"]) <= sources for t in data["trigger_points"])


def test_csv_and_json_hold_the_same_rows(exported: dict[str, Path]) -> None:
    for name in ("muscles", "zones", "body_maps", "conditions"):
        as_json = json.loads((exported["json"] / f"{name}.json").read_text())
        as_csv = _csv_rows(exported["csv"] / f"{name}.csv")
        assert len(as_json) == len(as_csv)
        for j, c in zip(as_json, as_csv, strict=True):
            for key, value in j.items():
                if isinstance(value, list):
                    assert c[key] == LIST_SEPARATOR.join(map(str, value))
                elif value is None:
                    assert c[key] == ""
                elif isinstance(value, bool):
                    assert c[key] == str(value).lower()
                else:
                    assert c[key] == str(value)


def test_files_follow_the_umask(exported: dict[str, Path]) -> None:
    mask = os.umask(0)
    os.umask(mask)
    assert (exported["csv"] / "zones.csv").stat().st_mode & 0o777 == 0o666 & ~mask


def test_content_hash_is_the_data(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(KB_MINIMAL, copy)
    base = nmt_referral.validate(KB_MINIMAL).content_hash
    assert nmt_referral.validate(copy).content_hash == base  # same bytes elsewhere: same hash
    muscle = copy / "muscles" / "alpha.yaml"
    muscle.write_text(muscle.read_text() + "\n# an edit\n")
    assert nmt_referral.validate(copy).content_hash != base
    overlay = tmp_path / "overlay"
    (overlay / "muscles").mkdir(parents=True)
    shutil.copy(muscle, overlay / "muscles" / "alpha.yaml")
    assert (
        nmt_referral.validate(KB_MINIMAL, overlays=[overlay]).content_hash == nmt_referral.validate(copy).content_hash
    )


def test_version_and_stats_show_the_hash(shipped_kb: KnowledgeBase) -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and nmt_referral.__version__ in version.stdout
    assert shipped_kb.content_hash in version.stdout
    assert shipped_kb.content_hash in runner.invoke(app, ["stats"]).stdout
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["content_hash"] == shipped_kb.content_hash


def test_export_errors(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["export", "xml", str(tmp_path)])
    assert bad.exit_code == EXIT_USAGE
    blocked = tmp_path / "a_file"
    blocked.write_text("")
    result = runner.invoke(app, ["export", "csv", str(blocked / "inside")])
    assert result.exit_code == EXIT_OUTPUT and "error:" in result.stderr
