"""The search index the atlas's search box reads (search-index.js), with the names the CLI knows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...knowledge_base import KnowledgeBase


def search_index(kb: KnowledgeBase) -> dict[str, object]:
    """The search box's data: ``pages`` (``[path, title, kind]``), ``names`` (``[key, page number,
    name]``, the key as :func:`nmt_referral.text.normalise` makes it) and the rules of ``normalise``
    for the script to treat the typed text the same way."""
    from ...text import _FILLER, _IRREGULAR, _NO_SINGULAR_ENDINGS, normalise

    pages: list[list[str]] = []
    names: list[list[object]] = []
    seen: set[tuple[str, int]] = set()

    def add(path: str, title: str, kind: str, spellings: Iterable[str]) -> None:
        page = len(pages)
        pages.append([path, title, kind])
        for name in spellings:
            key = normalise(name)
            if key and (key, page) not in seen:
                seen.add((key, page))
                names.append([key, page, name])

    for muscle in kb.muscles.values():
        add(f"muscles/{muscle.id}.html", muscle.name, "muscle", _spellings(muscle.id, muscle.name, muscle.aliases))
    for region in kb.regions.values():
        add(f"regions/{region.id}.html", region.label, "region", _spellings(region.id, region.label, region.aliases))
    for condition in kb.conditions.values():
        spellings = _spellings(condition.id, condition.label, condition.aliases)
        add(f"conditions/{condition.id}.html", condition.label, "condition term", spellings)
    for phenomenon in kb.phenomena.values():
        spellings = _spellings(phenomenon.id, phenomenon.label, phenomenon.aliases)
        add(f"symptoms/{phenomenon.id}.html", phenomenon.label, "symptom", spellings)
    for group in kb.groups.values():
        add(
            f"index.html#group-{group.id}",
            group.label,
            "muscle group",
            _spellings(group.id, group.label, group.aliases),
        )
    rules: Mapping[str, object] = {
        "filler": sorted(_FILLER),
        "irregular": dict(sorted(_IRREGULAR.items())),
        "keep": list(_NO_SINGULAR_ENDINGS),
    }
    return {"format": 1, "normalise": rules, "pages": pages, "names": names}


def _spellings(record_id: str, name: str, aliases: Iterable[str]) -> list[str]:
    return [name, *aliases, record_id.replace("_", " ")]


def _search_script(index: Mapping[str, object]) -> bytes:
    data = json.dumps(index, ensure_ascii=True, separators=(",", ":"))
    return f"/* Search index of the nmt-referral atlas (see assets/atlas.js). */\nwindow.NMT_INDEX = {data};\n".encode()
