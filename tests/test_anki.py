"""The Anki deck (export anki): its notes, citations, pictures, stable ids, area decks, and its errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

import genanki  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner, Result

from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_OUTPUT, EXIT_USAGE, app
from nmt_referral.study.anki import DECK_ID, FORWARD_MODEL_ID, REVERSE_MODEL_ID, deck_id
from nmt_referral.study.quiz import forward_facts, items

from .conftest import FIGURES_MINIMAL, KB_MINIMAL

runner = CliRunner()
EPOCH = "1700000000"


@dataclass
class Deck:
    """What an .apkg holds: notes (guid -> mid, fields, tags), decks and models JSON, media map and files."""

    notes: dict[str, tuple[int, list[str], list[str]]]
    decks: dict[str, dict[str, object]]
    models: dict[str, dict[str, object]]
    media: dict[str, str]
    files: dict[str, bytes]


def export(path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["export", "anki", str(path), *args], env=env)


def read_deck(path: Path, tmp_path: Path) -> Deck:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        media = json.loads(archive.read("media"))
        files = {name: archive.read(name) for name in names if name not in ("collection.anki2", "media")}
        database = tmp_path / f"{path.stem}.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
        cards = connection.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        connection.close()
    assert cards == len(rows)  # one card per note
    notes = {guid: (mid, fields.split("\x1f"), tags.split()) for guid, mid, fields, tags in rows}
    assert len(notes) == len(rows)  # GUIDs unique
    return Deck(notes, json.loads(decks_json), json.loads(models_json), media, files)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The whole deck twice (same time stamp), once at another time, and the neck deck."""
    folder = tmp_path_factory.mktemp("anki")
    paths = {name: folder / f"{name}.apkg" for name in ("first", "second", "later", "neck")}
    for name, path in paths.items():
        args = ["--area", "neck"] if name == "neck" else []
        env = {"SOURCE_DATE_EPOCH": "1800000000" if name == "later" else EPOCH}
        result = export(path, *args, env=env)
        assert result.exit_code == 0, result.output
        assert re.search(r"wrote .*: \d+ notes", result.stdout)
    return paths


def test_the_deck_holds_a_forward_and_a_reverse_note_per_item(
    built: dict[str, Path], shipped_kb: KnowledgeBase, tmp_path: Path
) -> None:
    deck = read_deck(built["first"], tmp_path)
    expected = items(shipped_kb)
    forward = [i for i in expected if i.kind == "forward"]
    assert len(forward) == len(shipped_kb.muscles)
    assert len(deck.notes) == len(expected)
    by_mid = [mid for mid, _fields, _tags in deck.notes.values()]
    assert by_mid.count(FORWARD_MODEL_ID) == len(forward)
    assert by_mid.count(REVERSE_MODEL_ID) == len(expected) - len(forward)
    assert str(DECK_ID) in deck.decks
    assert {str(FORWARD_MODEL_ID), str(REVERSE_MODEL_ID)} <= set(deck.models)
    for item in expected:
        mid, _fields, tags = deck.notes[genanki.guid_for("nmt-referral", item.kind, item.subject)]
        assert mid == (FORWARD_MODEL_ID if item.kind == "forward" else REVERSE_MODEL_ID)
        assert item.kind in tags and "nmt-referral" in tags


def test_forward_notes_show_locations_zones_and_citations(
    built: dict[str, Path], shipped_kb: KnowledgeBase, tmp_path: Path
) -> None:
    deck = read_deck(built["first"], tmp_path)
    for muscle in shipped_kb.muscles.values():
        _mid, fields, _tags = deck.notes[genanki.guid_for("nmt-referral", "forward", muscle.id)]
        name, _area, trigger_points, picture, sources, record = fields
        assert name == escape(muscle.name) and record == muscle.id
        for trp in muscle.trigger_points:
            assert escape(trp.location) in trigger_points
        facts = forward_facts(muscle)
        for region in facts.zones:
            assert escape(shipped_kb.regions[region].label) in trigger_points
        for source in facts.sources:
            assert escape(shipped_kb.sources[source].citation) in sources
        assert picture == f'<img src="nmt-referral-forward-{muscle.id}.svg">'
    temporalis = deck.notes[genanki.guid_for("nmt-referral", "forward", "temporalis")][1]
    assert "Temple" in temporalis[2] and "Travell" in temporalis[4]


def test_reverse_notes_list_the_muscles_with_citations(built: dict[str, Path], tmp_path: Path) -> None:
    deck = read_deck(built["first"], tmp_path)
    region, muscles, picture, sources, record = deck.notes[
        genanki.guid_for("nmt-referral", "reverse", "lateral_epicondyle")
    ][1]
    assert region == "Lateral epicondyle" and record == "lateral_epicondyle"
    assert "<li>Supinator (essential)</li>" in muscles
    assert "Simons DG, Travell JG" in sources
    assert picture == '<img src="nmt-referral-reverse-lateral_epicondyle.svg">'


