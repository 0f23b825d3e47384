"""Human output as a terminal shows it: wrapped to 60, 80 and 120 columns, highlighted only where colour
belongs; and the layout rules themselves."""

from __future__ import annotations

import re

import pytest
import typer
import typer.core
import typer.main
from typer.testing import CliRunner

from nmt_referral.cli import app
from nmt_referral.cli.terminal import hanging_indent, highlight, wrap, wrap_line

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

TEXT_RUNS: dict[str, list[list[str]]] = {
    "where": [
        ["where", "temple", "angle of the jaw"],
        ["where", "left arm", "--flags", "full"],
        ["where", "sciatica", "--brief"],
        ["where", "low back", "--limit", "30"],
    ],
    "flag": [["flag"], ["flag", "cardiac_ischaemia"]],
    "safety": [["safety"]],
    "muscle": [["muscle", "SCM"], ["muscle", "trapezius", "--care"], ["muscle", "hamstrings"]],
    "map": [],  # SVG: raw output, checked below not to be wrapped
    "posture": [["posture"], ["posture", "upper crossed"]],
    "muscles": [["muscles"], ["muscles", "--area", "neck"]],
    "regions": [["regions"], ["regions", "--tree"], ["regions", "--body-map", "choir"]],
    "sources": [["sources"], ["sources", "simons_travell_1999"]],
    "stats": [["stats"]],
    "validate": [["validate"]],
    "schema": [],  # JSON: raw output
    "export": [],  # writes files; prints one short line
    "shell": [],  # reads its questions from stdin: test_shell checks its width
    "quiz": [],  # reads its answers from stdin: test_quiz checks its width
    "atlas": [],  # writes a website; prints one short line
}


def _commands() -> list[str]:
    return sorted({(c.name or c.callback.__name__ if c.callback else "") for c in app.registered_commands})


def test_every_command_has_its_text_runs_listed() -> None:
    missing = [name for name in _commands() if name not in TEXT_RUNS]
    assert not missing, f"add the text output of {missing} to TEXT_RUNS"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_no_line_is_wider_than_the_terminal(width: int) -> None:
    for args in [args for runs in TEXT_RUNS.values() for args in runs]:
        result = runner.invoke(app, args, env={"COLUMNS": str(width)})
        assert result.exit_code == 0, (args, result.output)
        wide = [line for line in result.output.splitlines() if len(line) > width]
        assert not wide, (args, width, wide[:3])


