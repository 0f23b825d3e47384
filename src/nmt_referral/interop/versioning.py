"""The version stamp of every ``--json`` document. Kept apart from the schemas (which build pydantic
models at import) so that printing a document costs no more than the document."""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA_VERSION", "stamp"]

SCHEMA_VERSION = "1.0.0"
"""Version of the JSON documents' shape (semver)."""


def stamp(value: Any) -> Any:
    """A JSON value with ``schema_version`` and ``nmt_referral_version`` added: to the object, or to each
    object of an array (the listing commands print arrays, a fixed contract)."""
    from .. import __version__

    head = {"schema_version": SCHEMA_VERSION, "nmt_referral_version": __version__}
    if isinstance(value, dict):
        return {**head, **value}
    if isinstance(value, list):
        return [{**head, **item} if isinstance(item, dict) else item for item in value]
    return value
