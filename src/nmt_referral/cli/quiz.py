"""The quiz command: referral patterns asked in the terminal, with spaced repetition (see nmt_referral.study)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InvalidQueryError
from ..models import AREAS
from . import completion
from .base import DataOption, OverlayOption, _echo, _fail, _load, app

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase
    from ..study.progress import Entry
    from ..study.quiz import Question

_QUIZ_OPTIONS = ("area", "mode", "count", "seed")
"""Options that, given with --reset, start a quiz after clearing the progress."""


@app.command()
def quiz(
    ctx: typer.Context,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            metavar="AREA",
            autocompletion=completion.areas,
            help=f"Only one body area's muscles: {', '.join(AREAS)}.",
        ),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            metavar="forward|reverse|mixed",
            help="forward: muscle -> zones; reverse: region -> muscles; mixed: both.",
        ),
    ] = "mixed",
    count: Annotated[int, typer.Option("--count", "-n", metavar="N", help="Ask N questions.")] = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="S", help="Seed of the random order and options (reproducible).")
    ] = None,
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Clear the saved progress (alone: then exit; with other options: then quiz)."),
    ] = False,
    progress: Annotated[
        Path | None,
        typer.Option(
            "--progress",
            metavar="FILE",
            envvar="NMT_REFERRAL_QUIZ_PROGRESS",
            show_envvar=True,
            readable=False,
            help="Progress file (default: quiz-progress.json in the user's data directory, "
            "$XDG_DATA_HOME/nmt-referral or %APPDATA%\\nmt-referral).",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Test yourself on referral patterns in the terminal.

    Multiple choice with spaced repetition. Forward questions give a muscle and ask for the zones it
    refers pain to; reverse questions give a region and ask which muscles refer pain there (choose
    option numbers, or type muscle names: "SCM", "supinator, ECRL"). Each answer gets the knowledge
    base's answer and its source, and the score comes at the end. Items answered wrongly come back
    first next time (Leitner boxes; progress in the user's data directory). Answers are read line by
    line, so a pipe works too; q quits, ? = don't know.

    Examples:

    \b
      nmt-referral quiz --area head_face --count 5
      nmt-referral quiz --mode reverse --seed 7
      nmt-referral quiz --reset
    """
    from ..study import progress as schedule

    if area is not None and area not in AREAS:
        _fail(InvalidQueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}"))
    if mode not in ("forward", "reverse", "mixed"):
        _fail(InvalidQueryError(f"--mode must be forward, reverse or mixed, not {mode!r}"))
    if count < 1:
        _fail(InvalidQueryError(f"--count must be a positive whole number, not {count}"))
    path = progress if progress is not None else schedule.default_path()
    if reset:
        try:
            had = schedule.reset(path)
        except OSError as error:
            _fail(InvalidQueryError(f"cannot clear {str(path)[:200]}: {error.strerror or error}"))
        _echo(f"quiz progress cleared ({path})" if had else f"no quiz progress to clear ({path})")
        if not any(_given(ctx, name) for name in _QUIZ_OPTIONS):
            return
    kb = _load(data, overlay)
    _run(kb, path, mode=mode, area=area, count=count, seed=seed)


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option was given on the command line (not left at its default)."""
    return getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE"


def _run(kb: KnowledgeBase, path: Path, *, mode: str, area: str | None, count: int, seed: int | None) -> None:
    """Ask the questions, save after each answer, print the score (also on q, end of input, Ctrl-C)."""
    import random
    import time

    from ..study import progress as schedule
    from ..study.quiz import plan

    saved, warning = schedule.load(path)
    if warning:
        _echo(warning, err=True)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    questions = plan(kb, saved, mode=mode, area=area, count=count, seed=seed, now=time.time())
    if not questions:
        _echo(f"no questions for --mode {mode}" + (f" --area {area}" if area else ""), err=True)
        return
    what = {"forward": "muscle -> zones", "reverse": "region -> muscles", "mixed": "both ways"}[mode]
    plural = "s" if len(questions) != 1 else ""
    _echo(
        f"Quiz: {len(questions)} question{plural} ({what}{f', {area}' if area else ''}). "
        "Answer with option numbers; ? = don't know, q = quit."
    )
    session = _Session(kb, path, saved)
    try:
        for number, asked in enumerate(questions, start=1):
            if not session.ask(asked, number, len(questions)):
                break
    except KeyboardInterrupt:
        _echo("")
    stopped = f" (stopped after {session.asked} of {len(questions)})" if session.asked < len(questions) else ""
    _echo(f"\nScore: {session.right}/{session.asked}{stopped}")


class _Session:
    """One run of the quiz: the tally, and the progress saved after each answer."""

    def __init__(self, kb: KnowledgeBase, path: Path, saved: dict[str, Entry]) -> None:
        self.kb, self.path, self.saved = kb, path, saved
        self.right = self.asked = 0
        self.save_failed = False

    def ask(self, asked: Question, number: int, total: int) -> bool:
        """Ask one question; False when the quiz ends (q, end of input)."""
        import time

        from ..study.quiz import QUIT, InvalidAnswerError, check, feedback_text, question_text

        _echo("\n" + question_text(asked, number, total))
        while True:
            line = _read_line()
            if line is None or line.strip().casefold() in QUIT:
                return False
            try:
                verdict = check(self.kb, asked, line)
            except InvalidAnswerError as error:
                _echo(f"  {error}")
                continue
            break
        _echo(feedback_text(asked, verdict))
        self.asked += 1
        self.right += verdict.right
        self._save(asked.item.id, verdict.right, time.time())
        return True

    def _save(self, item_id: str, right: bool, now: float) -> None:
        from ..study import progress as schedule

        self.saved = schedule.record(self.saved, item_id, right, now)
        try:
            schedule.save(self.path, self.saved)
        except OSError as error:
            if not self.save_failed:
                self.save_failed = True
                _echo(
                    f"warning: cannot save the quiz progress to {str(self.path)[:200]}: "
                    f"{(error.strerror or str(error))[:200]}",
                    err=True,
                )


def _read_line() -> str | None:
    """One answer from stdin after a "> " prompt, or None at the end of input. Piped answers are
    echoed, so the transcript reads like a session at the terminal."""
    typer.echo("> ", nl=False)
    line = sys.stdin.readline()
    interactive = sys.stdin.isatty()
    if not line:
        _echo("")
        return None
    if not interactive:
        shown = line.rstrip("\r\n")
        _echo(shown if len(shown) <= 90 else shown[:87] + "...")
    return line.rstrip("\r\n")
