"""Integration with clinical software: the versioned JSON contract and its schemas."""

from __future__ import annotations

from .schema import SCHEMA_VERSION, schema_for, schemas, stamp

__all__ = ["SCHEMA_VERSION", "schema_for", "schemas", "stamp"]
