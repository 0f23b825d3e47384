"""Robustness and security: hostile knowledge-base files, bad queries, environment faults, fuzzing.

Every case here is listed in docs/robustness.md with what the library and the CLI do about it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import (
    InvalidQueryError,
    KnowledgeBase,
    KnowledgeBaseError,
    NmtReferralError,
    UnknownLocationError,
    UnknownMuscleError,
)
from nmt_referral.cli import app

from .conftest import KB_MINIMAL

runner = CliRunner()
DATA = ["--data", str(KB_MINIMAL)]


def _permissions_apply() -> bool:
    """Whether this process is refused a file it may not read (not so for root with its usual
    capabilities; so it is for root without CAP_DAC_OVERRIDE, as .ci/run runs these tests too)."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        probe = Path(directory) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


IS_ROOT = not _permissions_apply()  # "root" here: anyone who reads files regardless of their permissions
POSIX = os.name == "posix"
FAST = 30.0  # seconds: a hang guard, not a speed check (speed is measured by bench/run.py)
NESTING = ""  # deep nesting is refused by our depth limit or by PyYAML's own, in its own words: any message


def problems_of(directory: Path) -> list[str]:
    """The problems ``validate`` reports, as ``file:line: message`` strings (it must raise)."""
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(directory)
    assert caught.value.problems, "a KnowledgeBaseError must list at least one problem"
    return [str(p) for p in caught.value.problems]


def assert_no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text


# --------------------------------------------------------------------------------------------------
# 1. Hostile YAML: every file is refused by the strict reader, naming the file and the line.
# --------------------------------------------------------------------------------------------------

BILLION_LAUGHS = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n".encode()
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)
ALIAS_WITHOUT_ANCHOR = b"id: gamma\nname: *undefined\n"
MERGE_KEY = b"id: gamma\n<<: {name: G}\n"

# (case id, file to replace, content, expected message fragment, expected line; None: whole file)
HOSTILE_FILES: list[tuple[str, str, bytes, str, int | None]] = [
    (
        "python_object_apply",
        "muscles/gamma.yaml",
        b"id: gamma\nname: !!python/object/apply:os.system ['true']\n",
        "is not allowed",
        2,
    ),
    (
        "python_object_new",
        "muscles/gamma.yaml",
        b"id: gamma\nname: !!python/object/new:builtins.dict {}\n",
        "is not allowed",
        2,
    ),
    (
        "python_name",
        "patterns/gamma.yaml",
        b"muscle: !!python/name:os.system\n",
        "is not allowed",
        1,
    ),
    ("python_module", "sources.yaml", b"sources: !!python/module:os\n", "is not allowed", 1),
    (
        "custom_tag_scalar",
        "muscles/gamma.yaml",
        b"id: !foo gamma\n",
        "tag '!foo' is not allowed",
        1,
    ),
    (
        "custom_tag_sequence",
        "muscles/gamma.yaml",
        b"id: gamma\naliases: !foo [a, b]\n",
        "tag '!foo' is not allowed",
        2,
    ),
    (
        "custom_tag_mapping",
        "regions/body.yaml",
        b"regions:\n  - !foo {id: head, label: Head}\n",
        "tag '!foo' is not allowed",
        2,
    ),
    (
        "verbatim_python_tag",
        "muscles/gamma.yaml",
        b"id: !<tag:yaml.org,2002:python/object/apply:os.system> gamma\n",
        "is not allowed",
        1,
    ),
    (
        "tag_directive_to_python",
        "muscles/gamma.yaml",
        b"%TAG !p! tag:yaml.org,2002:python/\n---\nid: !p!object/apply:os.system ['true']\n",
        "is not allowed",
        3,
    ),
    (
        "binary_tag",
        "muscles/gamma.yaml",
        b"id: gamma\nname: !!binary aGVsbG8=\n",
        "is not allowed",
        2,
    ),
    ("set_tag", "muscles/gamma.yaml", b"!!set {id, name}\n", "is not allowed", 1),
    ("billion_laughs", "muscles/gamma.yaml", BILLION_LAUGHS, "anchors (&name) are not allowed", 1),
    (
        "alias_without_anchor",
        "muscles/gamma.yaml",
        ALIAS_WITHOUT_ANCHOR,
        "aliases (*name) are not allowed",
        2,
    ),
    ("merge_key", "muscles/gamma.yaml", MERGE_KEY, "not allowed", 2),
    (
        "duplicate_key",
        "muscles/gamma.yaml",
        b"id: gamma\nname: G\nid: gamma\n",
        "duplicate key 'id' (first given on line 1)",
        3,
    ),
    (
        "duplicate_nested_key",
        "regions/body.yaml",
        b"regions:\n  - id: head\n    label: Head\n    label: Skull\n",
        "duplicate key 'label'",
        4,
    ),
    (
        "non_string_key",
        "muscles/gamma.yaml",
        b"id: gamma\n1: one\n",
        "mapping keys must be plain strings",
        2,
    ),
    (
        "complex_key",
        "muscles/gamma.yaml",
        b"id: gamma\n? [a, b]\n: c\n",
        "mapping keys must be plain strings",
        2,
    ),
    ("invalid_utf8", "muscles/gamma.yaml", b"id: gamma\nname: G\xff\xfemma\n", "invalid UTF-8", 2),
    (
        "latin1_file",
        "conditions.yaml",
        b"conditions:\n  - id: x\n    label: Douleur \xe0 la m\xe2choire\n",
        "invalid UTF-8",
        3,
    ),
    ("utf8_bom", "muscles/gamma.yaml", b"\xef\xbb\xbfid: gamma\n", "byte-order mark", 1),
    ("utf16_file", "muscles/gamma.yaml", "id: gamma\n".encode("utf-16"), "file is UTF-16", 1),
    (
        "tab_indentation",
        "muscles/gamma.yaml",
        b"id: gamma\ntrigger_points:\n\t- id: gamma_1\n",
        "YAML syntax error",
        3,
    ),
    ("deep_flow_nesting_10000", "muscles/gamma.yaml", b"[" * 10_000, NESTING, 1),
    (
        "deep_closed_nesting",
        "muscles/gamma.yaml",
        b"id: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        NESTING,
        1,
    ),
    (
        "deep_mapping_nesting",
        "muscles/gamma.yaml",
        b"a: {" * 5_000 + b"\n",
        NESTING,
        1,
    ),
    (
        "deep_block_nesting",
        "muscles/gamma.yaml",
        "".join(" " * depth + "k:\n" for depth in range(200)).encode(),
        NESTING,
        33,
    ),
    (
        "top_level_list",
        "muscles/gamma.yaml",
        b"- id: gamma\n- name: G\n",
        "expected a mapping at the top of the file, found a list",
        1,
    ),
    (
        "top_level_scalar",
        "muscles/gamma.yaml",
        b"just some words\n",
        "expected a mapping at the top of the file, found a str",
        1,
    ),
    (
        "top_level_number",
        "sources.yaml",
        b"42\n",
        "expected a mapping at the top of the file, found a int",
        1,
    ),
    ("empty_file", "muscles/gamma.yaml", b"", "file is empty", 1),
    ("comment_only_file", "muscles/gamma.yaml", b"# nothing here\n", "file is empty", 1),
    ("explicit_null_document", "muscles/gamma.yaml", b"--- ~\n", "file is empty", 1),
    (
        "two_documents",
        "muscles/gamma.yaml",
        b"id: gamma\n---\nid: gamma\n",
        "more than one YAML document",
        2,
    ),
    (
        "multi_megabyte_file",
        "muscles/gamma.yaml",
        b"id: gamma\n" + (b"# " + b"x" * 1000 + b"\n") * 3 * 1024,
        "file is larger than 1024 KiB",
        None,
    ),
    (
        "just_over_limit",
        "patterns/gamma.yaml",
        b"muscle: gamma\n" + b"#" * (1024 * 1024 - len(b"muscle: gamma\n")) + b"\n",
        "larger than 1024 KiB",
        None,
    ),
    ("nul_byte", "muscles/gamma.yaml", b"id: gamma\nname: Gam\x00ma\n", "NUL character", 2),
    ("nul_bytes_only", "muscles/gamma.yaml", b"\x00" * 4096, "NUL character", 1),
    (
        "control_character",
        "muscles/gamma.yaml",
        b"id: gamma\nname: Gam\x07ma\n",
        "control characters",
        2,
    ),
    (
        "huge_integer",
        "muscles/gamma.yaml",
        b"id: gamma\nname: " + b"9" * 5000 + b"\n",
        "cannot be read",
        2,
    ),
    (
        "unterminated_quote",
        "muscles/gamma.yaml",
        b'id: gamma\nname: "G\n',
        "YAML syntax error",
        None,
    ),
    (
        "bad_unicode_escape",
        "muscles/gamma.yaml",
        b'id: gamma\nname: "\\ud800"\n',
        "YAML syntax error",
        2,
    ),
]


