"""Quiz items from the knowledge base, and the checking of answers. No I/O.

Two kinds of item:

- **forward** (one per muscle): "Where does Temporalis refer pain?" The options are zones of the
  muscle's referral patterns and distractors; the right answer is exactly the options that are zones.
- **reverse** (one per region that a referral pattern names as a zone): "Pain at: Lateral epicondyle.
  Which muscles?" The options are muscles that refer pain there and distractors; muscle names may be
  typed instead (matched as ``kb.muscle`` matches them: aliases, abbreviations, misspellings).

What counts, by rule (see :func:`reverse_facts` and :func:`forward_facts`):

- a muscle *refers to* a region when one of its trigger points has an essential or spillover zone on
  the region or on a region inside it, or when a pain guide lists it under a heading naming the region;
- the *main* muscles of a region are those, ordered essential zone first, then spillover, then listed
  by a pain guide only; within each, by the pain guides' order for the region, then by name;
- a *distractor* is never near the truth: for a muscle, a zone that other muscles of its body area
  use and that is none of its zones nor above, inside or next to one; for a region, a muscle that the
  knowledge base does not relate to the region at all (no zone on, in, above or next to it, in no
  pain guide for it), preferably from the body area of the right options.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..errors import InvalidAnswerError, NmtReferralError

if TYPE_CHECKING:
    import random

    from ..knowledge_base import KnowledgeBase
    from ..models import Muscle
    from .progress import Entry

__all__ = [
    "DONT_KNOW",
    "KINDS",
    "MODES",
    "QUIT",
    "ForwardFacts",
    "InvalidAnswerError",
    "Item",
    "Option",
    "Question",
    "ReverseFacts",
    "Verdict",
    "check",
    "feedback_text",
    "forward_facts",
    "items",
    "plan",
    "question",
    "question_text",
    "reverse_facts",
    "short_citation",
    "zone_regions",
]

Kind = Literal["forward", "reverse"]
KINDS: tuple[Kind, ...] = ("forward", "reverse")
MODES = ("forward", "reverse", "mixed")
OPTIONS = 5
"""Options per question (fewer when the knowledge base has too few distractors)."""
MAX_RIGHT_FORWARD = 3
MAX_RIGHT_REVERSE = 2
"""At most this many of the options are right (at least one; how many is drawn at random)."""
MAIN_SHOWN = 5
"""Main muscles named in the feedback of a reverse question."""
SOURCES_SHOWN = 4
"""Sources named in the feedback (the rest are counted)."""
MAX_ANSWER = 500
"""Longest answer read, in characters."""
QUIT = frozenset({"q", "quit"})
DONT_KNOW = frozenset({"", "?"})


@dataclass(frozen=True)
class Item:
    """One thing to learn: ``forward:<muscle id>`` or ``reverse:<region id>``."""

    kind: Kind
    subject: str

    @property
    def id(self) -> str:
        """The key of the item in the progress file."""
        return f"{self.kind}:{self.subject}"


@dataclass(frozen=True)
class Option:
    """A numbered choice: a region id (forward) or a muscle id (reverse), with its label."""

    key: str
    label: str
    right: bool


@dataclass(frozen=True)
class Question:
    """An item asked: the prompt, the options, and what the feedback shows."""

    item: Item
    prompt: str
    options: tuple[Option, ...]
    answer_lines: tuple[str, ...]
    """The knowledge base's answer, as the feedback shows it."""
    accepted: frozenset[str]
    """Reverse: the muscle ids that refer pain to the region (a typed name is right if among them)."""
    sources: tuple[str, ...]
    """Short citations of the sources behind the answer."""

    @property
    def typed_names(self) -> bool:
        """Whether muscle names may be typed instead of option numbers."""
        return self.item.kind == "reverse"


