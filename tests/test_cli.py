"""The command line: exit codes, stdout vs stderr, and the JSON contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nmt_referral.cli import app

from .conftest import KB_MINIMAL

runner = CliRunner()
DATA = ["--data", str(KB_MINIMAL)]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_where_json_contract() -> None:
    code, out, err = run("where", "temple", "angle of the jaw", "--json", *DATA)
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) >= {"query", "results"}
    assert [loc["regions"] for loc in payload["query"]["locations"]] == [["temple"], ["angle_of_jaw"]]
    first = payload["results"][0]
    fixed = {"id": "alpha", "name": "Alpha muscle", "aliases": ["AM", "alphoid"], "area": "head_face"}
    assert {key: first["muscle"][key] for key in fixed} == fixed
    assert isinstance(first["score"], float)
    for match in first["matches"]:
        assert set(match) >= {"location", "region", "trigger_point", "zone"}
        assert match["zone"] in ("essential", "spillover")
    scores = [r["score"] for r in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def test_where_text_explains() -> None:
    code, out, _ = run("where", "temple", *DATA)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "temple -> Temple"
    assert any(line.split()[:3] == ["1", "Alpha", "muscle"] for line in lines)
    assert any("<-" in line and "essential: Temple" in line for line in lines)


def test_where_side_and_limit() -> None:
    code, out, _ = run("where", "forehead", "--side", "left", "--limit", "1", "--json", *DATA)
    assert code == 0
    payload = json.loads(out)
    assert [r["muscle"]["id"] for r in payload["results"]] == ["delta"]
    assert payload["results"][0]["matches"][0]["look_on"] == "right"


def test_red_flag_is_shown() -> None:
    code, out, err = run("where", "angle of the jaw", "--side", "left", "--flags", "full", *DATA)
    assert code == 0
    assert "RED FLAG" in out and "Left jaw pain can be cardiac." in out
    assert "rule these out" in err
    payload = json.loads(run("where", "angle of the jaw", "--json", *DATA)[1])
    assert [f["id"] for f in payload["red_flags"]] == ["jaw_flag"]
    assert payload["red_flags"][0]["message"] == "Left jaw pain can be cardiac."


def test_red_flag_is_one_short_line_by_default() -> None:
    code, out, _err = run("where", "angle of the jaw", "--side", "left", *DATA)
    assert code == 0
    flag_lines = [line for line in out.splitlines() if line.startswith("RED FLAG")]
    assert len(flag_lines) == 1 and "nmt-referral flag jaw_flag" in flag_lines[0]
    assert "Left jaw pain can be cardiac." not in out
    code, out, _err = run("flag", "jaw_flag", *DATA)
    assert code == 0 and "Left jaw pain can be cardiac." in out and "angle_of_jaw" in out
    code, _out, err = run("flag", "jaw_flgg", *DATA)
    assert code == 2 and "jaw_flag" in err


def test_unknown_location_exits_2_with_suggestions() -> None:
    code, out, err = run("where", "frehd", *DATA)
    assert code == 2
    assert out == ""
    assert "unknown location: 'frehd'" in err and "Forehead" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["where", "   "],
        ["where", "temple", "--side", "middle"],
        ["where", "temple", "--limit", "0"],
        ["where", "x" * 100_000],
        ["where"],
        ["muscle", "nosuchmuscle"],
        ["frobnicate"],
    ],
)
def test_bad_usage_exits_2_without_traceback(args: list[str]) -> None:
    code, _out, err = run(*args, *DATA)
    assert code == 2
    assert "Traceback" not in err


def test_muscle_forward_lookup() -> None:
    code, out, _ = run("muscle", "AM", *DATA)
    assert code == 0
    assert out.startswith("Alpha muscle  (also: AM, alphoid)")
    assert "essential: Temple" in out and "spillover: Angle of the jaw" in out
    payload = json.loads(run("muscle", "alpha", "--json", *DATA)[1])
    assert payload["id"] == "alpha"
    assert payload["trigger_points"][0]["pattern"]["essential"] == [{"region": "temple", "side": None}]


def test_listings_json() -> None:
    muscles = json.loads(run("muscles", "--json", *DATA)[1])
    assert [m["id"] for m in muscles] == ["alpha", "beta", "delta", "epsilon", "gamma"]
    assert all({"id", "name"} <= set(m) for m in muscles)
    regions = json.loads(run("regions", "--json", *DATA)[1])
    assert {"id": "temple", "name": "Temple", "parent": "head"}.items() <= next(
        r for r in regions if r["id"] == "temple"
    ).items()


def test_regions_tree_text() -> None:
    out = run("regions", "--tree", *DATA)[1]
    lines = out.splitlines()
    assert lines[0].startswith("Head [head]")
    temple = next(line for line in lines if "Temple [temple]" in line)
    jaw = next(line for line in lines if "Angle of the jaw [angle_of_jaw]" in line)
    assert temple.index("Temple") == 3 and jaw.index("Angle") == 6, out  # one branch step per level


def test_validate_ok_and_failing(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(KB_MINIMAL))
    assert code == 0 and out.startswith("ok: ")
    broken = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, broken)
    pattern = broken / "patterns" / "alpha.yaml"
    pattern.write_text(pattern.read_text().replace("[angle_of_jaw]", "[angle_of_jow]"))
    code, out, err = run("validate", str(broken))
    assert code == 1
    assert out.startswith(f"{pattern}:6: ")
    assert "1 problem" in err


def test_invalid_knowledge_base_exits_1_on_queries(tmp_path: Path) -> None:
    code, _out, err = run("where", "temple", "--data", str(tmp_path))
    assert code == 1
    assert "not a knowledge base" in err


def test_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMT_REFERRAL_DATA", str(KB_MINIMAL))
    code, out, _ = run("muscles", "--json")
    assert code == 0 and len(json.loads(out)) == 5


def test_help_and_version() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "does not diagnose" in out and "where" in out
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("nmt-referral ")


def test_python_dash_m_and_console_script() -> None:
    env = {**os.environ, "NMT_REFERRAL_DATA": str(KB_MINIMAL)}
    done = subprocess.run(
        [sys.executable, "-m", "nmt_referral", "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and "where" in done.stdout
    script = shutil.which("nmt-referral", path=str(Path(sys.executable).parent))
    assert script is not None, "console script not installed next to this interpreter"
    done = subprocess.run([script, "where", "temple", "--json"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0
    assert json.loads(done.stdout)["results"][0]["muscle"]["id"] == "alpha"
    done = subprocess.run([script, "where", "zzqx"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2 and done.stdout == "" and "unknown location" in done.stderr


def test_stats_counts_the_fixture() -> None:
    code, out, _ = run("stats", "--json", *DATA)
    assert code == 0
    report = json.loads(out)
    assert (report["muscles"], report["trigger_points"], report["regions"]) == (5, 6, 7)
    assert (report["essential_zones"], report["spillover_zones"]) == (5, 3)
    assert {a["area"]: a["muscles"] for a in report["areas"]}["head_face"] == 3
    assert report["patterns_per_source"] == {"test_manual": 6}
    assert report["regions_without_patterns"] == []
    assert report["muscles_missing_fields"]["beta"] == ["innervation", "actions", "attachments"]
    assert "alpha" in report["muscles_missing_fields"]  # alpha has no attachments
    text = run("stats", *DATA)[1]
    assert text.startswith("muscles 5, trigger points 6, regions 7")


def test_where_says_when_the_limit_cuts_equal_candidates() -> None:
    from .conftest import KB_GUIDED

    code, out, _err = run("where", "temple", "--limit", "3", "--data", str(KB_GUIDED))
    assert code == 0
    assert "+ 1 more with the same score" in out and "pain guide: #1 of 2" in out
    payload = json.loads(run("where", "temple", "--limit", "3", "--json", "--data", str(KB_GUIDED))[1])
    assert payload["total"] == 4 and payload["tied_beyond_limit"] == 1
    assert payload["results"][0]["guide_ranks"][0]["guide"] == "manual_temple"


def test_muscle_says_where_a_phenomenon_outside_the_pain_zones_is_felt() -> None:
    from .conftest import KB_GUIDED

    code, out, _err = run("muscle", "sigma", "--data", str(KB_GUIDED))
    assert code == 0 and "Gooseflesh (felt at Hand)" in out


def test_care_posture_and_safety_commands() -> None:
    from .conftest import KB_GUIDED

    data = ["--data", str(KB_GUIDED)]
    code, out, _err = run("muscle", "omega", "--care", *data)
    assert code == 0 and "Flat palpation across the palm.  [test_manual]" in out and "palmar arch" in out
    code, out, _err = run("muscle", "omega", *data)
    assert code == 0 and "--care" in out and "caution:   palmar arch" in out
    code, out, _err = run("posture", *data)
    assert code == 0 and "fixture_head_forward" in out
    code, out, _err = run("posture", "forward head", *data)
    assert code == 0 and "Short / overactive" in out and "Alpha muscle" in out
    code, _out, err = run("posture", "nothing like it", *data)
    assert code == 2 and "unknown postural pattern" in err
    code, out, _err = run("safety", *data)
    assert code == 0 and "Do not treat" in out and "Fracture" in out and "palm_flag" in out
    code, out, _err = run("where", "temple", *data)
    assert "Postural pattern: Head forward" in out


@pytest.mark.parametrize(
    "command", [command.name or getattr(command.callback, "__name__", "") for command in app.registered_commands]
)
def test_help_usage_line_has_no_doubled_brackets(command: str) -> None:
    """Argument names are given bare: the help formatter adds the brackets and the ellipsis itself."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    usage = result.stdout.splitlines()[0]
    assert "[[" not in usage and "...}" not in usage and "{[" not in usage and "{{" not in usage, usage