@pytest.mark.parametrize(
    ("target", "content", "expected", "line"),
    [case[1:] for case in HOSTILE_FILES],
    ids=[case[0] for case in HOSTILE_FILES],
)
def test_hostile_yaml_is_refused_with_file_and_line(
    kb_dir: Path, target: str, content: bytes, expected: str, line: int | None
) -> None:
    path = kb_dir / target
    path.write_bytes(content)
    started = time.perf_counter()
    problems = problems_of(kb_dir)
    assert time.perf_counter() - started < FAST
    mine = [p for p in problems if p.startswith(f"{path}:") or p.startswith(f"{path} ")]
    assert mine, f"no problem names {path}: {problems}"
    assert any(expected in p for p in mine), mine
    if line is not None:
        assert any(p.startswith(f"{path}:{line}: ") and expected in p for p in mine), mine
    for p in problems:  # the problems are plain text, never a Python repr of an exception
        assert "Traceback" not in p and "Error(" not in p


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system [{cmd!r}]",
        "!!python/object/apply:subprocess.call [[sh, -c, {cmd!r}]]",
        "!!python/object/new:subprocess.Popen [[sh, -c, {cmd!r}]]",
        "!!python/object/apply:builtins.exec [{code!r}]",
        "!<tag:yaml.org,2002:python/object/apply:builtins.exec> [{code!r}]",
        "!!python/object/apply:builtins.eval [{code_eval!r}]",
    ],
    ids=["os_system", "subprocess_call", "popen_new", "exec", "verbatim_exec", "eval"],
)
def test_tags_never_execute_anything(kb_dir: Path, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    payload = tag.format(
        cmd=f"touch {marker}",
        code=f"open({str(marker)!r}, 'w').close()",
        code_eval=f"open({str(marker)!r}, 'w')",
    )
    for target in ("muscles/gamma.yaml", "sources.yaml", "regions/body.yaml"):
        (kb_dir / target).write_text(f"x: {payload}\n")
    problems = problems_of(kb_dir)
    assert not marker.exists(), "a YAML tag was executed"
    assert sum("is not allowed" in p for p in problems) == 3, problems


@pytest.mark.skipif(not POSIX, reason="uses sh/touch")
def test_the_execution_payload_is_live(tmp_path: Path) -> None:
    """Control for the test above: the same payload does run under an unsafe YAML loader."""
    marker = tmp_path / "pwned"
    yaml.unsafe_load(f"x: !!python/object/apply:builtins.exec [{f'open({str(marker)!r}, chr(119)).close()'!r}]")
    assert marker.exists()


def test_alias_bomb_fails_fast_even_when_large(kb_dir: Path) -> None:
    """A bomb padded to just under the size limit is still refused at its first anchor, quickly."""
    padding = b"# " + b"x" * 500 + b"\n"
    content = BILLION_LAUGHS + padding * ((1024 * 1024 - len(BILLION_LAUGHS)) // len(padding) - 1)
    assert len(content) <= 1024 * 1024
    (kb_dir / "muscles" / "gamma.yaml").write_bytes(content)
    started = time.perf_counter()
    problems = problems_of(kb_dir)
    assert time.perf_counter() - started < FAST
    assert any("gamma.yaml:1: anchors (&name) are not allowed" in p for p in problems)


def test_hidden_lock_and_backup_files_are_skipped_and_announced(kb_dir: Path) -> None:
    muscles = kb_dir / "muscles"
    (muscles / "gamma.yaml.bak").write_text("id: !foo x\n")
    (muscles / ".DS_Store").write_bytes(os.urandom(512))
    (muscles / ".#alpha.yaml").symlink_to("root@host.1234:1700000000")  # an editor's lock: dangling
    (muscles / "alpha.yaml~").write_text("id: alpha\n")
    kb = nmt_referral.validate(kb_dir)
    assert sorted(kb.muscles) == ["alpha", "beta", "delta", "epsilon", "gamma"]
    assert sorted(kb.skipped_files) == sorted(
        f"muscles/{name}" for name in (".#alpha.yaml", ".DS_Store", "alpha.yaml~", "gamma.yaml.bak")
    )
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 0 and "skipped 4 hidden, lock or backup file(s)" in result.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gamma.yml", "end in .yaml"),
        ("notes.txt", "not a knowledge-base file"),
        ("README", "not a knowledge-base file"),
    ],
)
def test_other_files_in_a_knowledge_base_folder_are_reported(kb_dir: Path, name: str, expected: str) -> None:
    path = kb_dir / "muscles" / name
    path.write_bytes(b"\x00\xff!!python/object/apply:os.system ['true']\n")
    problems = problems_of(kb_dir)
    assert any(p.startswith(f"{path}:") and expected in p for p in problems), problems


