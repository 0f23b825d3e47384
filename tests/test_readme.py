"""Every `$ nmt-referral ...` example in the README runs and succeeds on the packaged knowledge base."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nmt_referral.cli import app

README = Path(__file__).parents[1] / "README.md"
EXAMPLES = [line[2:] for line in README.read_text().splitlines() if line.startswith("$ nmt-referral ")]


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(command: str) -> None:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


def test_readme_where_output_is_current() -> None:
    """The first example's first two ranked muscles are what the README shows."""
    result = CliRunner().invoke(app, ["where", "temple", "angle of the jaw"])
    lines = [line for line in result.stdout.splitlines() if line[:1].isdigit()]
    shown = README.read_text()
    assert lines[0].split()[1] in shown and lines[1].split()[1] in shown