def test_brief_is_one_line_per_muscle_with_the_red_flags_first() -> None:
    from nmt_referral import load

    kb = load()
    result = kb.where("sciatica", limit=5)
    out = runner.invoke(app, ["where", "sciatica", "--brief", "-n", "5"]).stdout.splitlines()
    flags = [line for line in out if line.startswith("RED FLAG")]
    assert len(flags) == len(result.red_flags) and out[: len(flags)] == flags
    rows = out[len(flags) + 1 : len(flags) + 1 + len(result.results)]
    for candidate, row in zip(result, rows, strict=True):
        assert candidate.muscle.name in row and f"{candidate.score:.2f}" in row and "->" in row
    rest = out[len(flags) + 1 + len(result.results) :]
    assert all(line.startswith(("Group: ", "(")) for line in rest), rest  # groups named, then "N more"


def test_a_question_loads_only_its_command_module_and_no_parser() -> None:
    """Start-up: `where` imports the query commands, not the others, and a warm start parses no YAML."""
    import subprocess
    import sys

    script = (
        "import sys, io, contextlib\n"
        "sys.argv = ['nmt-referral', 'where', 'temple', '--json']\n"
        "from nmt_referral.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    for _ in range(2):  # the first run may build the cache entry
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(done.stdout.split())
    assert "nmt_referral.cli.query" in loaded
    others = {"nmt_referral.cli.admin", "nmt_referral.cli.atlas", "nmt_referral.cli.quiz", "nmt_referral.cli.shell"}
    assert not loaded & others
    assert "yaml" not in loaded and "nmt_referral.loader" not in loaded
