"""The phrase grammar: split a typed pain description into sites, sides, complaint words and places.

Pure text work, no knowledge base: ``parse`` turns "pins and needles in my left hand and wrist" into
two :class:`Site` parts (side "left", complaint "pins and needles", places "hand" and "wrist"), and
``orientation_variants`` offers the other ways a place with an orientation word may be named ("outer
hip" -> "lateral hip", "behind the knee" -> "posterior knee" / "back knee"). ``locations.py`` resolves the
parts against the knowledge base's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from .text import normalise, normalise_words

__all__ = [
    "COMPLAINTS",
    "COMPLAINT_NAMES",
    "ORIENTATION",
    "SIDE_WORDS",
    "Site",
    "orientation_variants",
    "parse",
    "place_key",
    "protected_words",
    "without_circumstances",
]

SIDE_WORDS = {"left": "left", "right": "right", "lt": "left", "rt": "right", "both": None, "bilateral": None}
"""Side words anywhere in a phrase ("pain in my left big toe"); "both"/"bilateral" mean no side filter."""

COMPLAINTS = (
    "pins and needles",
    "pins & needles",
    "headaches",
    "headache",
    "head ache",
    "numbness",
    "numb",
    "tingling",
    "tingly",
    "tingle",
    "paresthesia",
    "paraesthesia",
    "stiffness",
    "stiff",
    "weakness",
    "weak",
    "cramping",
    "cramps",
    "cramp",
)
"""Complaint words that are not places. Headache means "in the head"; the others name a phenomenon,
looked up by name in the knowledge base (``numbness`` is an alias of paresthesia there)."""

COMPLAINT_NAMES = {
    "numb": "numbness",
    "tingly": "tingling",
    "tingle": "tingling",
    "pins & needles": "pins and needles",
    "stiff": "stiffness",
    "weak": "weakness",
    "cramp": "cramps",
    "cramping": "cramps",
}
"""Built-in complaint words and the names the knowledge base knows them by."""

HEADACHE = frozenset({"headaches", "headache", "head ache"})

_FILLER = frozenset(
    [
        "i",
        "im",
        "i'm",
        "have",
        "has",
        "had",
        "got",
        "feel",
        "feels",
        "feeling",
        "felt",
        "there",
        "is",
        "it",
        "its",
        "it's",
        "that",
        "which",
        "all",
        "when",
        "with",
        "down",
        "up",
        "into",
        "along",
        "across",
        "through",
        "radiating",
        "radiates",
        "spreading",
        "spreads",
        "shooting",
        "sharp",
        "dull",
        "burning",
        "constant",
        "some",
        "really",
        "very",
        "like",
        "pressure",
        "throbbing",
        "pounding",
        "stabbing",
        "nagging",
        "severe",
        "mild",
        "chronic",
        "acute",
        "intermittent",
        "night",
        "nights",
        "morning",
        "mornings",
        "evening",
        "daytime",
        "sometimes",
        "often",
        "always",
        "from",
        "while",
        "after",
        "near",
        "nearby",
        "close",
        "next",
        "killing",
        "kills",
        "me",
        "bad",
        "badly",
        "terrible",
        "awful",
    ]
)
"""Words dropped from a place phrase, beyond the filler words ``text.normalise`` already drops."""


@lru_cache(maxsize=1)
def _conjunction() -> re.Pattern[str]:
    """Conjunctions and spreading words that separate sites (compiled on first use)."""
    return re.compile(
        r"\s*(,|;|&|\+|/|\band\b|\bplus\b|\bas well as\b|\b(?:radiat|spread|shoot|go|travel|run|mov|extend)\w*"
        r"\s+(?:down|up|into|to|through|across|along)\b|\b(?:down|into)\s+(?=(?:the|my|into|to)\b))\s*",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _list_separator() -> re.Pattern[str]:
    """Separators that list sites; the others say that pain spreads on from one site to the next."""
    return re.compile(r",|;|&|\+|/|and|plus|as well as", re.IGNORECASE)


ORIENTATION: dict[str, tuple[str, ...]] = {
    "outer": ("lateral", "outside", "side"),
    "outside": ("lateral", "outer", "side"),
    "external": ("lateral", "outer"),
    "lateral": ("outer", "outside", "side"),
    "side": ("lateral", "outer"),
    "inner": ("medial", "inside"),
    "inside": ("medial", "inner", "deep"),
    "internal": ("medial", "inner"),
    "medial": ("inner", "inside"),
    "front": ("anterior",),
    "anterior": ("front",),
    "back": ("posterior", "dorsal", "dorsum", "behind"),
    "behind": ("posterior", "back"),
    "rear": ("posterior", "back"),
    "posterior": ("back", "behind"),
    "top": ("superior", "dorsal", "dorsum", "upper"),
    "upper": ("superior", "top"),
    "bottom": ("plantar", "sole", "palmar", "inferior", "under"),
    "underside": ("plantar", "sole", "palmar", "bottom"),
    "under": ("plantar", "sole", "bottom", "inferior"),
    "lower": ("inferior", "bottom"),
    "dorsal": ("back", "dorsum", "top"),
    "dorsum": ("back", "dorsal", "top"),
    "palm": ("palmar", "volar"),
    "palmar": ("palm", "volar"),
    "volar": ("palmar", "palm"),
    "plantar": ("sole", "bottom", "underside"),
    "sole": ("plantar", "bottom"),
}
"""Orientation words and the other words a name may use for the same direction."""

WORD_FORMS: dict[str, tuple[str, ...]] = {
    "abdominal": ("abdomen",),
    "facial": ("face",),
    "nasal": ("nose",),
    "gluteal": ("buttock",),
    "pectoral": ("chest",),
    "costal": ("rib",),
    "pelvic": ("pelvis",),
    "sacral": ("sacrum",),
    "cranial": ("head",),
    "ocular": ("eye",),
    "dental": ("tooth",),
}
"""Adjectives and the nouns names use for the same place ("upper abdominal" = "upper abdomen")."""

_MAX_VARIANTS = 64


@dataclass(frozen=True)
class Site:
    """One site of a phrase: its text, side word, complaint words and the place words left over."""

    text: str
    side: str | None
    sided: bool
    complaints: tuple[str, ...]
    place: str

    @property
    def headache(self) -> bool:
        return any(c in HEADACHE for c in self.complaints)


def parse(phrase: str, symptom_names: Iterable[str] = ()) -> list[Site]:
    """Split a phrase into sites: conjunctions separate sites, complaint and side words are taken out.

    ``symptom_names`` adds the knowledge base's names of phenomena ("gooseflesh", "ringing in the ear")
    to the built-in ``COMPLAINTS``. Conjunctions ("and", ",", "/") and spreading words ("radiating down
    the leg") separate sites. A side word before the first site ("left neck and shoulder") applies to
    every site that names none. A complaint said with a place carries on to the following places that
    name none ("numbness in the hand and wrist"); a complaint with no place is a site of its own
    ("headache and neck pain": the headache, and the neck).
    """
    phrase = without_circumstances(phrase)
    joined, single, complaint_words = _complaint_table(tuple(symptom_names))
    if complaint_words.isdisjoint(re.findall(r"[^\W_]+", phrase.casefold())):
        joined = single = ()  # no word of any complaint name: nothing to take out
    shared, rest = _take_complaints(phrase, joined)
    sites: list[Site] = []
    shared_side: str | None = None
    shared_sided = False
    carried = shared
    pieces = _conjunction().split(rest)  # part, separator, part, separator, ..., part
    pending: list[str] = []  # complaints of a placeless part that spreads on ("numbness down the leg")
    for index in range(0, len(pieces), 2):
        part = pieces[index]
        spreads_on = index + 1 < len(pieces) and not _list_separator().fullmatch(pieces[index + 1].strip())
        own, part_rest = _take_complaints(part, single)
        own = [*pending, *own]
        pending = []
        side, sided, words = _take_side(part_rest)
        if not sites and sided:
            shared_side, shared_sided = side, sided
        if not sided and shared_sided:
            side, sided = shared_side, True
        place = " ".join(w for w in words if w.casefold().strip(".,") not in _FILLER).strip()
        if not normalise_words(place):
            place = ""  # only filler words ("the")
        if not place and own and spreads_on:
            pending = own
            continue
        if place and own:
            carried = [*shared, *own]
        complaints = carried if place and not own else [*shared, *own]
        if place or complaints:
            sites.append(Site(part.strip(), side, sided, tuple(dict.fromkeys(complaints)), place))
    if not sites:
        sites.append(Site(phrase.strip(), None, False, tuple(shared), ""))
    return sites


@lru_cache(maxsize=1)
def _circumstance() -> re.Pattern[str]:
    """Where a phrase goes on to say when or how it hurts ("... when I get up", "... lying on my side") or
    what it is not ("earache, no infection"): not a place. Compiled on first use."""
    return re.compile(
        r"\s*,?\s*\b(?:when|whenever|while|after|before|during|if|since|because|upon|on waking|"
        r"(?:getting|get) (?:up|out)|"
        r"(?:lying|sitting|standing|walking|running|bending|lifting|turning|reaching|chewing|swallowing|"
        r"breathing|sleeping|typing|driving|climbing)\b(?!\s+(?:down|up|into|to|through|across|along)\b)"
        r"|no|not|without|but|on (?:one|both|either) sides?|one[- ]sided)\b.*$",
        re.IGNORECASE | re.DOTALL,
    )


def without_circumstances(phrase: str) -> str:
    """``phrase`` up to the first word that opens a circumstance ("pain in the heel when I get up in the
    morning" -> "pain in the heel"), unless nothing would be left before it."""
    found = _circumstance().search(phrase)
    if found is None or not normalise_words(phrase[: found.start()]):
        return phrase
    return phrase[: found.start()]


def _take_complaints(text: str, table: tuple[tuple[str, str], ...]) -> tuple[list[str], str]:
    """The complaint names found in ``text`` (longest first) and the text without them."""
    found: list[str] = []
    folded = text.casefold()
    for complaint, key in table:
        if key not in folded:
            continue
        pattern = _complaint_pattern(complaint)
        if pattern.search(text):
            found.append(complaint)
            text = pattern.sub(" ", text)
            folded = text.casefold()
    return found, text


_Complaints = tuple[tuple[str, str], ...]


@lru_cache(maxsize=8)
def _complaint_table(symptom_names: tuple[str, ...]) -> tuple[_Complaints, _Complaints, frozenset[str]]:
    """Complaint names, longest first, each with its casefolded form (for a quick substring test): those
    that contain a conjunction ("pins and needles", taken out before the phrase is split) and the
    others; and every word of them (a phrase sharing none has no complaint to take out)."""
    names = sorted({*COMPLAINTS, *symptom_names}, key=lambda name: (-len(name), name))
    table = tuple((name, name.casefold()) for name in names)
    joined = tuple(entry for entry in table if _conjunction().search(entry[0]))
    single = tuple(entry for entry in table if entry not in joined)
    words = frozenset(word for _name, key in table for word in re.findall(r"[^\W_]+", key))
    return joined, single, words


@lru_cache(maxsize=2048)
def _complaint_pattern(complaint: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(complaint)}\b", re.IGNORECASE)


def _take_side(part: str) -> tuple[str | None, bool, list[str]]:
    side: str | None = None
    sided = False
    kept: list[str] = []
    for word in part.split():
        key = word.casefold().strip(".,")
        if key in SIDE_WORDS:
            side, sided = SIDE_WORDS[key], True
            continue
        if key in ("side", "sides") and sided and kept == []:
            continue  # "left side of the neck" keeps "of the neck"
        kept.append(word)
    return side, sided, kept


def orientation_variants(key: str) -> Iterator[str]:
    """Other normalised spellings of a place key, its orientation words swapped for synonyms and its
    adjectives for nouns (``WORD_FORMS``).

    Example:
        >>> list(orientation_variants("outer hip"))[:2]
        ['lateral hip', 'outside hip']
    """
    words = key.split()
    options = [(word, *ORIENTATION.get(word, ()), *WORD_FORMS.get(word, ())) for word in words]
    if all(len(option) == 1 for option in options):
        return
    count = 0
    for combination in product(*options):
        variant = " ".join(w for w in combination if w)
        if variant != key:
            yield variant
            count += 1
            if count >= _MAX_VARIANTS:
                return


def protected_words(key: str, known: frozenset[str]) -> set[str]:
    """Words of a normalised key that a fuzzy match may not drop: known place words and orientations."""
    return {word for word in key.split() if word in known or word in ORIENTATION or word in SIDE_WORDS}


def place_key(site: Site) -> str:
    """The normalised key of a site's place words ("" when it names none)."""
    return normalise(site.place) if site.place else ""
