"""The quiz: items and their rules, answers, the Leitner schedule, the progress file, the command."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from nmt_referral import KnowledgeBase
from nmt_referral.cli import EXIT_USAGE, app
from nmt_referral.study import progress as schedule
from nmt_referral.study.progress import Entry
from nmt_referral.study.quiz import (
    InvalidAnswerError,
    Item,
    Question,
    check,
    forward_facts,
    items,
    plan,
    question,
    reverse_facts,
    short_citation,
)

from .conftest import KB_MINIMAL

runner = CliRunner()
DAY = 24 * 60 * 60


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A progress file in the test's directory, named by the environment (never the real home)."""
    path = tmp_path / "data" / "quiz-progress.json"
    monkeypatch.setenv("NMT_REFERRAL_QUIZ_PROGRESS", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return path


def quiz(*args: str, answers: str = "") -> Result:
    return runner.invoke(app, ["quiz", *args], input=answers)


def numbers(asked: Question, *, right: bool = True) -> str:
    """The option numbers of the right answer (or of one wrong answer)."""
    chosen = [str(n) for n, o in enumerate(asked.options, start=1) if o.right == right]
    return " ".join(chosen if right else chosen[:1])


def planned(kb: KnowledgeBase, seed: int, count: int, **options: str) -> list[Question]:
    return plan(kb, {}, seed=seed, count=count, now=0.0, **options)


def prompts(output: str) -> list[str]:
    """The questions asked, unwrapped (without their numbers)."""
    text = output.replace("\n    ", " ")
    return re.findall(r"^\d+/\d+\. (.+)$", text, flags=re.MULTILINE)


def saved(path: Path) -> dict[str, Entry]:
    entries, warning = schedule.load(path)
    assert warning is None
    return entries


# --------------------------------------------------------------------------- the command


def test_a_right_and_a_wrong_answer(shipped_kb: KnowledgeBase, progress_file: Path) -> None:
    first, second = planned(shipped_kb, 11, 2, mode="forward")
    result = quiz(
        "--mode", "forward", "--seed", "11", "-n", "2", answers=f"{numbers(first)}\n{numbers(second, right=False)}\n"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Right.") < out.index("Wrong.")
    assert "Score: 1/2" in out
    muscle = shipped_kb.muscles[second.item.subject]
    zones = forward_facts(muscle)
    assert f"{muscle.name} refers pain to:" in out
    assert shipped_kb.regions[zones.essential[0]].label in out.split("Wrong.")[1]
    assert short_citation(shipped_kb, zones.sources[0]) in out.replace("\n    ", " ")  # the source, cited
    assert "answer: " + numbers(second) in out
    entries = saved(progress_file)
    assert entries[first.item.id].box == 2 and entries[first.item.id].right == 1
    assert entries[second.item.id].box == 1 and entries[second.item.id].wrong == 1
    assert json.loads(progress_file.read_text())["version"] == schedule.VERSION


def _first_item(path: Path, item_id: str) -> None:
    """Put ``item_id`` first in the schedule: due, box 1, seen long ago."""
    schedule.save(path, {item_id: Entry(box=1, last_seen=0.0, wrong=1)})


@pytest.mark.parametrize(
    ("typed", "named"),
    [("supinatr", "Supinator"), ("ECRL", "Extensor carpi radialis longus"), ("anconeus, supinator", "Anconeus")],
)
def test_typed_muscle_names_match_as_the_cli_does(progress_file: Path, typed: str, named: str) -> None:
    _first_item(progress_file, "reverse:lateral_epicondyle")
    result = quiz("-n", "1", "--seed", "1", answers=typed + "\n")
    assert result.exit_code == 0, result.output
    assert prompts(result.stdout)[0].startswith("Pain at: Lateral epicondyle.")
    assert "Right." in result.stdout and f"refer pain there: {named}" in result.stdout
    assert "main muscles: Supinator (essential)" in result.stdout
    assert "Score: 1/1" in result.stdout
    assert saved(progress_file)["reverse:lateral_epicondyle"].box == 2


def test_a_muscle_that_does_not_refer_there_is_wrong(progress_file: Path) -> None:
    _first_item(progress_file, "reverse:lateral_epicondyle")
    result = quiz("-n", "1", answers="supinator, gastrocnemius, nosuchmuscle\n")
    assert "Wrong." in result.stdout
    assert "refer pain there: Supinator" in result.stdout
    assert "does not refer pain there: Gastrocnemius" in result.stdout
    assert "not a muscle name: nosuchmuscle" in result.stdout
    assert "Score: 0/1" in result.stdout


@pytest.mark.parametrize("answer", ["?", ""])
def test_dont_know_counts_as_wrong_and_shows_the_answer(
    shipped_kb: KnowledgeBase, progress_file: Path, answer: str
) -> None:
    (first,) = planned(shipped_kb, 3, 1, mode="forward")
    result = quiz("--mode", "forward", "--seed", "3", "-n", "1", answers=answer + "\n")
    assert result.exit_code == 0
    assert "Not answered." in result.stdout and "answer: " + numbers(first) in result.stdout
    assert "Score: 0/1" in result.stdout
    assert saved(progress_file)[first.item.id].wrong == 1


def test_end_of_input_mid_quiz_keeps_progress(shipped_kb: KnowledgeBase, progress_file: Path) -> None:
    first, *_rest = planned(shipped_kb, 4, 3)
    result = quiz("--seed", "4", "-n", "3", answers=numbers(first) + "\n")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "Score: 1/1 (stopped after 1 of 3)" in result.stdout
    assert list(saved(progress_file)) == [first.item.id]


def test_q_quits(shipped_kb: KnowledgeBase, progress_file: Path) -> None:
    first, _second = planned(shipped_kb, 5, 2)
    result = quiz("--seed", "5", "-n", "2", answers=f"{numbers(first)}\nq\nthis line is never read\n")
    assert result.exit_code == 0
    assert "Score: 1/1 (stopped after 1 of 2)" in result.stdout
    assert quiz("-n", "2", answers="quit\n").stdout.rstrip().endswith("Score: 0/0 (stopped after 0 of 2)")


def test_ctrl_c_prints_the_score(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nmt_referral.cli.quiz as command

    answers = iter(["?"])

    def read() -> str:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(command, "_read_line", read)
    result = quiz("-n", "3", "--seed", "8")
    assert result.exit_code == 0 and "Score: 0/1 (stopped after 1 of 3)" in result.stdout
    assert len(saved(progress_file)) == 1


def test_an_unreadable_answer_is_asked_again(progress_file: Path) -> None:
    result = quiz("--mode", "forward", "-n", "1", answers="9\ntemple\n1\n")
    assert result.stdout.count("choose among the option numbers 1-") == 1
    assert result.stdout.count("answer with option numbers") == 1
    assert "Score: " in result.stdout and "/1" in result.stdout


def test_the_same_seed_gives_the_same_quiz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for run, seed in enumerate(["21", "21", "22"]):
        monkeypatch.setenv("NMT_REFERRAL_QUIZ_PROGRESS", str(tmp_path / f"{run}.json"))
        outputs.append(quiz("--seed", seed, "-n", "4", answers="?\n?\n?\n?\n").stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_area_restricts_the_questions(shipped_kb: KnowledgeBase, progress_file: Path) -> None:
    result = quiz("--area", "neck", "--seed", "2", "-n", "200", answers="q\n")
    total = int(re.search(r"Quiz: (\d+) questions", result.stdout).group(1))  # type: ignore[union-attr]
    neck = items(shipped_kb, area="neck")
    assert total == len(neck) < len(items(shipped_kb))
    forward = quiz("--area", "neck", "--mode", "forward", "-n", "100", answers="?\n" * 100)
    assert forward.exit_code == 0
    asked = [re.sub(r"^Where does (.+) refer pain\?.*", r"\1", p) for p in prompts(forward.stdout)]
    assert asked and len(asked) == len([i for i in neck if i.kind == "forward"])
    by_name = {m.name: m for m in shipped_kb.muscles.values()}
    assert {by_name[name].area for name in asked} == {"neck"}
    for item in neck:
        if item.kind == "reverse":
            facts = reverse_facts(shipped_kb, item.subject)
            zoned = [m for m in facts.main if facts.strength[m] != "pain guide"]
            assert any(shipped_kb.muscles[m].area == "neck" for m in zoned)
            asked_item = question(shipped_kb, item, random.Random(0), area="neck")
            assert all(shipped_kb.muscles[o.key].area == "neck" for o in asked_item.options if o.right)


def test_a_wrong_item_comes_back_first_next_time(shipped_kb: KnowledgeBase, progress_file: Path) -> None:
    first, second, third = planned(shipped_kb, 31, 3)
    answers = f"{numbers(first)}\n{numbers(second, right=False)}\n{numbers(third)}\n"
    assert "Score: 2/3" in quiz("--seed", "31", "-n", "3", answers=answers).stdout
    entries = saved(progress_file)
    assert [entries[q.item.id].box for q in (first, second, third)] == [2, 1, 2]
    again = quiz("--seed", "77", "-n", "3", answers="?\n?\n?\n")
    asked = prompts(again.stdout)
    assert asked[0] == second.prompt
    assert first.prompt not in asked and third.prompt not in asked  # right: not due for a day


@pytest.mark.parametrize("width", [60, 80, 120])
def test_quiz_lines_fit_the_terminal(progress_file: Path, width: int) -> None:
    answers = "?\n1 2\nsupinator, trapezius\n" * 10
    result = runner.invoke(app, ["quiz", "--seed", "9", "-n", "30"], input=answers, env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= width


# --------------------------------------------------------------------------- the progress file


def test_a_failed_write_keeps_the_previous_file(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _first_item(progress_file, "reverse:lateral_epicondyle")
    before = progress_file.read_bytes()

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = quiz("-n", "2", answers="supinator\n?\n")
    assert result.exit_code == 0 and "Score: 1/2" in result.stdout
    assert result.stderr.count("warning: cannot save the quiz progress") == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.output
    assert progress_file.read_bytes() == before
    assert sorted(p.name for p in progress_file.parent.iterdir()) == [progress_file.name]  # no temporary left


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xffnot json at all",
        b"[]",
        b'{"version": 2, "items": {}}',
        b'{"version": 1}',
        b'{"version": 1, "items": {"forward:trapezius": {"box": 9, "last_seen": "2024-01-01T00:00:00Z"}}}',
        b'{"version": 1, "items": {"forward:trapezius": {"box": 1, "last_seen": "yesterday"}}}',
        b'{"version": 1, "items": {"forward:trapezius": {"box": true, "last_seen": "2024-01-01T00:00:00Z"}}}',
    ],
)
def test_a_corrupt_progress_file_is_ignored_then_replaced(progress_file: Path, content: bytes) -> None:
    progress_file.parent.mkdir(parents=True)
    progress_file.write_bytes(content)
    result = quiz("-n", "1", answers="?\n")
    assert result.exit_code == 0 and "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ignoring the quiz progress")]
    assert len(warnings) == 1 and len(result.stderr.splitlines()) == 1
    assert "Score: 0/1" in result.stdout
    assert len(saved(progress_file)) == 1  # replaced by a valid file


def test_a_directory_as_progress_file_is_a_warning(tmp_path: Path) -> None:
    result = quiz("--progress", str(tmp_path), "-n", "1", answers="q\n")
    assert result.exit_code == 0 and "warning: ignoring the quiz progress" in result.stderr
    assert "Traceback" not in result.output


def test_reset_alone_clears_and_exits(progress_file: Path) -> None:
    _first_item(progress_file, "forward:trapezius")
    result = quiz("--reset", answers="this would be an answer\n")
    assert result.exit_code == 0 and "quiz progress cleared" in result.stdout
    assert "Score" not in result.stdout and not progress_file.exists()
    assert "no quiz progress to clear" in quiz("--reset").stdout


def test_reset_with_quiz_options_then_asks(progress_file: Path) -> None:
    _first_item(progress_file, "forward:trapezius")
    result = quiz("--reset", "-n", "1", "--mode", "reverse", answers="?\n")
    assert "quiz progress cleared" in result.stdout and "Score: 0/1" in result.stdout
    assert list(saved(progress_file)) != ["forward:trapezius"]
    assert all(key.startswith("reverse:") for key in saved(progress_file))


def test_where_progress_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NMT_REFERRAL_QUIZ_PROGRESS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert schedule.default_path() == tmp_path / "xdg" / "nmt-referral" / "quiz-progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert schedule.default_path() == tmp_path / "home" / ".local" / "share" / "nmt-referral" / "quiz-progress.json"
    monkeypatch.setenv("NMT_REFERRAL_QUIZ_PROGRESS", str(tmp_path / "mine.json"))
    assert schedule.default_path() == tmp_path / "mine.json"
    quiz("-n", "1", answers="?\n")
    assert (tmp_path / "mine.json").is_file()
    explicit = tmp_path / "option.json"
    quiz("--progress", str(explicit), "-n", "1", answers="?\n")
    assert explicit.is_file()


@pytest.mark.parametrize(
    "args", [["--mode", "sideways"], ["--area", "tail"], ["--count", "0"], ["--mode", "forward", "-n", "-3"]]
)
def test_bad_options_exit_2(progress_file: Path, args: list[str]) -> None:
    result = quiz(*args)
    assert result.exit_code == EXIT_USAGE and "error:" in result.stderr
    assert not progress_file.exists()


# --------------------------------------------------------------------------- the schedule


def test_leitner_boxes() -> None:
    progress: dict[str, Entry] = {}
    for right in (True, True, True, True, True):
        progress = schedule.record(progress, "x", right, 100.0)
    assert progress["x"].box == schedule.BOXES and progress["x"].right == 5
    progress = schedule.record(progress, "x", False, 200.0)
    assert progress["x"] == Entry(box=1, last_seen=200.0, right=5, wrong=1)
    assert schedule.record({}, "new", True, 0.0)["new"].box == 2  # a new item starts in box 1


def test_schedule_order() -> None:
    now = 100 * DAY
    progress = {
        "box3_due": Entry(3, now - 4 * DAY),
        "box1_recent": Entry(1, now - 10),
        "box1_old": Entry(1, now - 9 * DAY),
        "box2_not_due": Entry(2, now - 10),
        "box5_not_due_soon": Entry(5, now - 13 * DAY),
    }
    order = schedule.schedule(["new_a", "new_b", *progress], progress, now, random.Random(1))
    assert order[:3] == ["box1_old", "box1_recent", "box3_due"]
    assert set(order[3:5]) == {"new_a", "new_b"}
    assert order[5:] == ["box2_not_due", "box5_not_due_soon"]  # the soonest due first


def test_progress_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "p.json"
    entries = {"forward:a": Entry(3, 1_700_000_000.0, right=2, wrong=1), "reverse:b": Entry(1, 1_600_000_000.0)}
    schedule.save(path, entries)
    assert schedule.load(path) == (entries, None)
    document = json.loads(path.read_text())
    assert document["items"]["forward:a"] == {"box": 3, "last_seen": "2023-11-14T22:13:20Z", "right": 2, "wrong": 1}
    assert schedule.load(tmp_path / "missing.json") == ({}, None)


# --------------------------------------------------------------------------- the rules, on crafted data


def test_reverse_facts_on_the_minimal_kb(kb_minimal: KnowledgeBase) -> None:
    facts = reverse_facts(kb_minimal, "temple")
    assert facts.main == ("alpha", "epsilon", "beta")  # essential first, then spillover; then by name
    assert facts.strength == {"alpha": "essential", "epsilon": "essential", "beta": "spillover"}
    assert "gamma" in facts.related and "gamma" not in facts.strength  # a broader zone (head): never right
    assert facts.sources() == ("test_manual",)
    assert [i.id for i in items(kb_minimal, mode="reverse")] == [
        "reverse:angle_of_jaw",
        "reverse:forehead",
        "reverse:head",
        "reverse:sternum",
        "reverse:temple",
    ]
    assert [i.id for i in items(kb_minimal, mode="forward", area="neck")] == ["forward:delta", "forward:gamma"]


def test_answers_on_the_minimal_kb(kb_minimal: KnowledgeBase) -> None:
    asked = question(kb_minimal, Item("reverse", "temple"), random.Random(0))
    assert {o.key for o in asked.options if not o.right} <= {"delta"}  # gamma is related: no distractor
    assert check(kb_minimal, asked, "alphoid").right  # an alias
    assert check(kb_minimal, asked, "Beta musle").right  # misspelt
    verdict = check(kb_minimal, asked, "gamma muscle")
    assert not verdict.right and verdict.wrong == ("Gamma muscle",)
    assert check(kb_minimal, asked, "?").dont_know
    with pytest.raises(InvalidAnswerError):
        check(kb_minimal, asked, f"{len(asked.options) + 1}")
    with pytest.raises(InvalidAnswerError):
        check(kb_minimal, asked, "alpha, " * 1000)
    forward = question(kb_minimal, Item("forward", "alpha"), random.Random(0))
    assert {o.key for o in forward.options if o.right} <= {"temple", "angle_of_jaw"}
    assert {o.key for o in forward.options if not o.right} <= {"forehead", "sternum"}  # not head, not jaw
    with pytest.raises(InvalidAnswerError):
        check(kb_minimal, forward, "temple")  # forward answers are option numbers
    right = ",".join(str(n) for n, o in enumerate(forward.options, 1) if o.right)
    assert check(kb_minimal, forward, right).right
    everything = " ".join(str(n) for n in range(1, len(forward.options) + 1))
    verdict = check(kb_minimal, forward, everything)
    assert not verdict.right and verdict.wrong and not verdict.missed


def test_quiz_on_another_knowledge_base(progress_file: Path) -> None:
    result = quiz("--data", str(KB_MINIMAL), "--mode", "reverse", "-n", "10", "--seed", "1", answers="alphoid\n" * 10)
    assert result.exit_code == 0
    assert "Quiz: 5 questions" in result.stdout and "Pain at: Temple." in result.stdout
    assert "Test Manual of Referral Patterns (2000)" in result.stdout


# --------------------------------------------------------------------------- the rules, on the shipped data


def test_distractors_are_never_right(shipped_kb: KnowledgeBase) -> None:
    for item in items(shipped_kb):
        asked = question(shipped_kb, item, random.Random(item.id))
        assert 1 <= sum(o.right for o in asked.options) <= 3 and len(asked.options) == 5
        assert len({o.key for o in asked.options}) == len(asked.options)
        if item.kind == "forward":
            zones = set(forward_facts(shipped_kb.muscles[item.subject]).zones)
            for option in asked.options:
                near = {option.key, *shipped_kb.ancestors(option.key), *shipped_kb.descendants(option.key)}
                assert option.right == (option.key in zones)
                assert option.right or not near & zones, (item.id, option.key)
        else:
            facts = reverse_facts(shipped_kb, item.subject)
            for option in asked.options:
                assert option.right == (option.key in facts.strength)
                assert option.right or option.key not in facts.related


def test_textbook_reverse_answers(shipped_kb: KnowledgeBase) -> None:
    assert {"supinator", "extensor_carpi_radialis_longus"} <= set(reverse_facts(shipped_kb, "lateral_epicondyle").main)
    temple = reverse_facts(shipped_kb, "temple")
    assert temple.strength["temporalis"] == "essential"
    assert "temporalis" in temple.main[:5]
    arm = question(shipped_kb, Item("reverse", "anterior_arm"), random.Random(0))
    assert check(shipped_kb, arm, "scalenes").right  # a group: right when a member refers pain there
    assert check(shipped_kb, arm, "biceps, scalenes").named == ("Biceps brachii", "Scalene muscles")
    elbow = question(shipped_kb, Item("reverse", "lateral_epicondyle"), random.Random(0))
    assert check(shipped_kb, elbow, "scalenes").wrong == ("Scalene muscles",)
