"""The versioned JSON contract: stamped documents, published schemas that are current, real outputs that
validate against them, and errors as JSON documents with the same exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_INVALID_KB, EXIT_USAGE, app
from nmt_referral.interop import SCHEMA_VERSION, schema_for, schemas
from nmt_referral.interop.schema import COMMANDS

from .conftest import json_document_name

SCHEMA_DIR = Path(__file__).parent.parent / "docs" / "schema"
runner = CliRunner()


def test_committed_schemas_are_current() -> None:
    """docs/schema/ holds exactly the generated schemas (run docs/make_schemas.py after a model change)."""
    committed = {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.json")
    }
    assert committed == schemas()


def test_schemas_are_valid_draft_2020_12() -> None:
    for name in COMMANDS:
        jsonschema.Draft202012Validator.check_schema(schema_for(name))


def _real_command_lines(kb: KnowledgeBase) -> list[list[str]]:
    flag = next(iter(kb.red_flags))
    posture = next(iter(kb.postures))
    return [
        ["where", "temple", "angle of the jaw", "--json"],
        ["where", "left chest", "calf", "--side", "left", "--json"],
        ["where", "burning pain in the outer thigh", "--json"],
        ["muscle", "SCM", "--json"],
        ["muscle", "trapezius", "--care", "--json"],
        ["flag", flag, "--json"],
        ["posture", posture, "--json"],
        ["posture", "--json"],
        ["safety", "--json"],
        ["stats", "--json"],
        ["muscles", "--json"],
        ["regions", "--json"],
        ["regions", "--body-map", "choir", "--json"],
        ["flag", "--json"],
        ["muscle", "hamstrings", "--json"],
        ["sources", "--json"],
        ["sources", "simons_travell_1999", "--json"],
        ["muscles", "--area", "neck", "--json"],
        ["where", "--body-map", "choir", "108", "112", "--body-map-out", "michigan", "--json"],
    ]


def test_every_document_validates_on_the_packaged_data(shipped_kb: KnowledgeBase) -> None:
    seen = set()
    for args in _real_command_lines(shipped_kb):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
        document = json.loads(result.stdout)
        name = "group" if args[:2] == ["muscle", "hamstrings"] else json_document_name(args)
        jsonschema.validate(document, schema_for(name))
        seen.add(name)
        for stamped in document if isinstance(document, list) else [document]:
            assert stamped["schema_version"] == SCHEMA_VERSION
            assert stamped["nmt_referral_version"] == nmt_referral.__version__
    assert seen == set(COMMANDS) - {"error"}


def test_schemas_reject_a_broken_document(shipped_kb: KnowledgeBase) -> None:
    """The schemas bite: a document missing a required part, or with a wrong type, fails."""
    document = json.loads(runner.invoke(app, ["where", "temple", "--json"]).stdout)
    without_results = {key: value for key, value in document.items() if key != "results"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(without_results, schema_for("where"))
    document["results"][0]["score"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema_for("where"))
    rows = json.loads(runner.invoke(app, ["muscles", "--json"]).stdout)
    rows[0].pop("schema_version")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(rows, schema_for("muscles"))


def test_extra_keys_are_allowed_so_additions_stay_minor() -> None:
    document = json.loads(runner.invoke(app, ["muscle", "SCM", "--json"]).stdout)
    document["added_in_a_later_minor_version"] = True
    jsonschema.validate(document, schema_for("muscle"))


@pytest.mark.parametrize(
    ("args", "error_type", "code"),
    [
        (["muscle", "no such muscle at all", "--json"], "UnknownMuscleError", EXIT_USAGE),
        (["where", "xqzv", "--json"], "UnknownLocationError", EXIT_USAGE),
        (["where", "temple", "--side", "up", "--json"], "InvalidQueryError", EXIT_USAGE),
        (["flag", "no_such_flag", "--json"], "UnknownRedFlagError", EXIT_USAGE),
        (["muscles", "--json", "--data", "{empty}"], "KnowledgeBaseError", EXIT_INVALID_KB),
    ],
)
def test_errors_are_json_documents_with_the_same_exit_codes(
    args: list[str], error_type: str, code: int, tmp_path: Path
) -> None:
    args = [a.format(empty=tmp_path) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == code and result.stdout == ""
    document = json.loads(result.stderr)
    jsonschema.validate(document, schema_for("error"))
    assert document["error"]["type"] == error_type and document["error"]["message"]
    if error_type == "KnowledgeBaseError":
        assert document["error"]["problems"]


def test_suggestions_are_listed_in_the_error_document() -> None:
    result = runner.invoke(app, ["muscle", "scalenus", "--json"])
    assert result.exit_code == EXIT_USAGE
    suggestions = json.loads(result.stderr)["error"]["suggestions"]
    assert len(suggestions) >= 2 and all(s.lower().startswith("scalenus") for s in suggestions[:3])


@pytest.mark.parametrize("args", [["where", "--json"], ["where", "temple", "--json", "--no-such-option"]])
def test_usage_errors_are_json_documents_too(args: list[str]) -> None:
    """Errors the argument parser finds (through the installed entry point) follow the error schema."""
    done = subprocess.run(
        [sys.executable, "-m", "nmt_referral", *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == EXIT_USAGE and done.stdout == ""
    document = json.loads(done.stderr)
    jsonschema.validate(document, schema_for("error"))
    assert document["error"]["type"] == "UsageError" and document["error"]["message"]


def test_without_json_errors_stay_text() -> None:
    result = runner.invoke(app, ["muscle", "no such muscle at all"])
    assert result.exit_code == EXIT_USAGE and result.stderr.startswith("error: ")


def test_schema_command_prints_the_published_schemas() -> None:
    result = runner.invoke(app, ["schema", "where"])
    assert result.exit_code == 0 and json.loads(result.stdout) == schema_for("where")
    everything = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert set(everything) == set(COMMANDS)
    unknown = runner.invoke(app, ["schema", "nonsense"])
    assert unknown.exit_code == EXIT_USAGE and "where" in unknown.stderr
