"""Integration with clinical software: the versioned JSON contract and its schemas, body-map crosswalks,
the export. Submodules load on first use: the schemas build pydantic models, which a command printing
a document must not pay for."""

from __future__ import annotations

from typing import Any

from .versioning import SCHEMA_VERSION, stamp

__all__ = ["SCHEMA_VERSION", "schema_for", "schemas", "stamp"]


def __getattr__(name: str) -> Any:
    if name in ("schema_for", "schemas"):
        from . import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
