"""Shell completion of the names a command takes: locations, muscles and groups, red flags, sources,
postures, body areas and body maps. Each completer loads the knowledge base (from its cache) and offers
the names that start with what was typed, case-insensitively; a completer never fails the shell."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

MAX_OFFERED = 200
"""At most this many names are offered for one prefix (the shell shows them all)."""


def _offer(names: Iterable[str], incomplete: str) -> list[str]:
    """The names starting with ``incomplete`` whatever its case, each spelt with the typed prefix as
    typed (the shell keeps only completions that extend the word on the line)."""
    prefix = incomplete.casefold()
    seen: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key.startswith(prefix) and key not in seen:
            seen[key] = incomplete + name[len(incomplete) :] if len(key) == len(name) else name
    return sorted(seen.values(), key=str.casefold)[:MAX_OFFERED]


def _kb() -> KnowledgeBase | None:
    from ..errors import NmtReferralError
    from ..load import load

    try:
        return load()  # the packaged knowledge base, or $NMT_REFERRAL_DATA
    except (NmtReferralError, OSError):
        return None


def _completer(names_of: Callable[[KnowledgeBase], Iterable[str]]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        kb = _kb()
        return [] if kb is None else _offer(names_of(kb), incomplete)

    return complete


def _location_names(kb: KnowledgeBase) -> Iterable[str]:
    for table in (kb.regions, kb.conditions, kb.phenomena):
        for record in table.values():
            yield record.label
            yield from record.aliases


def _muscle_names(kb: KnowledgeBase) -> Iterable[str]:
    for muscle in kb.muscles.values():
        yield muscle.name
        yield from muscle.aliases
    for group in kb.groups.values():
        yield group.label
        yield from group.aliases


def _posture_names(kb: KnowledgeBase) -> Iterable[str]:
    for posture in kb.postures.values():
        yield posture.label
        yield from posture.aliases


def _body_maps(kb: KnowledgeBase) -> Iterable[str]:
    return kb.body_maps


def _areas(_kb: KnowledgeBase) -> Iterable[str]:
    from ..models import AREAS

    return AREAS


locations = _completer(_location_names)
muscles = _completer(_muscle_names)
red_flags = _completer(lambda kb: kb.red_flags)
sources = _completer(lambda kb: kb.sources)
postures = _completer(_posture_names)
body_maps = _completer(_body_maps)
areas = _completer(_areas)
