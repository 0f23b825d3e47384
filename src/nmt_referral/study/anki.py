"""Anki decks of the referral patterns (the ``anki`` extra: genanki).

Two kinds of note, the same facts as the quiz (:mod:`nmt_referral.study.quiz`):

- **forward**, one per muscle: the muscle on the front; on the back each trigger point with where to
  find it and its essential and spillover zones, the referral map (SVG) and the sources;
- **reverse**, one per region that a referral pattern names as a zone: the region on the front; on
  the back the muscles that refer pain there, main ones first (essential, spillover, pain guide), the
  reverse map of ``where REGION`` and the sources.

Ids are stable, so that importing a rebuilt deck updates the notes already in a collection instead of
adding copies: the deck and note-type ids are constants, each note's GUID is derived from its record
id (``genanki.guid_for("nmt-referral", kind, id)``) and each picture is named after its record id.
The build is deterministic for a given time stamp (``timestamp``, else ``$SOURCE_DATE_EPOCH``, else
now; Anki updates a note on import when the note is newer than its copy in the collection).
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnkiUnavailableError, NmtReferralError
from ..files import write_atomically
from .quiz import forward_facts, items, reverse_facts

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase
    from ..maps import Figures

__all__ = [
    "DECK_ID",
    "DECK_NAME",
    "FORWARD_MODEL_ID",
    "REVERSE_MODEL_ID",
    "AnkiUnavailableError",
    "Note",
    "build_deck",
    "deck_id",
    "note_guid",
    "notes",
    "write_deck",
]

DECK_ID = 1_873_460_211
"""Id of the whole deck (an area's deck: :func:`deck_id`)."""
FORWARD_MODEL_ID = 1_873_460_212
REVERSE_MODEL_ID = 1_873_460_213
"""Ids of the two note types (fixed: Anki matches note types by id on import)."""
DECK_NAME = "Trigger-point referral patterns (nmt-referral)"
GUID_NAMESPACE = "nmt-referral"


@dataclass(frozen=True)
class Note:
    """One note of the deck, before genanki: its kind, record id, fields, tags and picture."""

    kind: str  # forward | reverse
    record: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    media_name: str | None
    media: bytes | None


def note_guid(kind: str, record: str) -> str:
    """The GUID of a note: ``genanki.guid_for("nmt-referral", kind, record id)``, the same in every build.

    Raises:
        AnkiUnavailableError: genanki is not installed.
    """
    return str(_genanki().guid_for(GUID_NAMESPACE, kind, record))


def deck_id(area: str | None) -> int:
    """The deck's id: ``DECK_ID``, or for one body area a fixed id derived from the area's name."""
    if area is None:
        return DECK_ID
    return DECK_ID + 1000 + int(hashlib.sha256(area.encode()).hexdigest()[:6], 16)


def notes(kb: KnowledgeBase, *, area: str | None = None, figures: Figures | None = None) -> list[Note]:
    """Every note of the deck (of one body area), forward notes first, each kind sorted by id. The
    pictures come from the knowledge base's body charts; with none, the notes have no picture.

    Raises:
        KnowledgeBaseError: the body charts are invalid.
    """
    from ..maps import load_figures

    figures = figures if figures is not None else load_figures(kb.root)
    drawn = figures if figures.views else None
    found: list[Note] = []
    for item in items(kb, mode="mixed", area=area):
        if item.kind == "forward":
            found.append(_forward_note(kb, item.subject, drawn))
        else:
            found.append(_reverse_note(kb, item.subject, drawn))
    return found


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _sources_html(kb: KnowledgeBase, source_ids: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(kb.sources[s].citation)}</li>" for s in dict.fromkeys(source_ids)) + "</ul>"


def _forward_note(kb: KnowledgeBase, muscle_id: str, figures: Figures | None) -> Note:
    muscle = kb.muscles[muscle_id]
    rows = []
    for trp in muscle.trigger_points:
        pattern = trp.pattern
        essential = ", ".join(kb.regions[z.region].label for z in pattern.essential) or "-"
        spillover = ", ".join(kb.regions[z.region].label for z in pattern.spillover) or "-"
        rows.append(
            f'<div class="trp"><b>{_e(trp.name)}</b>{f" ({_e(trp.part)})" if trp.part else ""}'
            f'<div class="where">{_e(trp.location)}</div>'
            f"<div>essential: {_e(essential)}</div><div>spillover: {_e(spillover)}</div></div>"
        )
    media_name = media = None
    if figures is not None:
        from ..maps import referral_map

        media_name = f"nmt-referral-forward-{muscle.id}.svg"
        media = referral_map(kb, muscle.id, figures=figures).encode("utf-8")
    fields = (
        _e(muscle.name),
        _e(muscle.area.replace("_", " ")),
        "".join(rows),
        f'<img src="{media_name}">' if media_name else "",
        _sources_html(kb, forward_facts(muscle).sources),
        muscle.id,
    )
    tags = ("nmt-referral", "forward", muscle.area)
    return Note("forward", muscle.id, fields, tags, media_name, media)


def _reverse_note(kb: KnowledgeBase, region_id: str, figures: Figures | None) -> Note:
    region = kb.regions[region_id]
    facts = reverse_facts(kb, region_id)
    listed = "".join(f"<li>{_e(kb.muscles[m].name)} ({facts.strength[m]})</li>" for m in facts.main)
    media_name = media = None
    if figures is not None:
        media_name, media = _reverse_picture(kb, region_id, figures)
    areas = sorted({kb.muscles[m].area for m in facts.main if facts.strength[m] != "pain guide"})
    fields = (
        _e(region.label),
        f"<ol>{listed}</ol>",
        f'<img src="{media_name}">' if media_name else "",
        _sources_html(kb, facts.sources(facts.main)),
        region.id,
    )
    tags = ("nmt-referral", "reverse", *areas)
    return Note("reverse", region.id, fields, tags, media_name, media)


def _reverse_picture(kb: KnowledgeBase, region_id: str, figures: Figures) -> tuple[str | None, bytes | None]:
    """The reverse map of a query on the region (by its label), if the label resolves to it."""
    from ..maps import reverse_map

    try:
        result = kb.where(kb.regions[region_id].label)
    except NmtReferralError:
        return None, None
    sites = result.query.locations
    if len(sites) != 1 or sites[0].regions != (region_id,):
        return None, None
    return f"nmt-referral-reverse-{region_id}.svg", reverse_map(kb, result, figures=figures).encode("utf-8")


# --------------------------------------------------------------------------- the package

_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; color: #222; background: #fff; }
.question { font-size: 22px; font-weight: bold; }
.trp { margin: 0.6em 0; } .where { font-size: 15px; color: #555; }
.sources { font-size: 13px; color: #555; } img { max-width: 100%; }
"""
_FORWARD_FIELDS = ("Muscle", "Area", "TriggerPoints", "Map", "Sources", "Id")
_REVERSE_FIELDS = ("Region", "Muscles", "Map", "Sources", "Id")
_FORWARD_FRONT = '<div class="question">{{Muscle}}</div><div>Where do its trigger points refer pain?</div>'
_FORWARD_BACK = '{{FrontSide}}<hr id="answer">{{TriggerPoints}}{{Map}}<div class="sources">{{Sources}}</div>'
_REVERSE_FRONT = '<div class="question">Pain at: {{Region}}</div><div>Which muscles refer pain there?</div>'
_REVERSE_BACK = '{{FrontSide}}<hr id="answer">{{Muscles}}{{Map}}<div class="sources">{{Sources}}</div>'


def _timestamp(timestamp: float | None) -> float:
    if timestamp is not None:
        return timestamp
    try:
        return float(int(os.environ["SOURCE_DATE_EPOCH"]))
    except (KeyError, ValueError):
        return time.time()


def build_deck(
    kb: KnowledgeBase, *, area: str | None = None, timestamp: float | None = None, figures: Figures | None = None
) -> tuple[bytes, int]:
    """The ``.apkg`` file's bytes and the number of notes.

    Raises:
        AnkiUnavailableError: genanki is not installed.
        KnowledgeBaseError: the body charts are invalid.
    """
    genanki = _genanki()
    stamp = _timestamp(timestamp)
    built = notes(kb, area=area, figures=figures)
    models = {
        "forward": _model(genanki, FORWARD_MODEL_ID, "forward", _FORWARD_FIELDS, _FORWARD_FRONT, _FORWARD_BACK),
        "reverse": _model(genanki, REVERSE_MODEL_ID, "reverse", _REVERSE_FIELDS, _REVERSE_FRONT, _REVERSE_BACK),
    }
    name = DECK_NAME if area is None else f"{DECK_NAME}::{area.replace('_', ' ')}"
    deck = genanki.Deck(deck_id(area), name, description="Referral patterns of myofascial trigger points, cited.")
    for note in built:
        deck.add_note(
            genanki.Note(
                model=models[note.kind],
                fields=list(note.fields),
                guid=note_guid(note.kind, note.record),
                tags=list(note.tags),
            )
        )
    media = [(n.media_name, n.media) for n in built if n.media_name is not None and n.media is not None]
    return _package(genanki, deck, media, stamp), len(built)


def _genanki() -> Any:
    try:
        import genanki  # type: ignore[import-untyped]
    except ImportError:
        raise AnkiUnavailableError() from None
    return genanki


def _model(genanki: Any, model_id: int, kind: str, fields: Sequence[str], front: str, back: str) -> Any:
    return genanki.Model(
        model_id,
        f"nmt-referral {kind}",
        fields=[{"name": field} for field in fields],
        templates=[{"name": "Card 1", "qfmt": front, "afmt": back}],
        css=_CSS,
    )


def _package(genanki: Any, deck: Any, media: Sequence[tuple[str, bytes]], stamp: float) -> bytes:
    """The ``.apkg`` bytes: the collection (genanki's tables), the media map and the media files, in a
    zip whose entries all carry the build's time stamp (so the same input gives the same bytes)."""
    package = genanki.Package(deck)
    with tempfile.TemporaryDirectory(prefix="nmt-referral-anki-") as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            cursor = connection.cursor()
            package.write_to_db(cursor, stamp, iter(range(int(stamp * 1000), 2**62)))
            connection.commit()
        finally:
            connection.close()
        collection = database.read_bytes()
    utc = time.gmtime(max(stamp, 315532800))  # zip times start in 1980
    when = (utc.tm_year, utc.tm_mon, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("collection.anki2", collection)]
        entries.append(("media", _media_map(media)))
        entries += [(str(index), content) for index, (_name, content) in enumerate(media)]
        for entry_name, content in entries:
            info = zipfile.ZipInfo(entry_name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def _media_map(media: Sequence[tuple[str, bytes]]) -> bytes:
    import json

    return json.dumps({str(index): name for index, (name, _content) in enumerate(media)}).encode("utf-8")


def write_deck(kb: KnowledgeBase, path: Path, *, area: str | None = None, timestamp: float | None = None) -> int:
    """Build the deck and write it to ``path`` whole or not at all; the number of notes.

    Raises:
        AnkiUnavailableError: genanki is not installed.
        OSError: the file cannot be written.
    """
    content, count = build_deck(kb, area=area, timestamp=timestamp)
    write_atomically(path, content)
    return count
