"""Shell completion through typer's completion protocol (the environment a shell sets), and its install."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nmt_referral.cli import app
from nmt_referral.cli.completion import _offer

runner = CliRunner()


def complete(line: str, shell: str = "bash") -> list[str]:
    """What the shell would be offered for ``line`` (the word being typed is its last, maybe empty)."""
    if shell == "bash":
        words = line.split(" ")
        env = {"_NMT_REFERRAL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env = {"_NMT_REFERRAL_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    result = runner.invoke(app, [], prog_name="nmt-referral", env=env)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nmt-referral muscle hams", "hamstrings"),
        ("nmt-referral muscle sterno", "sternocleidomastoid"),
        ("nmt-referral map infra", "infraspinatus"),
        ("nmt-referral where tem", "temple"),
        ("nmt-referral where tennis", "tennis elbow"),
        ("nmt-referral flag card", "cardiac_ischaemia"),
        ("nmt-referral sources simons", "simons_travell_1999"),
        ("nmt-referral muscles --area ne", "neck"),
        ("nmt-referral where --body-map ch", "choir"),
        ("nmt-referral posture upper", "upper crossed syndrome"),
    ],
)
def test_names_are_offered_for_what_was_typed(line: str, expected: str) -> None:
    offered = [item.casefold() for item in complete(line)]
    assert expected in offered, offered[:20]
    typed = line.rsplit(" ", 1)[1].casefold()
    assert all(item.startswith(typed) for item in offered)


def test_zsh_gets_the_same_names_in_its_own_format() -> None:
    output = "\n".join(complete("nmt-referral muscle hams", shell="zsh"))
    assert "_arguments" in output and '"hamstrings"' in output


def test_commands_complete_too() -> None:
    assert "where" in complete("nmt-referral wh")


def test_completion_offers_what_was_typed_in_its_case() -> None:
    assert _offer(["Temple", "Temporal region", "Thigh"], "tem") == ["temple", "temporal region"]
    assert _offer(["Temple"], "TEM") == ["TEMple"]
    assert _offer(["Temple"], "x") == []


def test_install_completion_writes_the_shell_script(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "SHELL": "/bin/bash"}
    result = runner.invoke(app, ["--install-completion", "bash"], prog_name="nmt-referral", env=env)
    assert result.exit_code == 0, result.output
    installed = "\n".join(path.read_text() for path in tmp_path.rglob("*") if path.is_file())
    assert "_NMT_REFERRAL_COMPLETE" in installed