def test_a_sub_folder_is_reported_not_silently_ignored(kb_dir: Path) -> None:
    (kb_dir / "muscles" / "sub").mkdir()
    (kb_dir / "muscles" / "sub" / "zeta.yaml").write_text("id: zeta\n")
    assert any("sub-folders are not read" in p for p in problems_of(kb_dir))


@pytest.mark.parametrize("kind", ["dangling_symlink", "directory", "fifo"])
def test_a_vocabulary_file_that_is_not_a_regular_file_is_reported(kb_dir: Path, kind: str) -> None:
    flags = kb_dir / "red_flags.yaml"
    flags.unlink()
    if kind == "dangling_symlink":
        flags.symlink_to(kb_dir / "nowhere.yaml")
    elif kind == "directory":
        flags.mkdir()
    elif hasattr(os, "mkfifo"):
        os.mkfifo(flags)
    else:  # pragma: no cover - no FIFOs here
        pytest.skip("needs FIFOs")
    problems = problems_of(kb_dir)  # never a load with no red flags at all
    assert any(p.startswith(f"{flags}:") for p in problems), problems
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
    assert result.exit_code == 1  # every command behaves like validate


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_yaml_does_not_hang(kb_dir: Path) -> None:
    fifo = kb_dir / "muscles" / "zeta.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    problems = problems_of(kb_dir)
    assert time.perf_counter() - started < FAST
    assert f"{fifo}: not a regular file" in problems


@pytest.mark.skipif(not POSIX, reason="symlinks and /dev/zero")
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
        (lambda p: p.symlink_to(p), "cannot read file"),
        (lambda p: p.symlink_to(p.parent / "missing.yaml"), "cannot read file"),
        (lambda p: p.mkdir(), "cannot read file"),
    ],
    ids=["symlink_to_dev_zero", "symlink_loop_file", "dangling_symlink", "directory_named_yaml"],
)
def test_odd_file_system_entries_named_yaml(kb_dir: Path, make: object, expected: str) -> None:
    path = kb_dir / "muscles" / "zeta.yaml"
    make(path)  # type: ignore[operator]
    started = time.perf_counter()
    problems = problems_of(kb_dir)
    assert time.perf_counter() - started < FAST
    assert any(p.startswith(f"{path}: {expected}") for p in problems), problems


