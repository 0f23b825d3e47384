"""Checking and exporting a knowledge base: validate, schema, export (tables or an Anki deck)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InvalidQueryError, KnowledgeBaseError, NmtReferralError
from . import completion
from .base import (
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
    """Check a knowledge-base directory and list its problems.

    Every problem as file:line: message, exit 1 if any; the packaged knowledge base by default. Also
    says which overlay files replace a file whole, and which hidden or backup files were skipped.

    Examples:

    \b
      nmt-referral validate
      nmt-referral validate my-data/ --overlay clinic/
    """
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
    """Print the JSON Schema of a command's --json output.

    The versioned contract other programs build on (also in docs/schema/); no COMMAND: all of them.

    Examples:

    \b
      nmt-referral schema where
      nmt-referral schema
    """
    import json

    from ..interop.schema import COMMANDS, schema_for, schemas

    if document is None:
        _echo(json.dumps(schemas(), indent=2, ensure_ascii=False), raw=True)
        return
    if document not in COMMANDS:
        _fail(InvalidQueryError(f"no JSON schema for {document!r}; choose one of: {', '.join(COMMANDS)}"))
    _echo(json.dumps(schema_for(document), indent=2, ensure_ascii=False), raw=True)


@app.command()
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="json or csv (flat tables), or anki (an Anki deck).")],
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR|FILE",
            help="Where to write: the tables' directory (created if missing), or the deck's FILE.apkg.",
            readable=False,
        ),
    ],
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            metavar="AREA",
            autocompletion=completion.areas,
            help="anki: only one body area's muscles and their zones.",
        ),
    ] = None,
    data: DataOption = None,
    overlay: OverlayOption = None,
) -> None:
    """Write the knowledge base as tables, or as an Anki deck.

    json and csv: the tables (muscles, trigger points, zones, regions, conditions, phenomena, red flags,
    sources, body-map crosswalks) plus manifest.json (library version, data hash, columns), for pandas,
    R or import elsewhere. anki: FILE.apkg with a forward card per muscle (its trigger points, where
    they are, their zones) and a reverse card per region (the muscles that refer pain there), each with
    its referral map and sources; importing a newer deck updates the cards. Decks need the anki extra:
    pip install "nmt-referral[anki]".

    Examples:

    \b
      nmt-referral export csv tables/
      nmt-referral export anki referral.apkg
      nmt-referral export anki head.apkg --area head_face
    """
    if fmt == "anki":
        _export_anki(directory, area, data, overlay)
        return
    from ..interop.export import export as write_tables

    if fmt not in ("json", "csv"):
        _fail(InvalidQueryError(f"format must be 'json', 'csv' or 'anki', not {fmt!r}"))
    if area is not None:
        _fail(InvalidQueryError("--area applies to the anki format only"))
    kb = _load(data, overlay)
    try:
        written = write_tables(kb, directory, fmt)  # type: ignore[arg-type]
    except OSError as error:
        _echo(f"error: cannot write to {directory}: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_OUTPUT) from None
    _echo(f"wrote {len(written)} files to {directory} (data sha256:{kb.content_hash[:16]}...)")


def _export_anki(path: Path, area: str | None, data: Path | None, overlay: list[Path] | None) -> None:
    """``export anki FILE.apkg``: the deck, written whole or not at all (genanki imported only here)."""
    from ..models import AREAS

    if path.suffix.lower() != ".apkg":
        _fail(InvalidQueryError(f"an Anki deck is written to a .apkg file, not {str(path)[:200]!r}"))
    if area is not None and area not in AREAS:
        _fail(InvalidQueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}"))
    kb = _load(data, overlay)
    from ..study.anki import write_deck

    try:
        count = write_deck(kb, path, area=area)
    except NmtReferralError as error:
        _fail(error)
    except OSError as error:
        _echo(f"error: cannot write {str(path)[:200]}: {error.strerror or error}", err=True)
        raise typer.Exit(EXIT_OUTPUT) from None
    _echo(f"wrote {path}: {count} notes (data sha256:{kb.content_hash[:16]}...)")