def test_media_files_are_present_and_referenced(built: dict[str, Path], tmp_path: Path) -> None:
    deck = read_deck(built["first"], tmp_path)
    referenced = {
        name
        for _mid, fields, _tags in deck.notes.values()
        for name in re.findall(r'<img src="([^"]+)">', "".join(fields))
    }
    assert set(deck.media.values()) == referenced
    assert len(deck.media) == len(deck.notes)  # every note has its picture here
    assert set(deck.files) == set(deck.media)  # the zip entries "0", "1", ...
    for index, content in deck.files.items():
        assert content.startswith(b"<svg") or content.startswith(b"<?xml"), deck.media[index]
        assert b"data-region" in content


def test_ids_and_names_are_stable_across_builds(built: dict[str, Path], tmp_path: Path) -> None:
    first, second, later = (read_deck(built[name], tmp_path) for name in ("first", "second", "later"))
    assert built["first"].read_bytes() == built["second"].read_bytes()  # the same time stamp: the same bytes
    assert set(first.notes) == set(later.notes)
    assert sorted(first.media.values()) == sorted(later.media.values())
    assert first.decks.keys() == later.decks.keys() and first.models.keys() == later.models.keys()
    assert built["first"].read_bytes() != built["later"].read_bytes()  # newer notes: Anki updates on import
    assert second.notes == first.notes


def test_an_area_deck_is_a_smaller_deck_of_the_same_notes(
    built: dict[str, Path], shipped_kb: KnowledgeBase, tmp_path: Path
) -> None:
    whole, neck = read_deck(built["first"], tmp_path), read_deck(built["neck"], tmp_path)
    assert 0 < len(neck.notes) < len(whole.notes)
    assert set(neck.notes) <= set(whole.notes)
    forward = [fields[-1] for mid, fields, _tags in neck.notes.values() if mid == FORWARD_MODEL_ID]
    assert forward and {shipped_kb.muscles[m].area for m in forward} == {"neck"}
    assert str(deck_id("neck")) in neck.decks and deck_id("neck") != DECK_ID
    assert any(str(d.get("name", "")).endswith("::neck") for d in neck.decks.values())


def test_a_crafted_knowledge_base(tmp_path: Path) -> None:
    data = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, data)
    plain = export(tmp_path / "plain.apkg", "--data", str(data), env={"SOURCE_DATE_EPOCH": EPOCH})
    assert plain.exit_code == 0, plain.output
    deck = read_deck(tmp_path / "plain.apkg", tmp_path)
    assert len(deck.notes) == 5 + 5  # five muscles; five regions named as zones
    assert deck.media == {} and deck.files == {}  # no body charts: no pictures
    alpha = deck.notes[genanki.guid_for("nmt-referral", "forward", "alpha")][1]
    assert "Test Manual of Referral Patterns. Fixture only." in alpha[4] and alpha[3] == ""
    temple = deck.notes[genanki.guid_for("nmt-referral", "reverse", "temple")][1]
    assert temple[1] == "<ol><li>Alpha muscle (essential)</li><li>Epsilon muscle (essential)</li>" + (
        "<li>Beta muscle (spillover)</li></ol>"
    )
    shutil.copytree(FIGURES_MINIMAL, data / "figures")
    drawn = export(tmp_path / "drawn.apkg", "--data", str(data))
    assert drawn.exit_code == 0, drawn.output
    pictured = read_deck(tmp_path / "drawn.apkg", tmp_path)
    assert set(pictured.notes) == set(deck.notes)
    assert "nmt-referral-forward-alpha.svg" in pictured.media.values()


@pytest.mark.parametrize("name", ["deck.zip", "deck", "deck.apkg.txt"])
def test_the_file_must_be_an_apkg(tmp_path: Path, name: str) -> None:
    result = export(tmp_path / name)
    assert result.exit_code == EXIT_USAGE and ".apkg" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_area(tmp_path: Path) -> None:
    result = export(tmp_path / "d.apkg", "--area", "tail")
    assert result.exit_code == EXIT_USAGE and "unknown area" in result.stderr


def test_without_genanki_the_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "genanki", None)  # import genanki now raises ImportError
    result = export(tmp_path / "d.apkg")
    assert result.exit_code == EXIT_USAGE
    assert 'pip install "nmt-referral[anki]"' in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "d.apkg").exists()


def test_write_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = export(tmp_path / "no" / "such" / "d.apkg")
    assert missing.exit_code == EXIT_OUTPUT and missing.stderr.startswith("error: cannot write")
    assert len(missing.stderr.splitlines()) == 1
    target = tmp_path / "d.apkg"
    target.write_bytes(b"the old deck")

    def refuse(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    failed = export(target)
    assert failed.exit_code == EXIT_OUTPUT and "No space left on device" in failed.stderr
    assert target.read_bytes() == b"the old deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.apkg"]  # no partial file


def test_tables_export_is_unchanged(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "json", str(tmp_path / "tables"), "--area", "neck"])
    assert result.exit_code == EXIT_USAGE and "anki" in result.stderr
    bad = runner.invoke(app, ["export", "xml", str(tmp_path)])
    assert bad.exit_code == EXIT_USAGE and "'anki'" in bad.stderr