@dataclass(frozen=True)
class Verdict:
    """How an answer was judged, and what to say about it."""

    right: bool
    dont_know: bool = False
    missed: tuple[str, ...] = ()
    """Labels of right options not chosen."""
    wrong: tuple[str, ...] = ()
    """Labels of chosen options (or typed muscles) that are not right."""
    named: tuple[str, ...] = ()
    """Typed muscles recognised and right."""
    unknown: tuple[str, ...] = ()
    """Typed names not recognised, each with the closest names when there are any."""


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class ForwardFacts:
    """A muscle's zones (region ids, in pattern order) and the sources of its patterns."""

    essential: tuple[str, ...]
    spillover: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def zones(self) -> tuple[str, ...]:
        """Every zone, essential first, each once."""
        return tuple(dict.fromkeys((*self.essential, *self.spillover)))


@dataclass(frozen=True)
class ReverseFacts:
    """The muscles that refer pain to a region, main ones first, and why.

    ``strength`` is ``essential``, ``spillover`` or ``pain guide`` per muscle id; ``main`` lists every
    muscle of ``strength`` in the order of the rule (module docstring); ``cited`` the sources that say
    so, per muscle (its patterns' sources, or the pain guides'); ``related`` adds the muscles the
    knowledge base relates to the region in a weaker way (a zone above or next to it, a pain guide of a
    broader area): never used as distractors.
    """

    region: str
    main: tuple[str, ...]
    strength: dict[str, str]
    cited: dict[str, tuple[str, ...]]
    related: frozenset[str]

    def sources(self, muscles: Iterable[str] | None = None) -> tuple[str, ...]:
        """Source ids behind the given muscles (default: the first ``MAIN_SHOWN`` main ones), each once."""
        chosen = self.main[:MAIN_SHOWN] if muscles is None else muscles
        return tuple(dict.fromkeys(s for m in chosen for s in self.cited.get(m, ())))


def forward_facts(muscle: Muscle) -> ForwardFacts:
    """The zones of every trigger point of ``muscle`` and the sources that give them."""
    essential: dict[str, None] = {}
    spillover: dict[str, None] = {}
    sources: dict[str, None] = {}
    for trp in muscle.trigger_points:
        essential.update((zone.region, None) for zone in trp.pattern.essential)
        spillover.update((zone.region, None) for zone in trp.pattern.spillover)
        sources.update((source, None) for source in trp.pattern.sources)
    return ForwardFacts(tuple(essential), tuple(r for r in spillover if r not in essential), tuple(sources))


def reverse_facts(kb: KnowledgeBase, region_id: str) -> ReverseFacts:
    """The muscles that refer pain to ``region_id`` (rule in the module docstring), with the sources
    of the patterns and pain guides that say so."""
    strength: dict[str, str] = {}
    cited: dict[str, list[str]] = {}
    related: set[str] = set()
    for hit, relation in kb.region_hits(region_id):
        related.add(hit.muscle)
        if relation not in ("exact", "within"):
            continue
        if hit.zone == "essential" or strength.get(hit.muscle) != "essential":
            strength[hit.muscle] = hit.zone
        cited.setdefault(hit.muscle, []).extend(kb.trigger_points[hit.trigger_point].pattern.sources)
    for guide in kb.guides.values():
        if region_id in guide.regions:
            for muscle_id in guide.muscles:
                if strength.setdefault(muscle_id, "pain guide") == "pain guide":
                    cited.setdefault(muscle_id, []).append(guide.source)
    likelihood, _rows = kb.guide_ranks(region_id)
    related.update(likelihood)
    rank = {"essential": 0, "spillover": 1, "pain guide": 2}
    main = sorted(strength, key=lambda m: (rank[strength[m]], -likelihood.get(m, 0.0), kb.muscles[m].name, m))
    return ReverseFacts(
        region_id,
        tuple(main),
        strength,
        {m: tuple(dict.fromkeys(s)) for m, s in cited.items()},
        frozenset(related | set(strength)),
    )


def zone_regions(kb: KnowledgeBase) -> dict[str, None]:
    """Every region that a referral pattern names as a zone, sorted by id (an ordered set)."""
    found = {
        zone.region
        for muscle in kb.muscles.values()
        for trp in muscle.trigger_points
        for zone in (*trp.pattern.essential, *trp.pattern.spillover)
    }
    return dict.fromkeys(sorted(found))


