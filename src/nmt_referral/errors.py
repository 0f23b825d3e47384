"""Exception hierarchy of nmt_referral. Every error the public API raises derives from NmtReferralError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "InvalidQueryError",
    "KnowledgeBaseError",
    "NmtReferralError",
    "Problem",
    "UnknownLocationError",
    "UnknownMuscleError",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a knowledge-base file: rendered as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        path = _visible(self.path)  # a file name with a newline cannot forge another problem line
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


def _visible(text: str) -> str:
    """``text`` with control characters (line breaks included) written as escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class NmtReferralError(Exception):
    """Base class of every error raised by nmt_referral."""


class ImmutableError(NmtReferralError, AttributeError):
    """A loaded record or a query result was assigned to (or deleted from): they are immutable, shared
    by every caller. Build a changed copy with ``model_copy(update={...})`` instead."""


class KnowledgeBaseError(NmtReferralError, ValueError):
    """A knowledge-base directory cannot be loaded: lists every problem found.

    Attributes:
        path: the knowledge-base directory.
        problems: every problem, sorted by file and line.
    """

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        super().__init__(path, self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"knowledge base {self.path} has {count} problem{'s' if count != 1 else ''}"
        return "\n".join([head, *(str(p) for p in self.problems)])


class _LookupFailure(NmtReferralError, LookupError):
    kind = "name"

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(query, self.suggestions)

    def __str__(self) -> str:
        shown = self.query if len(self.query) <= 80 else self.query[:77] + "..."
        message = f"unknown {self.kind}: {shown!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        return message


class UnknownMuscleError(_LookupFailure):
    """No muscle matches the name. Attributes: ``query``, ``suggestions`` (closest names)."""

    kind = "muscle"


class UnknownLocationError(_LookupFailure):
    """A pain location cannot be resolved. Attributes: ``query``, ``suggestions``."""

    kind = "location"


class UnknownPostureError(_LookupFailure):
    """No postural pattern has the name. Attributes: ``query``, ``suggestions``."""

    kind = "postural pattern"


class UnknownRedFlagError(_LookupFailure):
    """No red flag has the id. Attributes: ``query``, ``suggestions`` (the known ids)."""

    kind = "red flag"


class UnknownSourceError(_LookupFailure):
    """No source has the id. Attributes: ``query``, ``suggestions`` (the closest ids)."""

    kind = "source"


class UnknownBodyMapError(_LookupFailure):
    """No body map has the id, or the body map has no area with the code. Attributes: ``query``,
    ``suggestions`` (known maps, or the map's codes closest to the one given)."""

    kind = "body map or body-map code"


class InvalidQueryError(NmtReferralError, ValueError):
    """A query argument is malformed: empty location, unknown side, non-positive limit, ..."""


class AtlasError(NmtReferralError, ValueError):
    """The atlas cannot be written into ``path`` (not a folder, or a folder that is not an atlas)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(path, reason)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class InvalidAnswerError(NmtReferralError, ValueError):
    """An answer that cannot be read (an option number out of range): ask again."""


class AnkiUnavailableError(NmtReferralError, RuntimeError):
    """Anki decks need the optional extra: ``pip install "nmt-referral[anki]"``."""

    def __str__(self) -> str:
        return 'Anki decks need the "anki" extra: pip install "nmt-referral[anki]"'
