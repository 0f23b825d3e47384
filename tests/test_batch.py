"""`where -`: many questions on stdin, one start; JSON Lines with --json; a bad line is reported in its
place and the others are still answered."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_USAGE, app

runner = CliRunner()

QUERIES = """\
# intake of the morning
temple; angle of the jaw

left shoulder
xqzv
tennis elbow
"""


def test_batch_json_lines_answer_each_line(shipped_kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["where", "-", "--json", "-n", "3"], input=QUERIES)
    assert result.exit_code == EXIT_USAGE  # one line failed; the others were answered
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    first, second, bad, fourth = records
    assert [site["text"] for site in first["query"]["locations"]] == ["temple", "angle of the jaw"]
    expected = [c.muscle.id for c in shipped_kb.where("temple", "angle of the jaw", limit=3)]
    assert [r["muscle"]["id"] for r in first["results"]] == expected
    assert second["query"]["locations"][0]["side"] == "left"
    assert bad["error"]["type"] == "UnknownLocationError" and bad["error"]["line"] == 5
    assert fourth["query"]["locations"][0]["kind"] == "condition"


def test_batch_text_and_clean_exit() -> None:
    result = runner.invoke(app, ["where", "-", "-n", "1"], input="temple\nback of the knee\n")
    assert result.exit_code == 0
    assert result.stdout.count("\n== ") + result.stdout.startswith("== ") == 2
    assert "== back of the knee" in result.stdout


def test_batch_body_map_codes() -> None:
    result = runner.invoke(app, ["where", "-", "--body-map", "choir", "--json"], input="108 112\n109\n")
    assert result.exit_code == 0
    texts = [[s["text"] for s in json.loads(line)["query"]["locations"]] for line in result.stdout.splitlines()]
    assert texts == [["choir 108", "choir 112"], ["choir 109"]]


def test_batch_refuses_a_map() -> None:
    result = runner.invoke(app, ["where", "-", "--map", "x.svg"], input="temple\n")
    assert result.exit_code == EXIT_USAGE