def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space."""
    path.touch()
    os.truncate(path, size)


@pytest.mark.skipif(not POSIX, reason="FIFOs, symlinks and /dev/zero")
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: os.mkfifo(p), "not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
        (lambda p: p.symlink_to("/dev/urandom"), "not a regular file"),
        (lambda p: _sparse(p, 8 * 1024**3), "file is larger than"),
        (lambda p: p.symlink_to(p), "cannot read file"),
    ],
    ids=["fifo", "dev_zero", "dev_urandom", "sparse_8gib", "symlink_loop"],
)
def test_the_query_path_checks_files_before_reading_them(kb_dir: Path, make: object, expected: str) -> None:
    """load() with the compiled cache on (as every query command) reads each file once, after its
    checks: no hang, no MemoryError, no OSError; the same problem as validate, exit 1 from the CLI."""
    path = kb_dir / "muscles" / "zeta.yaml"
    make(path)  # type: ignore[operator]
    started = time.perf_counter()
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.load(kb_dir)
    assert time.perf_counter() - started < FAST
    assert any(str(p).startswith(f"{path}: {expected}") for p in caught.value.problems), caught.value.problems
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
    assert result.exit_code == 1 and expected in result.stderr
    assert_no_traceback(result.stdout, result.stderr)


def test_a_file_name_cannot_forge_problem_lines(kb_dir: Path) -> None:
    path = kb_dir / "muscles" / "gamma\nfake.yaml:1: all is well\n.yaml"
    path.write_text("id: gamma\n")
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 1
    assert not any(line.startswith("fake.yaml") for line in result.stdout.splitlines())
    assert "\\n" in result.stdout  # the newline is shown escaped, inside one problem line


def test_hostile_file_through_the_cli_exits_1_with_file_and_line(kb_dir: Path) -> None:
    path = kb_dir / "muscles" / "gamma.yaml"
    path.write_bytes(b"id: gamma\nname: !!python/object/apply:os.system ['true']\n")
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 1
    assert f"{path}:2: tag " in result.stdout
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
    assert result.exit_code == 1
    assert f"{path}:2: tag " in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result.stdout, result.stderr)


# --------------------------------------------------------------------------------------------------
# 2. Bad queries: typed errors from the API, exit code 2 and a message on stderr from the CLI.
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return nmt_referral.validate(KB_MINIMAL)


@pytest.fixture(scope="module")
def kb_again() -> KnowledgeBase:
    return nmt_referral.validate(KB_MINIMAL)


BAD_WHERE: list[tuple[str, tuple[object, ...], dict[str, object], type[NmtReferralError], str]] = [
    ("no_location", (), {}, InvalidQueryError, "at least one"),
    ("empty", ("",), {}, InvalidQueryError, "empty"),
    ("blank", (" \t\n ",), {}, InvalidQueryError, "empty"),
    ("blank_among_good", ("temple", "  "), {}, InvalidQueryError, "empty"),
    ("punctuation_only", ("?!-",), {}, InvalidQueryError, "no letters or digits"),
    ("nul", ("tem\x00ple",), {}, InvalidQueryError, "control characters"),
    ("bell", ("temple\x07",), {}, InvalidQueryError, "control characters"),
    ("escape_sequence", ("\x1b[31mtemple",), {}, InvalidQueryError, "control characters"),
    ("c1_control", ("tem\x9bple",), {}, InvalidQueryError, "control characters"),
    ("lone_surrogate", ("tem\ud800ple",), {}, InvalidQueryError, "control characters"),
    ("overlong_100k", ("x" * 100_000,), {}, InvalidQueryError, "too long"),
    ("overlong_201", ("temple " * 29,), {}, InvalidQueryError, "too long"),
    ("not_text", (None,), {}, InvalidQueryError, "must be text"),
    ("bytes", (b"temple",), {}, InvalidQueryError, "must be text"),
    ("too_many_locations", ("temple",) * 21, {}, InvalidQueryError, "too many locations"),
    ("unknown_side", ("temple",), {"side": "middle"}, InvalidQueryError, "side must be"),
    ("empty_side", ("temple",), {"side": ""}, InvalidQueryError, "side must be"),
    ("side_not_text", ("temple",), {"side": 1}, InvalidQueryError, "side must be"),
    ("limit_zero", ("temple",), {"limit": 0}, InvalidQueryError, "limit must be"),
    ("limit_negative", ("temple",), {"limit": -5}, InvalidQueryError, "limit must be"),
    ("limit_bool", ("temple",), {"limit": True}, InvalidQueryError, "limit must be"),
    ("limit_float", ("temple",), {"limit": 2.5}, InvalidQueryError, "limit must be"),
    ("limit_text", ("temple",), {"limit": "3"}, InvalidQueryError, "limit must be"),
    ("unknown_location", ("qqqzzzxxx",), {}, UnknownLocationError, "unknown location"),
    ("side_word_only", ("left",), {}, UnknownLocationError, "unknown location"),
    ("unknown_among_good", ("temple", "qqqzzzxxx"), {}, UnknownLocationError, "unknown location"),
]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [c[1:] for c in BAD_WHERE],
    ids=[c[0] for c in BAD_WHERE],
)
def test_bad_where_queries_raise_typed_errors(
    kb: KnowledgeBase,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error) as caught:
        kb.where(*args, **kwargs)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert len(str(caught.value)) < 500  # a 100,000-character query is not echoed back in full


def test_unicode_whitespace_and_format_characters(kb: KnowledgeBase) -> None:
    """Unicode line breaks count as spaces; invisible format characters do not change the match, and
    messages escape them (no terminal tricks with a right-to-left override)."""
    assert kb.resolve_location("angle\x85of the\u2028jaw").id == "angle_of_jaw"
    assert kb.resolve_location("tem\u200bple").id == "temple"
    with pytest.raises(UnknownLocationError) as caught:
        kb.where("qqq\u202ezzz")
    assert "\u202e" not in str(caught.value) and "\\u202e" in str(caught.value)


def test_twenty_locations_are_accepted(kb: KnowledgeBase) -> None:
    assert kb.where(*["temple"] * 20).results


def test_unknown_location_offers_suggestions(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownLocationError) as caught:
        kb.where("tempo")
    assert caught.value.query == "tempo"
    assert "Temple" in caught.value.suggestions
    with pytest.raises(UnknownLocationError) as caught:
        kb.where("chin")
    assert caught.value.suggestions == ()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", InvalidQueryError),
        ("   ", InvalidQueryError),
        ("\x00", InvalidQueryError),
        ("x" * 100_000, InvalidQueryError),
        (None, InvalidQueryError),
        (5, InvalidQueryError),
        ("qqqzzzxxx", UnknownLocationError),
    ],
    ids=["empty", "blank", "nul", "overlong", "none", "int", "unknown"],
)
def test_bad_resolve_location(kb: KnowledgeBase, text: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        kb.resolve_location(text)  # type: ignore[arg-type]
    with pytest.raises(InvalidQueryError):
        kb.resolve_location("temple", side="up")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", InvalidQueryError),
        ("  ", InvalidQueryError),
        ("alp\x00ha", InvalidQueryError),
        ("x" * 100_000, InvalidQueryError),
        (None, InvalidQueryError),
        (42, InvalidQueryError),
        ("nosuchmuscle", UnknownMuscleError),
        ("trapezius", UnknownMuscleError),
    ],
    ids=["empty", "blank", "nul", "overlong", "none", "int", "unknown", "not_in_this_kb"],
)
def test_bad_muscle_names(kb: KnowledgeBase, name: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        kb.muscle(name)  # type: ignore[arg-type]
    assert kb.get_muscle(name) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00", "x" * 100_000, None, 7, ["alpha"]],
    ids=["empty", "blank", "nul", "overlong", "none", "int", "list"],
)
def test_search_muscles_never_raises_for_odd_text(kb: KnowledgeBase, text: object) -> None:
    assert kb.search_muscles(text) == []  # type: ignore[arg-type]


_BAD_LIMIT_SCRIPT = f"""
import nmt_referral
kb = nmt_referral.validate({str(KB_MINIMAL)!r})
for limit in (0, -1, -5, -100, -10**6, True, 2.5, "3", None):
    try:
        kb.search_muscles("alpha", limit=limit)
    except nmt_referral.InvalidQueryError:
        continue
    raise SystemExit(f"limit={{limit!r}} accepted")