def _help_pages() -> dict[str, str]:
    """Every help page as the running program formats it (typer's CliRunner pins help to 80 columns)."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    context = root.make_context("nmt-referral", [], resilient_parsing=True)
    pages = {"": root.get_help(context)}
    for name, command in root.commands.items():
        pages[name] = command.get_help(command.make_context(name, [], parent=context, resilient_parsing=True))
    return pages


@pytest.mark.parametrize("width", [60, 80, 120])
def test_no_help_line_is_wider_than_the_terminal(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    pages = _help_pages()
    assert set(pages) == {"", *_commands()}
    for name, page in pages.items():
        wide = [line for line in page.splitlines() if len(line) > width]
        assert not wide, (name, width, wide[:3])


def test_wrapping_keeps_every_word_in_order() -> None:
    plain = runner.invoke(app, ["where", "temple", "angle of the jaw", "--flags", "full"]).output
    narrow = runner.invoke(app, ["where", "temple", "angle of the jaw", "--flags", "full"], env={"COLUMNS": "60"})
    assert "".join(plain.split()) == "".join(narrow.output.split())
    assert max(map(len, plain.splitlines())) > 60  # there was something to wrap


def test_piped_output_is_not_wrapped_and_has_no_colour() -> None:
    result = runner.invoke(app, ["where", "left arm", "--flags", "full"])
    assert not ANSI.search(result.output)
    assert max(map(len, result.output.splitlines())) > 120  # the full red flag on one line


def test_colour_on_request_highlights_red_flags_and_the_top_candidates() -> None:
    result = runner.invoke(app, ["where", "left arm"], env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert "\x1b[1;31mRED FLAG:" in result.output
    first_row = next(line for line in result.output.splitlines() if ANSI.sub("", line).startswith("1  "))
    assert "\x1b[1;32m" in first_row  # the best candidate's name
    assert "\x1b[1messential" in result.output
    assert ANSI.sub("", result.output) == runner.invoke(app, ["where", "left arm"], env={"COLUMNS": "100"}).output


@pytest.mark.parametrize(("env", "args"), [({"NO_COLOR": "1"}, []), ({}, ["--no-color"])])
def test_no_color_wins_over_force_color(env: dict[str, str], args: list[str]) -> None:
    result = runner.invoke(app, ["where", "left arm", *args], env={"FORCE_COLOR": "1", **env})
    assert result.exit_code == 0
    assert not ANSI.search(result.output)


def test_json_and_svg_are_never_wrapped_or_coloured() -> None:
    env = {"COLUMNS": "40", "FORCE_COLOR": "1"}
    document = runner.invoke(app, ["where", "temple", "--json"], env=env).output
    assert not ANSI.search(document)
    assert max(map(len, document.splitlines())) > 40
    svg = runner.invoke(app, ["map", "trapezius"], env=env).output
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert not ANSI.search(svg)


def test_continuation_lines_hang_under_the_last_column() -> None:
    line = "      temple            <-  Sternal division, middle TrPs     spillover: Temple and more words here"
    indent = hanging_indent(line, 80)
    assert line[indent - 2 : indent] == "  " and line[indent] != " "
    for part in wrap_line(line, 80)[1:]:
        assert part.startswith(" " * indent) and not part.startswith(" " * (indent + 1))


def test_a_label_gets_a_hanging_indent_and_a_command_pointer_stays_whole() -> None:
    line = "RED FLAG: " + "word " * 30 + "[nmt-referral flag cardiac_ischaemia]"
    parts = wrap_line(line, 50)
    assert all(len(part) <= 50 for part in parts)
    assert all(part.startswith(" " * len("RED FLAG: ")) for part in parts[1:])
    assert any("[nmt-referral flag cardiac_ischaemia]" in part for part in parts)


def test_unknown_width_leaves_text_alone_and_tiny_widths_still_progress() -> None:
    text = "x" * 500 + "\n  label: " + "y " * 200
    assert wrap(text, None) == text
    assert all(len(line) <= 30 for line in wrap(text, 30).splitlines())


def test_highlight_leaves_the_words_alone() -> None:
    text = "RED FLAG: Cardiac  [nmt-referral flag x]\n#  Muscle  Score\n1  Trapezius  1.00\n  essential: Temple"
    assert ANSI.sub("", highlight(text)) == text


def test_every_command_teaches_with_a_short_summary_and_examples() -> None:
    for name, page in _help_pages().items():
        if not name:
            continue
        command = next(
            c for c in app.registered_commands if (c.name or c.callback.__name__ if c.callback else "") == name
        )
        assert command.short_help and len(command.short_help) <= 60, (name, command.short_help)
        examples = page.split("Examples:", 1)
        assert len(examples) == 2, f"{name} --help has no examples"
        shown = [line.strip() for line in examples[1].splitlines() if line.strip().startswith("nmt-referral ")]
        assert len(shown) >= 2, (name, shown)
        assert "<str>" not in page and "{" not in page.splitlines()[0], page.splitlines()[0]


@pytest.mark.parametrize(
    ("line", "below"),
    [
        ("│  ├─ Eyebrow [eyebrow]  (" + "alias, " * 20 + ")", "│  │  "),
        ("|   `-- Temple [temple]  " + "x " * 40, "|       "),
    ],
)
def test_a_wrapped_tree_line_keeps_its_branches_going_down(line: str, below: str) -> None:
    parts = wrap_line(line, 50)
    assert len(parts) > 1 and all(len(part) <= 50 for part in parts)
    assert all(part.startswith(below) for part in parts[1:])
