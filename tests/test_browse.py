"""Browsing the rest of the knowledge base: sources with what cites them, muscles of one area, the red
flags listed, and a muscle lookup that says when it guessed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_USAGE, app

runner = CliRunner()


def test_sources_list_and_one_in_full(shipped_kb: KnowledgeBase) -> None:
    listing = runner.invoke(app, ["sources"])
    assert listing.exit_code == 0
    assert all(source_id in listing.stdout for source_id in shipped_kb.sources)
    one = runner.invoke(app, ["sources", "simons_travell_1999"])
    assert one.exit_code == 0 and shipped_kb.sources["simons_travell_1999"].citation in one.stdout
    citing = [
        m.name
        for m in shipped_kb.muscles.values()
        if any("simons_travell_1999" in t.pattern.sources for t in m.trigger_points)
    ]
    assert citing and all(name in one.stdout for name in citing)
    rows = json.loads(runner.invoke(app, ["sources", "--json"]).stdout)
    assert [r["id"] for r in rows] == list(shipped_kb.sources)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id["simons_travell_1999"]["cited_by"]["muscles"]) == {
        m.id for m in shipped_kb.muscles.values() if m.name in citing
    }


def test_unknown_source_suggests_the_closest() -> None:
    result = runner.invoke(app, ["sources", "simons_travel"])
    assert result.exit_code == EXIT_USAGE and "simons_travell_1999" in result.stderr


def test_muscles_of_one_area(shipped_kb: KnowledgeBase) -> None:
    rows = json.loads(runner.invoke(app, ["muscles", "--area", "neck", "--json"]).stdout)
    assert {r["id"] for r in rows} == {m.id for m in shipped_kb.muscles.values() if m.area == "neck"}
    text = runner.invoke(app, ["muscles", "--area", "leg_foot"]).stdout
    assert "soleus" in text and "trapezius" not in text
    bad = runner.invoke(app, ["muscles", "--area", "nek"])
    assert bad.exit_code == EXIT_USAGE and "neck" in bad.stderr


def test_flag_without_an_id_lists_them(shipped_kb: KnowledgeBase) -> None:
    text = runner.invoke(app, ["flag"]).stdout
    assert all(flag_id in text for flag_id in shipped_kb.red_flags)
    assert len(json.loads(runner.invoke(app, ["flag", "--json"]).stdout)) == len(shipped_kb.red_flags)


def test_muscle_says_when_it_guessed() -> None:
    guessed = runner.invoke(app, ["muscle", "trapezus"])
    assert guessed.exit_code == 0 and "closest match" in guessed.stderr and "Trapezius" in guessed.stderr
    exact = runner.invoke(app, ["muscle", "SCM"])
    assert exact.exit_code == 0 and "closest match" not in exact.stderr


def test_regions_flat_is_alphabetical_and_the_tree_shows_nesting_and_counts(shipped_kb: KnowledgeBase) -> None:
    flat = runner.invoke(app, ["regions"]).output.splitlines()
    labels = [line.split(" [", 1)[0].casefold() for line in flat]
    assert labels == sorted(labels) and len(flat) == len(shipped_kb.regions)
    tree = runner.invoke(app, ["regions", "--tree"]).output.splitlines()
    assert len(tree) == len(shipped_kb.regions)
    temple = next(line for line in tree if "[temple]" in line)
    parent = next(line for line in tree if "[temporal_region]" in line)
    assert tree.index(temple) > tree.index(parent)
    assert temple.index("Temple") > parent.index("Temporal region")  # drawn one level deeper
    assert "muscle" in temple
    from nmt_referral.render import regions_text

    ascii_tree = regions_text(shipped_kb, tree=True, ascii_only=True)
    assert ascii_tree.isascii() or all(ch.isascii() for line in ascii_tree.splitlines() for ch in line[:12])
    assert "`-- " in ascii_tree and "└" not in ascii_tree
