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
def test_readme_example_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write a file write it here
    args = shlex.split(command)[1:]
    questions = "temple; angle of the jaw --side left -b\nquit\n" if args[:1] == ["shell"] else None
    result = CliRunner().invoke(app, args, input=questions)
    assert result.exit_code == 0, result.stderr
    written = [a for a in args if a.endswith((".svg", ".png"))]
    assert result.stdout.strip() or all((tmp_path / name).is_file() for name in written)
    for name in written:
        assert (tmp_path / name).stat().st_size > 0


def test_readme_where_output_is_current() -> None:
    """The first example's first two ranked muscles are what the README shows."""
    result = CliRunner().invoke(app, ["where", "temple", "angle of the jaw"])
    lines = [line for line in result.stdout.splitlines() if line[:1].isdigit()]
    shown = README.read_text()
    assert lines[0].split()[1] in shown and lines[1].split()[1] in shown


def test_readme_pictures_are_current() -> None:
    """docs/images/*.svg are what docs/make_maps.py makes from the packaged knowledge base now."""
    import importlib.util

    script = Path(__file__).parents[1] / "docs" / "make_maps.py"
    spec = importlib.util.spec_from_file_location("make_maps", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, svg in module.pictures().items():
        committed = script.parent / "images" / name
        assert committed.is_file(), f"{committed} is missing: run python docs/make_maps.py"
        assert committed.read_text(encoding="utf-8") == svg, f"{committed} is stale: run python docs/make_maps.py"
        assert f"docs/images/{name}" in README.read_text()