def items(kb: KnowledgeBase, *, mode: str = "mixed", area: str | None = None) -> list[Item]:
    """The quiz items, sorted by id: forward items for the muscles (of ``area``), reverse items for
    the regions that a referral pattern names as a zone (with ``area``: those where a muscle of that
    area has a zone, on the region or inside it)."""
    found: list[Item] = []
    if mode in ("forward", "mixed"):
        found += [
            Item("forward", m.id) for m in kb.muscles.values() if area in (None, m.area) and forward_facts(m).zones
        ]
    if mode in ("reverse", "mixed"):
        for region_id in zone_regions(kb):
            facts = reverse_facts(kb, region_id)
            zoned = [m for m in facts.main if facts.strength[m] != "pain guide"]
            if zoned and (area is None or any(kb.muscles[m].area == area for m in zoned)):
                found.append(Item("reverse", region_id))
    return sorted(found, key=lambda item: item.id)


def plan(
    kb: KnowledgeBase,
    progress: Mapping[str, Entry],
    *,
    mode: str = "mixed",
    area: str | None = None,
    count: int = 10,
    seed: int = 0,
    now: float,
) -> list[Question]:
    """The questions of one quiz: the first ``count`` items in the schedule's order (see
    :mod:`nmt_referral.study.progress`), each with options drawn from ``seed`` and the item's id, so
    the same seed and progress give the same quiz."""
    import random

    from .progress import schedule

    pool = {item.id: item for item in items(kb, mode=mode, area=area)}
    order = schedule(list(pool), progress, now, random.Random(seed))
    return [question(kb, pool[i], random.Random(f"{seed}:{i}"), area=area) for i in order[:count]]


# --------------------------------------------------------------------------- questions


def short_citation(kb: KnowledgeBase, source_id: str) -> str:
    """The authors (the citation's first sentence, cut at a word to 80 characters) and the year."""
    source = kb.sources[source_id]
    text = source.citation.split(". ")[0].strip()
    if len(text) > 80:
        text = text[:77].rsplit(" ", 1)[0].rstrip(",;:( ") + "..."
    return text + (f" ({source.year})" if source.year and str(source.year) not in text else "")


def question(kb: KnowledgeBase, item: Item, rng: random.Random, *, area: str | None = None) -> Question:
    """The question for ``item``: options drawn with ``rng`` (seed it for the same question again).
    With ``area``, a reverse question's right options are that area's muscles."""
    if item.kind == "forward":
        return _forward_question(kb, item, rng)
    return _reverse_question(kb, item, rng, area)


def _family(kb: KnowledgeBase, region_ids: Iterable[str]) -> set[str]:
    """The regions, and every region above, inside or next to one of them."""
    family: set[str] = set()
    for region_id in region_ids:
        family.update((region_id, *kb.ancestors(region_id), *kb.descendants(region_id), *kb.adjacent(region_id)))
    return family


def _forward_question(kb: KnowledgeBase, item: Item, rng: random.Random) -> Question:
    muscle = kb.muscles[item.subject]
    facts = forward_facts(muscle)
    right = rng.sample(facts.zones, rng.randint(1, min(MAX_RIGHT_FORWARD, len(facts.zones))))
    family = _family(kb, facts.zones)
    same_area = {m.id for m in kb.muscles.values() if m.area == muscle.area and m.id != muscle.id}
    near: dict[str, None] = {}
    far: dict[str, None] = {}
    for other in kb.muscles.values():
        for region_id in forward_facts(other).zones:
            if region_id not in family:
                (near if other.id in same_area else far)[region_id] = None
    wrong = _draw(rng, sorted(near), sorted(set(far) - set(near)), OPTIONS - len(right))
    options = [Option(r, kb.regions[r].label, True) for r in right]
    options += [Option(r, kb.regions[r].label, False) for r in wrong]
    rng.shuffle(options)
    lines = [f"{muscle.name} refers pain to:", "  essential: " + _labels(kb, facts.essential)]
    if facts.spillover:
        lines.append("  spillover: " + _labels(kb, facts.spillover))
    return Question(
        item=item,
        prompt=f"Where does {muscle.name} refer pain? Choose every option that is one of its zones.",
        options=tuple(options),
        answer_lines=tuple(lines),
        accepted=frozenset(),
        sources=tuple(short_citation(kb, s) for s in facts.sources),
    )