print("ok")
"""


def test_search_muscles_bad_limit_is_an_invalid_query_error() -> None:
    """Regression: a negative limit used to reach rapidfuzz (RuntimeError, then a segfault for
    larger negatives). Run in a subprocess so that a crash cannot take the test session down."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _BAD_LIMIT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", (
        done.returncode,
        done.stderr[-500:],
    )


def test_unknown_region_id_is_a_key_error(kb: KnowledgeBase) -> None:
    """Documented: the region-tree helpers raise KeyError for an unknown id."""
    for method in (kb.children, kb.ancestors, kb.descendants):
        with pytest.raises(KeyError):
            method("no_such_region")


BAD_CLI: list[tuple[str, list[str], str]] = [
    ("empty_location", ["where", ""], "location is empty"),
    ("blank_location", ["where", "   "], "location is empty"),
    ("blank_among_good", ["where", "temple", "\t"], "location is empty"),
    ("control_characters", ["where", "tem\x07ple"], "control characters"),
    ("nul", ["where", "\x00"], "control characters"),
    ("escape_sequence", ["where", "\x1b[2Jtemple"], "control characters"),
    ("overlong_100k", ["where", "x" * 100_000], "too long"),
    ("unknown_side", ["where", "temple", "--side", "middle"], "side must be"),
    ("limit_zero", ["where", "temple", "--limit", "0"], "limit must be"),
    ("limit_negative", ["where", "temple", "--limit", "-1"], "limit must be"),
    ("limit_not_a_number", ["where", "temple", "--limit", "ten"], "--limit"),
    ("too_many_locations", ["where", *["temple"] * 21], "too many locations"),
    ("unknown_location", ["where", "qqqzzzxxx"], "unknown location"),
    ("no_location", ["where"], "LOCATION"),
    ("unknown_muscle", ["muscle", "nosuchmuscle"], "unknown muscle"),
    ("empty_muscle", ["muscle", ""], "muscle name is empty"),
    ("overlong_muscle", ["muscle", "m" * 100_000], "too long"),
    ("control_in_muscle", ["muscle", "alpha\x1b"], "control characters"),
    ("unknown_command", ["frobnicate"], "frobnicate"),
    ("unknown_option", ["where", "temple", "--colour"], "--colour"),
]


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in BAD_CLI], ids=[c[0] for c in BAD_CLI])
def test_bad_cli_input_exits_2_with_message_on_stderr(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, *DATA])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stdout == ""
    assert len(result.stderr) < 2000  # the 100,000-character argument is not echoed back
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_json_error_keeps_stdout_empty() -> None:
    result = runner.invoke(app, ["where", "qqqzzzxxx", "--json", *DATA])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown location" in result.stderr


# --------------------------------------------------------------------------------------------------
# 3. Environment faults: KnowledgeBaseError from the API, exit code 1 and a message from the CLI.
# --------------------------------------------------------------------------------------------------


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "does-not-exist"


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb.yaml"
    path.write_text("muscles: []\n")
    return path


def _symlink_loop(tmp_path: Path) -> Path:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    return loop


def _symlink_cycle(tmp_path: Path) -> Path:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    return tmp_path / "a"


