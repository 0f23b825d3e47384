"""What reaches a terminal or a JSON consumer: never a raw control character, never a traceback.

Covers: control, bidirectional and zero-width characters in (overlay) data and in queries; output
that cannot be written (closed pipe, full disk, an encoding that cannot show a name); non-Latin names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBaseError
from nmt_referral.cli import app
from nmt_referral.text import UNSAFE_CHARACTERS, escape_unsafe

from .conftest import KB_MINIMAL

runner = CliRunner()
HOSTILE = ["\x1b[2J", "\x1b]0;owned\x07", "\u202e", "\x85", "\u200b", "\ufeff"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "nmt_referral", *args],
        capture_output=True,
        env={**os.environ, "NMT_REFERRAL_NO_CACHE": "1", **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "escaped",  # written as YAML escapes, so that the YAML parser lets them through to the validator
    ["\\e[2J", "\\e]0;owned\\a", "\\u202e", "\\x85", "\\u200b", "\\ufeff", "\\x9b"],
    ids=["csi", "osc", "bidi_override", "c1_nel", "zero_width", "bom", "c1_csi"],
)
def test_invisible_or_control_characters_in_a_label_are_refused(kb_dir: Path, escaped: str) -> None:
    regions = kb_dir / "regions" / "body.yaml"
    text = regions.read_text(encoding="utf-8")
    regions.write_text(text.replace("label: Temple", f'label: "Tem{escaped}ple"'), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(kb_dir)
    assert any(str(regions) in str(p) for p in caught.value.problems)


def test_escape_unsafe_leaves_no_unsafe_character() -> None:
    text = "a" + "".join(HOSTILE) + "é ω \u0645"
    escaped = escape_unsafe(text)
    assert not UNSAFE_CHARACTERS.search(escaped)
    assert "é ω \u0645" in escaped  # ordinary letters of every script stay as they are


@pytest.mark.parametrize("hostile", ["\u202e", "\u200b"])
def test_a_hostile_query_is_echoed_escaped(hostile: str) -> None:
    result = runner.invoke(app, ["where", f"temple{hostile}xyz", "--data", str(KB_MINIMAL)])
    shown = result.stdout + result.stderr
    assert not UNSAFE_CHARACTERS.search(shown)
    assert escape_unsafe(hostile) in shown  # visible as an escape, wherever it is echoed


def test_a_query_with_a_control_character_is_refused_without_echoing_it() -> None:
    result = runner.invoke(app, ["where", "temple\x85\x1b[2J", "--data", str(KB_MINIMAL)])
    assert result.exit_code == 2
    assert not UNSAFE_CHARACTERS.search(result.stdout + result.stderr)


def test_json_output_escapes_unsafe_characters(kb_dir: Path) -> None:
    # the validator refuses them in data, so feed one through the query text, which JSON echoes back
    result = runner.invoke(app, ["where", "temple\u202e", "--json", "--data", str(kb_dir)])
    assert result.exit_code == 0, result.stderr
    assert not UNSAFE_CHARACTERS.search(result.stdout)
    payload = json.loads(result.stdout)
    assert payload["query"]["locations"][0]["text"] == "temple\u202e"  # the value survives, escaped


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "nmt_referral", "regions", "--data", str(KB_MINIMAL)],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ, "NMT_REFERRAL_NO_CACHE": "1"},
            timeout=120,
            check=False,
        )
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and b"Traceback" not in done.stderr


def test_a_closed_pipe_ends_silently_with_exit_1() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, sys; time.sleep(1); sys.argv[0]='nmt-referral';"
            "from nmt_referral.cli import main; sys.argv[1:]=['muscles','--json']; main()",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NMT_REFERRAL_NO_CACHE": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before anything is written
    error = process.stderr.read()
    code = process.wait(timeout=120)
    assert code == 1
    assert error == b""  # no traceback, no message: the reader went away


def test_an_encoding_that_cannot_show_a_name_is_no_traceback() -> None:
    done = cli("where", "\u03c9\u03bc\u03bf\u03c2", "--data", str(KB_MINIMAL), env={"PYTHONIOENCODING": "latin-1"})
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"\\u03c9" in done.stderr


def test_non_latin_aliases_are_indexed_and_matched(kb_dir: Path) -> None:
    regions = kb_dir / "regions" / "body.yaml"
    text = regions.read_text(encoding="utf-8")
    text = text.replace("aliases: [side of the head]", "aliases: [side of the head, висок, κρόταφος]")
    regions.write_text(text, encoding="utf-8")
    kb = nmt_referral.validate(kb_dir)
    for typed in ("висок", "ВИСОК", "κρόταφος", "κροταφος", "left висок"):
        (site,) = kb.resolve_sites(typed)
        assert site.regions == ("temple",), typed
    assert kb.where("висок")[0].muscle.id


# --------------------------------------------------------------------------- messages and odd values


def test_a_huge_limit_means_all_and_a_huge_value_is_not_echoed_whole() -> None:
    kb = nmt_referral.validate(KB_MINIMAL)
    assert kb.search_muscles("alpha", limit=10**30)
    assert len(kb.where("temple", limit=10**30)) == len(kb.where("temple"))
    with pytest.raises(nmt_referral.InvalidQueryError) as caught:
        kb.where("temple", side="x" * 131_000)
    assert len(str(caught.value)) < 200
    result = runner.invoke(app, ["where", "temple", "--side", "y" * 131_000, "--data", str(KB_MINIMAL)])
    assert result.exit_code == 2 and len(result.stderr) < 300


def test_a_utf32_file_is_called_utf32(kb_dir: Path) -> None:
    path = kb_dir / "muscles" / "gamma.yaml"
    path.write_bytes(path.read_text().encode("utf-32"))
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(kb_dir)
    assert any("UTF-32" in p.message and str(path) == p.path for p in caught.value.problems)


@pytest.mark.parametrize(
    ("written", "kept"),
    [("'2001-12-14'", "2001-12-14"), ("2001-12-14", "2001-12-14"), ("0o17", "0o17"), ("1e3", "1e3")],
)
def test_text_that_looks_like_a_date_or_number_is_kept_as_typed(kb_dir: Path, written: str, kept: str) -> None:
    path = kb_dir / "muscles" / "gamma.yaml"
    path.write_text(path.read_text().replace("name: Gamma muscle", f"name: {written}"))
    assert nmt_referral.validate(kb_dir).muscles["gamma"].name == kept


@pytest.mark.parametrize("written", ["017", "0x1F", "yes", "off", "1.5", "null", "12:30:00"])
def test_a_name_that_yaml_reads_as_a_number_or_boolean_is_refused_at_its_line(kb_dir: Path, written: str) -> None:
    path = kb_dir / "muscles" / "gamma.yaml"
    text = path.read_text()
    line = text[: text.index("name: Gamma muscle")].count("\n") + 1
    path.write_text(text.replace("name: Gamma muscle", f"name: {written}"))
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(kb_dir)
    assert any(p.path == str(path) and p.line == line for p in caught.value.problems), caught.value.problems


def test_the_console_script_ends_at_once_with_everything_written(tmp_path: Path) -> None:
    """``run`` skips the interpreter's teardown: output must be complete and files closed first, and
    the exit code kept."""
    big = subprocess.run(
        [sys.executable, "-m", "nmt_referral", "muscles", "--json"], capture_output=True, timeout=120, check=False
    )
    assert big.returncode == 0 and len(json.loads(big.stdout)) > 100
    out = tmp_path / "tables"
    written = subprocess.run(
        [sys.executable, "-m", "nmt_referral", "export", "csv", str(out)], capture_output=True, timeout=120, check=False
    )
    assert written.returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest and all(path.stat().st_size > 0 for path in out.iterdir())
    refused = subprocess.run(
        [sys.executable, "-m", "nmt_referral", "where", "qwzx"], capture_output=True, timeout=120, check=False
    )
    assert refused.returncode == 2 and refused.stderr.startswith(b"error:")