def _reverse_question(kb: KnowledgeBase, item: Item, rng: random.Random, area: str | None) -> Question:
    region = kb.regions[item.subject]
    facts = reverse_facts(kb, region.id)
    zoned = [m for m in facts.main if facts.strength[m] != "pain guide"] or list(facts.main)
    pool = [m for m in zoned if kb.muscles[m].area == area] if area else zoned[:MAIN_SHOWN]
    pool = pool or zoned[:MAIN_SHOWN]
    right = rng.sample(pool, rng.randint(1, min(MAX_RIGHT_REVERSE, len(pool))))
    areas = {kb.muscles[m].area for m in right}
    unrelated = [m for m in kb.muscles if m not in facts.related]
    near = [m for m in unrelated if kb.muscles[m].area in areas]
    wrong = _draw(rng, near, [m for m in unrelated if m not in set(near)], OPTIONS - len(right))
    options = [Option(m, kb.muscles[m].name, True) for m in right]
    options += [Option(m, kb.muscles[m].name, False) for m in wrong]
    rng.shuffle(options)
    shown = facts.main[:MAIN_SHOWN]
    lines = ["main muscles: " + ", ".join(f"{kb.muscles[m].name} ({facts.strength[m]})" for m in shown)]
    if len(facts.main) > len(shown):
        more = len(facts.main) - len(shown)
        lines.append(f"and {more} more: nmt-referral where {_quoted(region.label)}")
    return Question(
        item=item,
        prompt=f"Pain at: {region.label}. Which muscles' trigger points refer pain there?",
        options=tuple(options),
        answer_lines=tuple(lines),
        accepted=frozenset(facts.strength),
        sources=tuple(short_citation(kb, s) for s in facts.sources()),
    )


def _draw(rng: random.Random, first: Sequence[str], then: Sequence[str], count: int) -> list[str]:
    """``count`` distinct values at random: from ``first``, topped up from ``then`` when it runs short."""
    chosen = rng.sample(list(first), min(count, len(first)))
    rest = count - len(chosen)
    return chosen + rng.sample(list(then), min(rest, len(then)))


def _labels(kb: KnowledgeBase, region_ids: Iterable[str]) -> str:
    return ", ".join(kb.regions[r].label for r in region_ids) or "-"


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


# --------------------------------------------------------------------------- answers