def _empty_dir(tmp_path: Path) -> Path:
    path = tmp_path / "empty"
    path.mkdir()
    return path


def _muscles_is_a_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, path)
    shutil.rmtree(path / "muscles")
    (path / "muscles").write_text("not a folder\n")
    return path


ENV_FAULTS = [
    ("missing_data_dir", _missing, "directory does not exist"),
    ("data_path_is_a_file", _a_file, "not a directory"),
    ("symlink_loop_data_dir", _symlink_loop, ""),
    ("symlink_cycle_data_dir", _symlink_cycle, ""),
    ("empty_data_dir", _empty_dir, "no muscles/ folder"),
    ("muscles_is_a_file", _muscles_is_a_file, "no muscles/ folder"),
]
needs_symlinks = pytest.mark.skipif(not POSIX, reason="needs symlinks")


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in ENV_FAULTS], ids=[c[0] for c in ENV_FAULTS])
def test_bad_data_dir_api(tmp_path: Path, make: object, message: str) -> None:
    if "symlink" in getattr(make, "__name__", "") and not POSIX:
        pytest.skip("needs symlinks")
    directory = make(tmp_path)  # type: ignore[operator]
    for loader in (nmt_referral.load, nmt_referral.validate):
        with pytest.raises(KnowledgeBaseError) as caught:
            loader(directory)
        assert caught.value.path == str(directory)
        assert [p.path for p in caught.value.problems] == [str(directory)]
        assert message in str(caught.value)


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in ENV_FAULTS], ids=[c[0] for c in ENV_FAULTS])
def test_bad_data_dir_cli(tmp_path: Path, make: object, message: str) -> None:
    if "symlink" in getattr(make, "__name__", "") and not POSIX:
        pytest.skip("needs symlinks")
    directory = make(tmp_path)  # type: ignore[operator]
    for args in (
        ["where", "temple", "--data", str(directory)],
        ["muscle", "alpha", "--data", str(directory)],
        ["muscles", "--data", str(directory)],
        ["regions", "--json", "--data", str(directory)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        assert str(directory) in result.stderr and message in result.stderr
        assert result.stdout == ""
        assert_no_traceback(result.stdout, result.stderr)
    result = runner.invoke(app, ["validate", str(directory)])
    assert result.exit_code == 1
    assert str(directory) in result.stdout and message in result.stdout
    assert_no_traceback(result.stdout, result.stderr)


def test_environment_variable_pointing_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "nowhere"
    monkeypatch.setenv("NMT_REFERRAL_DATA", str(nowhere))
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.load()
    assert f"{nowhere}: directory does not exist" in str(caught.value)
    result = runner.invoke(app, ["where", "temple"], env={"NMT_REFERRAL_DATA": str(nowhere)})
    assert result.exit_code == 1
    assert f"{nowhere}: directory does not exist" in result.stderr
    assert_no_traceback(result.stdout, result.stderr)


def test_blank_environment_variable_means_the_packaged_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMT_REFERRAL_DATA", "   ")
    assert len(nmt_referral.load().muscles) > 5


def test_missing_overlay(kb_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.load(kb_dir, overlays=[tmp_path / "no-overlay"])
    assert "overlay is not a directory" in str(caught.value)
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir), "--overlay", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert "overlay is not a directory" in result.stderr


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.skipif(IS_ROOT, reason="root reads files regardless of their permissions")
def test_unreadable_file(kb_dir: Path) -> None:
    path = kb_dir / "muscles" / "gamma.yaml"
    path.chmod(0)
    try:
        problems = problems_of(kb_dir)
        assert any(p.startswith(f"{path}: cannot read file") for p in problems), problems
        result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
        assert result.exit_code == 1
        assert f"{path}: cannot read file" in result.stderr
        assert_no_traceback(result.stdout, result.stderr)
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same fault as test_unreadable_file, simulated (the reader opens files with os.open) so
    that it also runs as root."""
    path = kb_dir / "muscles" / "gamma.yaml"
    real_open = os.open

    def deny(file: object, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    problems = problems_of(kb_dir)
    assert f"{path}: cannot read file: Permission denied" in problems
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
    assert result.exit_code == 1
    assert f"{path}: cannot read file: Permission denied" in result.stderr
    assert_no_traceback(result.stdout, result.stderr)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.skipif(IS_ROOT, reason="root reads directories regardless of their permissions")
def test_unreadable_data_dir(kb_dir: Path) -> None:
    kb_dir.chmod(0)
    try:
        with pytest.raises(KnowledgeBaseError) as caught:
            nmt_referral.validate(kb_dir)
        assert str(kb_dir) in str(caught.value)
        result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
        assert result.exit_code == 1
        assert_no_traceback(result.stdout, result.stderr)
    finally:
        kb_dir.chmod(0o755)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.skipif(IS_ROOT, reason="root reads directories regardless of their permissions")
def test_unreadable_sub_folder(kb_dir: Path) -> None:
    folder = kb_dir / "patterns"
    folder.chmod(0)
    try:
        problems = problems_of(kb_dir)  # never "ok" with the folder's records missing
        assert any(p.startswith(f"{folder}: cannot read folder") for p in problems), problems
        result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
        assert result.exit_code == 1
        assert_no_traceback(result.stdout, result.stderr)
    finally:
        folder.chmod(0o755)


def test_unreadable_sub_folder_simulated(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same fault as test_unreadable_sub_folder, simulated so that it also runs as root."""
    folder = kb_dir / "conditions"
    folder.mkdir()
    (folder / "more.yaml").write_text("conditions: []\n")
    real_scandir = os.scandir

    def deny(path: object) -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", deny)
    problems = problems_of(kb_dir)
    assert f"{folder}: cannot read folder: Permission denied" in problems
    result = runner.invoke(app, ["where", "temple", "--data", str(kb_dir)])
    assert result.exit_code == 1 and f"{folder}: cannot read folder" in result.stderr


# --------------------------------------------------------------------------------------------------
# 4. Property-based tests (hypothesis)
# --------------------------------------------------------------------------------------------------

_VOCABULARY = [
    "temple",
    "forehead",
    "jaw",
    "angle",
    "of",
    "the",
    "mandible",
    "chest",
    "head",
    "side",
    "corner",
    "dizziness",
    "vertigo",
    "tmd",
    "jaw disorder",
    "left",
    "right",
    "l",
    "r",
    "pain",
    "on",
    "my",
    "behind",
    "templ",
    "jow",
    "sternum",
    "breastbone",
    ",",
    "-",
    "'s",
]
phrases = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="ascii"), max_size=30),
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=5).map(" ".join),
    st.builds(lambda word, noise: word + noise, st.sampled_from(_VOCABULARY), st.text(max_size=3)),
    st.text(min_size=190, max_size=260, alphabet="ab "),  # around the length limit
)
_NAMES = [
    "temple",
    "side of the head",
    "forehead",
    "jaw",
    "mandible",
    "angle of the jaw",
    "jaw angle corner",
    "chest",
    "head",
    "sternum",
    "breastbone",
    "dizziness",
    "vertigo",
    "TMD",
    "jaw disorder",
]
good_phrases = st.builds(
    lambda prefix, name, suffix: f"{prefix}{name}{suffix}",
    st.sampled_from(["", "", "left ", "right ", "pain in the ", "my ", "L "]),
    st.sampled_from(_NAMES),
    st.sampled_from(["", "", " on the left", ", right side", "s", " pain"]),
)
mostly_good_phrases = st.one_of(good_phrases, good_phrases, good_phrases, phrases)
sides = st.one_of(st.none(), st.sampled_from(["left", "right", "LEFT", " r ", "l", "", "both", "middle"]))
limits = st.one_of(st.none(), st.integers(min_value=-3, max_value=30))
DOCUMENTED = (InvalidQueryError, UnknownLocationError)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_resolution(kb: KnowledgeBase, resolution: object) -> None:
    from nmt_referral.models import LocationResolution

    assert isinstance(resolution, LocationResolution)
    assert resolution.side in (None, "left", "right")
    assert resolution.regions or resolution.phenomena
    assert all(region in kb.regions for region in resolution.regions)
    assert all(phenomenon in kb.phenomena for phenomenon in resolution.phenomena)
    assert resolution.score is None or 0 < resolution.score <= 100


