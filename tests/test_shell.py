"""The interactive shell: scripted input through the CLI, its line grammar and completion, and a real
terminal session (a pseudo-terminal) for the prompt, tab completion and the history file."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nmt_referral.cli import app
from nmt_referral.cli.shell import candidates, command_names, to_arguments

runner = CliRunner()


def test_scripted_lines_are_answered_in_turn_by_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules["nmt_referral.load"]
    loads: list[object] = []
    real_load = module.load
    monkeypatch.setattr(module, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    script = "temple; angle of the jaw --brief -n 3\nmuscle SCM\n\n# a comment\nsources simons_travell_1999\n"
    result = runner.invoke(app, ["shell", "-q"], input=script)
    assert result.exit_code == 0, result.output
    brief = runner.invoke(app, ["where", "temple", "angle of the jaw", "--brief", "-n", "3"]).stdout
    muscle = runner.invoke(app, ["muscle", "SCM"]).stdout
    assert brief in result.stdout and muscle in result.stdout
    assert result.stdout.index(brief) < result.stdout.index(muscle)
    assert "Simons" in result.stdout
    kb = real_load()
    assert len(loads) >= 3 and all(real_load(*args) is kb for args in loads)  # one loaded base answers all


def test_a_failing_line_is_reported_and_the_rest_answered_exit_2() -> None:
    result = runner.invoke(app, ["shell", "-q"], input="nowhere at all really\nmuscle SCM\n")
    assert result.exit_code == 2
    assert "error: unknown location" in result.stderr
    assert "Sternocleidomastoid" in result.stdout


def test_quit_ends_and_later_lines_are_not_read() -> None:
    result = runner.invoke(app, ["shell", "-q"], input="muscle SCM\nquit\nmuscle trapezius\n")
    assert result.exit_code == 0
    assert "Sternocleidomastoid" in result.stdout and "Trapezius" not in result.stdout


def test_json_lines_and_usage_errors_inside_the_shell() -> None:
    result = runner.invoke(app, ["shell", "-q"], input="temple --json\nmuscle\ntemple --bogus\nshell\n")
    assert result.exit_code == 2
    assert '"schema_version"' in result.stdout
    assert result.stderr.count("Usage:") >= 2  # the two usage errors, each with its usage line
    assert "cannot run inside the shell" in result.stderr


def test_help_and_welcome() -> None:
    result = runner.invoke(app, ["shell"], input="help\n")
    assert result.exit_code == 0
    assert "Each line is a question" in result.stdout and "type a pain location" in result.stderr


@pytest.mark.parametrize(
    ("line", "arguments"),
    [
        ("temple", ["where", "temple"]),
        ("temple; angle of the jaw --side left", ["where", "temple", "angle of the jaw", "--side", "left"]),
        ("where low back; buttock -b", ["where", "low back", "buttock", "-b"]),
        ("back-of-the-knee pain -n 3", ["where", "back-of-the-knee pain", "-n", "3"]),
        ('muscle "rotator cuff" --care', ["muscle", "rotator cuff", "--care"]),
        ("map trapezius -o t.svg", ["map", "trapezius", "-o", "t.svg"]),
        ("  ", None),
        ("# note", None),
    ],
)
def test_a_line_becomes_command_arguments(line: str, arguments: list[str] | None) -> None:
    assert to_arguments(line, command_names()) == arguments


def test_tab_offers_commands_then_names() -> None:
    commands = command_names()
    assert "muscle" in candidates("mus", "mus", commands)
    assert "muscle infraspinatus" in candidates("muscle infrasp", "muscle infrasp", commands)
    assert " back of the knee" in candidates("temple; back of the k", " back of the k", commands)
    assert "shell" not in commands and "quiz" not in commands


def _read_until(fd: int, marker: bytes, timeout: float = 60.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_session_has_a_prompt_completion_and_history(tmp_path: Path) -> None:
    pytest.importorskip("readline")
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path), "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    process = subprocess.Popen(
        [sys.executable, "-m", "nmt_referral", "shell"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        assert b"nmt-referral> " in _read_until(leader, b"nmt-referral> ")
        os.write(leader, b"muscle sternocleido\t\r")  # tab completes the muscle's name
        answer = _read_until(leader, b"nmt-referral> ")
        assert b"Sternal division" in answer
        os.write(leader, b"quit\r")
        process.wait(timeout=60)
    finally:
        process.kill()
        os.close(leader)
    assert process.returncode == 0
    history = (tmp_path / "nmt-referral" / "history").read_text()
    assert history.splitlines()[0] == "muscle sternocleidomastoid"


@pytest.mark.parametrize("width", [60, 120])
def test_answers_in_the_shell_fit_the_terminal(width: int) -> None:
    result = runner.invoke(app, ["shell", "-q"], input="temple\nmuscle SCM\nhelp\n", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert max(map(len, result.output.splitlines())) <= width
