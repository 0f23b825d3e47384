"""Building every file of the atlas in memory: the pages, the search index and the assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...knowledge_base import KnowledgeBase
    from ...maps import Figures
    from ...models import QueryResult
from .pages import _condition_page, _index_page, _muscle_page, _region_page, _symptom_page
from .search import _search_script, search_index


@dataclass
class _Atlas:
    """What every page needs: the knowledge base, the body charts and the rankings, computed once."""

    kb: KnowledgeBase
    figures: Figures
    rankings: dict[tuple[str, str], QueryResult] = field(default_factory=dict)
    conditions_at: dict[str, list[str]] = field(default_factory=dict)

    def ranking(self, kind: str, record_id: str) -> QueryResult:
        key = (kind, record_id)
        if key not in self.rankings:
            self.rankings[key] = topic_result(self.kb, kind, record_id)
        return self.rankings[key]

    @property
    def has_maps(self) -> bool:
        return bool(self.figures.views)


def atlas_files(kb: KnowledgeBase) -> dict[str, bytes]:
    """Every file of the atlas (but the marker): relative path -> content, in a stable order.

    Raises:
        KnowledgeBaseError: the body charts of the knowledge base are invalid.
    """
    from ...maps import load_figures

    atlas = _Atlas(kb, load_figures(kb.root))
    for condition in kb.conditions.values():
        for region_id in condition.regions:
            atlas.conditions_at.setdefault(region_id, []).append(condition.id)
    pages: dict[str, str] = {"index.html": _index_page(atlas)}
    for muscle in kb.muscles.values():
        pages[f"muscles/{muscle.id}.html"] = _muscle_page(atlas, muscle)
    for region_id in kb.regions:
        pages[f"regions/{region_id}.html"] = _region_page(atlas, region_id)
    for condition_id in kb.conditions:
        pages[f"conditions/{condition_id}.html"] = _condition_page(atlas, condition_id)
    for phenomenon_id in kb.phenomena:
        pages[f"symptoms/{phenomenon_id}.html"] = _symptom_page(atlas, phenomenon_id)
    files = {name: text.encode("utf-8") for name, text in pages.items()}
    files["search-index.js"] = _search_script(search_index(kb))
    for asset in ("atlas.css", "atlas.js"):
        files[f"assets/{asset}"] = _asset(asset)
    return files


def topic_result(kb: KnowledgeBase, kind: str, record_id: str) -> QueryResult:
    """The ranking ``kb.where`` gives for a region, condition term or phenomenon named exactly by its
    label (every candidate, no limit), without going through the name tables.

    ``kind``: ``region``, ``condition`` or ``phenomenon``.
    """
    from ...models import LocationResolution
    from ...query import rank_sites

    regions: tuple[str, ...] = ()
    phenomena: tuple[str, ...] = ()
    if kind == "region":
        label, regions, method = kb.regions[record_id].label, (record_id,), "exact"
    elif kind == "condition":
        condition = kb.conditions[record_id]
        label, regions, phenomena, method = condition.label, condition.regions, condition.phenomena, "condition"
    else:
        label, phenomena, method = kb.phenomena[record_id].label, (record_id,), "symptom"
    site = LocationResolution.model_validate(
        {
            "text": label,
            "phrase": label,
            "side": None,
            "method": method,
            "matched": label,
            "kind": kind,
            "id": record_id,
            "regions": regions,
            "phenomena": phenomena,
            "score": None,
            "identifiers": kb.identifiers_of(kind, record_id),
        }
    )
    return rank_sites(kb, [site], side=None, limit=None)


def _asset(name: str) -> bytes:
    return resources.files(__package__ or "nmt_referral.study.atlas").joinpath("assets", name).read_bytes()
