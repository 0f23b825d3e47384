"""Shared fixtures: the crafted minimal knowledge base and the shipped one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import nmt_referral
from nmt_referral import KnowledgeBase

FIXTURES = Path(__file__).parent / "fixtures"
KB_MINIMAL = FIXTURES / "kb_minimal"
KB_GUIDED = FIXTURES / "kb_guided"
FIGURES_MINIMAL = FIXTURES / "figures_minimal"


@pytest.fixture(autouse=True)
def _fresh_process_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test sees no per-process cache and no stray environment."""
    for name in ("NMT_REFERRAL_DATA", "COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))  # quiz progress
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # shell history
    monkeypatch.delenv("NMT_REFERRAL_QUIZ_PROGRESS", raising=False)
    nmt_referral.clear_cache()
    yield
    nmt_referral.clear_cache()


def json_document_name(args: Sequence[str]) -> str:
    """Which published schema a ``--json`` command line's output follows (see ``nmt-referral schema``)."""
    command = args[0]
    if command == "muscle" and "--care" in args:
        return "care"
    options_with_values = {"--data", "--overlay", "--area"}
    positional = [
        a for i, a in enumerate(args[1:], 1) if not a.startswith("-") and args[i - 1] not in options_with_values
    ]
    if command == "flag" and not positional:
        return "flags"
    if command == "sources":
        return "source" if positional else "sources"
    if command == "regions" and "--body-map" in args:
        return "body_map"
    if command == "posture" and not [a for a in args[1:] if not a.startswith("-")]:
        return "postures"
    return command


def check_json_outputs(args: Sequence[str], result: Result) -> None:
    """A ``--json`` run's stdout (on success) or stderr (on failure) validates against its schema."""
    import jsonschema

    from nmt_referral.interop import schema_for

    if "--json" not in args or not args or (result.exception and not isinstance(result.exception, SystemExit)):
        return
    if args[0] == "where" and "-" in args:  # batch: JSON Lines, an answer or an error per line
        for line in result.stdout.splitlines():
            record = json.loads(line)
            jsonschema.validate(record, schema_for("error" if "error" in record else "where"))
        return
    if result.exit_code == 0:
        document, text = json_document_name(list(args)), result.stdout
    else:
        document, text = "error", result.stderr
    value = json.loads(text)
    if document == "muscle" and isinstance(value, dict) and "group" in value:  # a group name was asked
        document = "group"
    jsonschema.validate(value, schema_for(document))


@pytest.fixture(autouse=True)
def _every_json_output_follows_its_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``--json`` output any test produces through ``CliRunner`` is checked against its schema."""
    invoke = CliRunner.invoke

    def checked(self: CliRunner, cli: Any, args: Any = None, *rest: Any, **kwargs: Any) -> Result:
        result = invoke(self, cli, args, *rest, **kwargs)
        if isinstance(args, list | tuple):
            check_json_outputs([str(a) for a in args], result)
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked)


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A private, writable copy of the minimal fixture knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, target)
    return target


@pytest.fixture
def kb_minimal() -> KnowledgeBase:
    """The minimal fixture knowledge base, loaded."""
    return nmt_referral.validate(KB_MINIMAL)


@pytest.fixture
def maps_dir(tmp_path: Path) -> Path:
    """A private copy of the minimal knowledge base with toy body charts (figures/)."""
    target = tmp_path / "kb_maps"
    shutil.copytree(KB_MINIMAL, target)
    shutil.copytree(FIGURES_MINIMAL, target / "figures")
    return target


@pytest.fixture
def kb_guided() -> KnowledgeBase:
    """A fixture knowledge base with a pain guide, adjacent regions, symptoms and condition flags."""
    return nmt_referral.validate(KB_GUIDED)


_SHIPPED: list[KnowledgeBase] = []


@pytest.fixture
def shipped_kb() -> KnowledgeBase:
    """The packaged knowledge base, loaded once per test session (read-only)."""
    if not _SHIPPED:
        _SHIPPED.append(nmt_referral.validate())
    return _SHIPPED[0]