@FUZZ
@given(text=mostly_good_phrases, side=sides)
def test_resolve_location_property(kb: KnowledgeBase, kb_again: KnowledgeBase, text: str, side: str | None) -> None:
    try:
        first = kb.resolve_location(text, side=side)  # type: ignore[arg-type]
    except DOCUMENTED as error:
        event(f"{type(error).__name__}: {str(error).split(' ')[0:2]}")
        with pytest.raises(type(error)):  # deterministic, also on a separately loaded copy
            kb_again.resolve_location(text, side=side)  # type: ignore[arg-type]
        return
    event(f"resolved ({first.method})")
    _check_resolution(kb, first)
    assert kb.resolve_location(text, side=side) == first  # type: ignore[arg-type]
    assert kb_again.resolve_location(text, side=side) == first  # type: ignore[arg-type]


@FUZZ
@given(
    locations=st.lists(mostly_good_phrases, min_size=1, max_size=4),
    side=st.one_of(st.none(), st.none(), sides),
    limit=st.one_of(st.none(), limits),
)
def test_where_property(
    kb: KnowledgeBase,
    kb_again: KnowledgeBase,
    locations: list[str],
    side: str | None,
    limit: int | None,
) -> None:
    try:
        result = kb.where(*locations, side=side, limit=limit)
    except DOCUMENTED as error:
        event(f"{type(error).__name__}: {str(error).split(' ')[0:2]}")
        with pytest.raises(type(error)):
            kb_again.where(*locations, side=side, limit=limit)
        return
    event("answered" if result.results else "answered (no candidates)")
    assert len(result.query.locations) >= len(locations)  # a phrase may name several sites
    assert len({r.phrase for r in result.query.locations}) <= len(locations)
    for resolution in result.query.locations:
        _check_resolution(kb, resolution)
    scores = [candidate.score for candidate in result]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    if limit is not None:
        assert len(result.results) <= limit
    ids = [candidate.muscle.id for candidate in result]
    assert len(ids) == len(set(ids))
    for candidate in result:
        assert candidate.matches or candidate.symptom_matches
        assert candidate.muscle.id in kb.muscles
        assert 0 <= candidate.sites_explained <= len(result.query.locations)
    assert kb.where(*locations, side=side, limit=limit) == result
    assert kb_again.where(*locations, side=side, limit=limit) == result


muscle_names = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "alpha",
            "Alpha muscle",
            "AM",
            "alphoid",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "alpa",
            "the alpha",
            "Betas",
            "gama muscle",
        ]
    ),
)