_NUMBERS = re.compile(r"^[\d\s,;]+$")
_NAME_SEPARATORS = re.compile(r"\s*[,;/+&]\s*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def check(kb: KnowledgeBase, asked: Question, answer: str) -> Verdict:
    """Judge an answer: option numbers ("1 3", "1,3"), or for a reverse question muscle names
    ("supinator, ECRL"); ``?`` or nothing means "don't know" (wrong).

    Raises:
        InvalidAnswerError: numbers out of range, words where only numbers are accepted, or an
            overlong answer.
    """
    text = answer.strip()
    if len(text) > MAX_ANSWER:
        raise InvalidAnswerError(f"an answer has at most {MAX_ANSWER} characters")
    if text in DONT_KNOW:
        missed = tuple(o.label for o in asked.options if o.right)
        return Verdict(right=False, dont_know=True, missed=missed)
    if _NUMBERS.match(text):
        return _check_numbers(asked, text)
    if not asked.typed_names:
        raise InvalidAnswerError(f"answer with option numbers 1-{len(asked.options)}, e.g. 1 3")
    return _check_names(kb, asked, text)


def _check_numbers(asked: Question, text: str) -> Verdict:
    numbers = {int(n) for n in re.split(r"[\s,;]+", text) if n}
    if not numbers or not all(1 <= n <= len(asked.options) for n in numbers):
        raise InvalidAnswerError(f"choose among the option numbers 1-{len(asked.options)}, e.g. 1 3")
    chosen = {asked.options[n - 1] for n in numbers}
    missed = tuple(o.label for o in asked.options if o.right and o not in chosen)
    wrong = tuple(o.label for o in asked.options if o in chosen and not o.right)
    return Verdict(right=not missed and not wrong, missed=missed, wrong=wrong)


def _check_names(kb: KnowledgeBase, asked: Question, text: str) -> Verdict:
    named: dict[str, None] = {}
    wrong: dict[str, None] = {}
    unknown: list[str] = []
    for name in _names(kb, text):
        group = kb.group(name)
        if group is not None:
            members = [m for m in group.members if m in asked.accepted]
            (named if members else wrong)[group.label] = None
            continue
        try:
            muscle = kb.muscle(name)
        except NmtReferralError as error:
            close = list(getattr(error, "suggestions", ()))[:3]
            unknown.append(name[:60] + (f" (closest: {', '.join(close)})" if close else ""))
            continue
        (named if muscle.id in asked.accepted else wrong)[muscle.name] = None
    return Verdict(
        right=bool(named) and not wrong and not unknown, wrong=tuple(wrong), named=tuple(named), unknown=tuple(unknown)
    )


def _names(kb: KnowledgeBase, text: str) -> list[str]:
    """The names in a typed answer: split at commas (; / + &), and at "and" unless the part is a name
    with "and" in it ("Rhomboid major and minor")."""
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        if not part:
            continue
        if _AND.search(part) and kb.get_muscle(part) is None and kb.group(part) is None:
            names.extend(p for p in _AND.split(part) if p)
        else:
            names.append(part)
    return names


# --------------------------------------------------------------------------- text


def _line(text: str) -> str:
    """One logical line, indented under the verdict; the terminal layer wraps it to its width."""
    return f"  {text}".rstrip()


def question_text(asked: Question, number: int, total: int) -> str:
    """The question as the terminal shows it: prompt, numbered options, how to answer."""
    lines = [f"{number}/{total}. {asked.prompt}".rstrip()]
    lines += [f"  {n}. {option.label}" for n, option in enumerate(asked.options, start=1)]
    how = "numbers (1 3), or muscle names" if asked.typed_names else "numbers (1 3)"
    lines.append(f"  answer with {how}; ? = don't know, q = quit")
    return "\n".join(lines)


def feedback_text(asked: Question, verdict: Verdict) -> str:
    """Right or wrong, what was missed or wrong, the knowledge base's answer and its source."""
    lines = ["  Right." if verdict.right else "  Not answered." if verdict.dont_know else "  Wrong."]
    right_numbers = [str(n) for n, option in enumerate(asked.options, start=1) if option.right]
    right_labels = [option.label for option in asked.options if option.right]
    if not verdict.right:
        lines.append(_line(f"answer: {' '.join(right_numbers)} ({', '.join(right_labels)})"))
    if verdict.named:
        lines.append(_line("refer pain there: " + ", ".join(verdict.named)))
    if verdict.missed and not verdict.dont_know:
        lines.append(_line("missed: " + ", ".join(verdict.missed)))
    if verdict.wrong:
        what = "not a zone of it" if asked.item.kind == "forward" else "does not refer pain there"
        lines.append(_line(f"{what}: " + ", ".join(verdict.wrong)))
    if verdict.unknown:
        lines.append(_line("not a muscle name: " + "; ".join(verdict.unknown)))
    lines += [_line(line) for line in asked.answer_lines]
    if asked.sources:
        shown = list(asked.sources[:SOURCES_SHOWN])
        if len(asked.sources) > SOURCES_SHOWN:
            shown.append(f"and {len(asked.sources) - SOURCES_SHOWN} more")
        lines.append(_line(("source: " if len(asked.sources) == 1 else "sources: ") + "; ".join(shown)))
    return "\n".join(lines)
