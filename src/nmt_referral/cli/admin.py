"""Checking a knowledge base: validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InvalidQueryError, KnowledgeBaseError
from .app import (
    EXIT_INVALID_KB,
    EXIT_OUTPUT,
    DataOption,
    OverlayOption,
    _echo,
    _fail,
    _load,
    app,
)


@app.command()
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="DIR", readable=False, help="Knowledge-base directory (default: the packaged one)."),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Check a knowledge-base directory; print every problem as file:line: message (exit 1 if any)."""
    from ..load import validate as validate_kb

    try:
        kb = validate_kb(directory or data, overlays=overlay or ())
    except KnowledgeBaseError as error:
        for problem in error.problems:
            _echo(str(problem))
        count = len(error.problems)
        layered = "".join(f" + overlay {o}" for o in overlay or ())
        _echo(f"{count} problem{'s' if count != 1 else ''} in {error.path}{layered}", err=True)
        raise typer.Exit(EXIT_INVALID_KB) from None
    layered = "".join(f" + overlay {o}" for o in kb.overlays)
    _echo(
        f"ok: {kb.root}{layered}: {len(kb.muscles)} muscles, {len(kb.trigger_points)} trigger points, "
        f"{len(kb.regions)} regions, {len(kb.conditions)} condition terms, {len(kb.sources)} sources, "
        f"{len(kb.guides)} pain-guide lists"
    )
    if kb.patches_applied:
        _echo(f"applied {kb.patches_applied} patch{'es' if kb.patches_applied != 1 else ''} (patches/*.yaml)")
    if kb.shadowed_files:
        _echo(f"overlay files replacing a file whole ({len(kb.shadowed_files)}; a patch can add to it instead):")
        for line in kb.shadowed_files:
            _echo(f"  {line}")
    if kb.skipped_files:
        shown = ", ".join(kb.skipped_files[:10]) + (", ..." if len(kb.skipped_files) > 10 else "")
        rule = "names starting with . or ending with ~, .bak, .orig, .swp or .tmp"
        _echo(f"skipped {len(kb.skipped_files)} hidden, lock or backup file(s) ({rule}): {shown}")


@app.command()
def schema(
    document: Annotated[
        str | None,
        typer.Argument(
            metavar="COMMAND",
            help="A command (where, muscle, muscles, ...), 'care' (muscle --care), 'postures' (posture with no "
            "name) or 'error'; default: every schema, by name.",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a command's --json output (the versioned contract; docs/schema/)."""
    import json

    from ..interop.schema import COMMANDS, schema_for, schemas

    if document is None:
        _echo(json.dumps(schemas(), indent=2, ensure_ascii=False))
        return
    if document not in COMMANDS:
        _fail(InvalidQueryError(f"no JSON schema for {document!r}; choose one of: {', '.join(COMMANDS)}"))
    _echo(json.dumps(schema_for(document), indent=2, ensure_ascii=False))


@app.command()
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="Table format: json (arrays) or csv.")],
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Where to write the tables (created if missing).", readable=False)
    ],
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Write the whole knowledge base as flat tables (muscles, trigger points, zones, regions, conditions,
    phenomena, red flags, sources, body-map crosswalks) plus manifest.json (library version, data hash,
    columns), for pandas, R or import elsewhere."""
    from ..interop.export import export as write_tables

    if fmt not in ("json", "csv"):
        _fail(InvalidQueryError(f"format must be 'json' or 'csv', not {fmt!r}"))
    kb = _load(data, overlay)
    try:
        written = write_tables(kb, directory, fmt)  # type: ignore[arg-type]
    except OSError as error:
        _echo(f"error: cannot write to {directory}: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_OUTPUT) from None
    _echo(f"wrote {len(written)} files to {directory} (data sha256:{kb.content_hash[:16]}...)")