@FUZZ
@given(name=muscle_names, limit=st.integers(min_value=1, max_value=20))
def test_muscle_lookup_property(kb: KnowledgeBase, name: str, limit: int) -> None:
    try:
        found = kb.muscle(name)
    except (InvalidQueryError, UnknownMuscleError) as error:
        event(type(error).__name__)
        with pytest.raises(type(error)):
            kb.muscle(name)
    else:
        event("found")
        assert found.id in kb.muscles and kb.muscle(name) == found
    exact = kb.get_muscle(name)
    assert exact is None or exact.id in kb.muscles
    hits = kb.search_muscles(name, limit=limit)
    assert len(hits) <= limit
    scores = [score for _muscle, score in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert kb.search_muscles(name, limit=limit) == hits


@settings(max_examples=50, deadline=None)
@given(text=mostly_good_phrases, side=st.sampled_from([[], ["--side", "left"], ["--side", "middle"]]))
def test_cli_where_property(text: str, side: list[str]) -> None:
    result = runner.invoke(app, ["where", *side, *DATA, "--json", "--", text])
    assert result.exit_code in (0, 2), (result.stdout, result.stderr, result.exception)
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert_no_traceback(result.stdout, result.stderr)
    if result.exit_code == 2:  # with --json, the error is a JSON document (validated by conftest)
        assert result.stdout == "" and json.loads(result.stderr)["error"]["type"] in {
            "InvalidQueryError",
            "UnknownLocationError",
        }


_FIXTURE_FILES = sorted(str(p.relative_to(KB_MINIMAL)) for p in KB_MINIMAL.rglob("*.yaml"))
_YAML_BITS = [
    b":",
    b": ",
    b"-",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"!",
    b"!!str ",
    b"!foo ",
    b"|",
    b">",
    b"'",
    b'"',
    b"#",
    b"%",
    b"@",
    b"`",
    b"?",
    b"\t",
    b"\n",
    b"\r",
    b" ",
    b"  ",
    b"---\n",
    b"...\n",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"~",
    b"null",
    b"true",
    b"1e999",
    b"0x1F",
    b"id",
    b"temple",
    b"<<: ",
    b"\\",
    b"\xe2\x80\xa8",
]
_mutation = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 20)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.one_of(st.sampled_from(_YAML_BITS), st.binary(max_size=8)),
    ),
    st.tuples(
        st.just("replace"),
        st.floats(0, 1),
        st.one_of(st.sampled_from(_YAML_BITS), st.binary(max_size=3)),
    ),
    st.tuples(st.just("delete_line"), st.floats(0, 1), st.just(b"")),
    st.tuples(st.just("duplicate_line"), st.floats(0, 1), st.just(b"")),
    st.tuples(st.just("swap_lines"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("indent_line"), st.floats(0, 1), st.sampled_from([b" ", b"  ", b"\t"])),
)


def _mutate(content: bytes, mutation: tuple[object, ...]) -> bytes:
    kind, where, arg = mutation
    assert isinstance(where, float)
    at = min(int(where * len(content)), len(content))
    lines = content.splitlines(keepends=True) or [b""]
    line = min(int(where * len(lines)), len(lines) - 1)
    if kind == "delete":
        return content[:at] + content[at + int(arg) :]  # type: ignore[call-overload]
    if kind == "insert":
        return content[:at] + arg + content[at:]  # type: ignore[operator]
    if kind == "replace":
        return content[:at] + arg + content[at + len(arg) :]  # type: ignore[operator,arg-type]
    if kind == "delete_line":
        return b"".join(lines[:line] + lines[line + 1 :])
    if kind == "duplicate_line":
        return b"".join(lines[: line + 1] + lines[line:])
    if kind == "swap_lines":
        other = min(int(float(arg) * len(lines)), len(lines) - 1)  # type: ignore[arg-type]
        lines[line], lines[other] = lines[other], lines[line]
        return b"".join(lines)
    return b"".join([*lines[:line], arg + lines[line], *lines[line + 1 :]])  # type: ignore[operator]


@pytest.fixture
def mutable_kb(kb_dir: Path) -> Iterator[tuple[Path, dict[str, bytes]]]:
    yield kb_dir, {rel: (kb_dir / rel).read_bytes() for rel in _FIXTURE_FILES}


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=st.sampled_from(_FIXTURE_FILES), mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_yaml_only_ever_raises_knowledge_base_error(
    mutable_kb: tuple[Path, dict[str, bytes]], target: str, mutations: list[tuple[object, ...]]
) -> None:
    root, originals = mutable_kb
    content = originals[target]
    for mutation in mutations:
        content = _mutate(content, mutation)
    (root / target).write_bytes(content)
    try:
        try:
            kb = nmt_referral.validate(root)
        except KnowledgeBaseError as error:
            event("KnowledgeBaseError")
            assert error.problems
            assert all(isinstance(p.line, int) and p.line >= 0 and p.message for p in error.problems)
            assert all(p.path.startswith(str(root)) for p in error.problems)
            return
        event("still loads")
        # it still loads: then it answers queries with documented outcomes only
        for region in kb.regions.values():
            with contextlib.suppress(InvalidQueryError, UnknownLocationError):
                kb.where(region.label)
    finally:
        (root / target).write_bytes(originals[target])


def test_new_tests_do_not_leak_into_the_fixture() -> None:
    """The fuzzers mutate private copies only: the shared fixture still loads."""
    assert sorted(nmt_referral.validate(KB_MINIMAL).muscles) == [
        "alpha",
        "beta",
        "delta",
        "epsilon",
        "gamma",
    ]
    assert sys.getrecursionlimit() >= 1000
