"""The referral atlas: a static website for students, built from the knowledge base and the referral maps.

``write_atlas(kb, directory)`` writes plain HTML, CSS and a little JavaScript that work from ``file://``
with no server and no network: an index by body area with a clickable body chart, one page per muscle
(the map of each trigger point, where to find it, its essential and spillover zones, phenomena, notes
and full citations), one page per region (the muscles ``kb.where`` ranks for it, its reverse map and red
flags), one per condition term and per symptom, and a search box over ``search-index.js``.

The output is deterministic (same knowledge base, same bytes) and named by ids. The folder is the
atlas's own: a marker file (``MARKER``) lists the files it wrote, a non-empty folder without it is never
written into, and a rebuild replaces only the listed files.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .. import DISCLAIMER, __version__
from ..errors import AtlasError
from ..files import write_atomically

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase
    from ..maps import Figures
    from ..maps.geometry import Shape, View
    from ..models import Candidate, Muscle, QueryResult, RedFlag, ReferralPattern, TriggerPoint, ZoneRef

__all__ = [
    "MARKER",
    "AtlasError",
    "AtlasSummary",
    "atlas_files",
    "body_chart",
    "search_index",
    "topic_result",
    "write_atlas",
]

MARKER = ".nmt-referral-atlas"
"""The file that marks a folder as an atlas and lists the files the atlas wrote there."""
SITE_TITLE = "Trigger-point referral atlas"
AREA_LABELS = {
    "head_face": "Head and face",
    "neck": "Neck",
    "shoulder_upper_back": "Shoulder and upper back",
    "arm_hand": "Arm and hand",
    "trunk": "Trunk",
    "pelvis": "Pelvis",
    "hip_thigh": "Hip and thigh",
    "leg_foot": "Leg and foot",
}
_SIDE_WORDS = {
    "ipsilateral": "same side as the trigger point",
    "contralateral": "opposite side to the trigger point",
    "bilateral": "both sides",
    "midline": "midline",
}
_CLINICAL = (
    ("activation", "What activates and perpetuates its trigger points"),
    ("palpation", "Palpation"),
    ("techniques", "Techniques"),
    ("self_care", "Self-care"),
)
_RELATIONS = {"exact": "", "within": " (inside it)", "broader": " (broader zone)", "adjacent": " (next to it)"}
"""How a candidate's zone relates to the place asked about, as the ranking shows it."""
_VIEW_ORDER = ("front", "back", "head")
_MARKER_HEAD = "nmt-referral atlas"
_LISTED_FILE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*\.(html|js|css)$")
_KINDS = ("muscles", "regions", "conditions", "symptoms")


@dataclass(frozen=True)
class AtlasSummary:
    """What :func:`write_atlas` wrote: the folder, how many files and pages of each kind."""

    directory: Path
    files: int
    muscles: int
    regions: int
    conditions: int
    symptoms: int
    removed: int = 0


# --------------------------------------------------------------------------- writing


def write_atlas(kb: KnowledgeBase, directory: str | os.PathLike[str]) -> AtlasSummary:
    """Build the atlas of ``kb`` and write it into ``directory`` (created if missing).

    Every page is built before anything is written; each file is written whole or not at all. Files a
    previous atlas listed in the marker and this one no longer writes are removed; nothing else is.

    Raises:
        AtlasError: ``directory`` is not a folder, or is a non-empty folder that no atlas made.
        KnowledgeBaseError: the body charts of the knowledge base are invalid.
        OSError: a file cannot be written.
    """
    target = Path(directory)
    files = atlas_files(kb)
    previous = _claim(target)
    _write_marker(target, sorted(set(previous) | set(files)))
    for name, content in files.items():
        _write_if_changed(target, name, content)
    removed = 0
    for name in sorted(set(previous) - set(files)):
        stale = target / name
        if _through_links(target, name):
            continue  # a folder replaced by a link since: what it points to is not the atlas's
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            removed += 1
    _write_marker(target, sorted(files))
    counts = {kind: sum(1 for name in files if name.startswith(f"{kind}/")) for kind in _KINDS}
    return AtlasSummary(target, len(files) + 1, removed=removed, **counts)


def _claim(directory: Path) -> list[str]:
    """Make sure ``directory`` may hold the atlas (creating it); return the files a previous atlas listed."""
    if directory.is_symlink() and not directory.exists():
        raise AtlasError(str(directory), "is a broken symbolic link")
    if directory.exists() and not directory.is_dir():
        raise AtlasError(str(directory), "exists and is not a folder")
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / MARKER
    if marker.is_file() and not marker.is_symlink():
        lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
        if lines[:1] == [_MARKER_HEAD]:
            return [line for line in lines[1:] if _LISTED_FILE.match(line) and ".." not in line]
    with os.scandir(directory) as entries:
        if any(True for _entry in entries):
            raise AtlasError(
                str(directory),
                f"the folder is not empty and no atlas was written there (no {MARKER} file); "
                "choose a new or empty folder",
            )
    return []


def _through_links(directory: Path, name: str) -> bool:
    """Whether a folder on the way from ``directory`` to the file ``name`` is a symbolic link."""
    folder = directory
    for part in Path(name).parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return True
    return False


def _write_marker(directory: Path, names: Sequence[str]) -> None:
    text = "\n".join([_MARKER_HEAD, *names]) + "\n"
    write_atomically(directory / MARKER, text.encode("utf-8"))


def _write_if_changed(directory: Path, name: str, content: bytes) -> None:
    """Write one file of the atlas (its folders made, never through a symbolic link); an unchanged
    file is left as it is."""
    path = directory / name
    folder = directory
    for part in Path(name).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise AtlasError(str(folder), "is in the way of the atlas (a file or a symbolic link, not a folder)")
        folder.mkdir(exist_ok=True)
    unchanged = path.is_file() and not path.is_symlink() and path.stat().st_size == len(content)
    if unchanged and path.read_bytes() == content:
        return
    write_atomically(path, content)


# --------------------------------------------------------------------------- building


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
    from ..maps import load_figures

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
    from ..models import LocationResolution
    from ..query import rank_sites

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
    return resources.files("nmt_referral.study").joinpath("atlas_assets", name).read_bytes()


# --------------------------------------------------------------------------- page frame


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(atlas: _Atlas, depth: int, title: str, body: Sequence[str], *, crumbs: Sequence[str] = ()) -> str:
    """A whole page: head, skip link, header with navigation and search, ``body`` in <main>, footer."""
    up = "../" * depth
    nav = [
        ("index.html", "Atlas home"),
        ("index.html#chart", "Body chart"),
        ("index.html#regions", "Regions"),
        ("index.html#muscles", "Muscles"),
        ("index.html#conditions", "Condition terms"),
        ("index.html#symptoms", "Symptoms"),
    ]
    links = "".join(f'<li><a href="{up}{href}">{_e(text)}</a></li>' for href, text in nav)
    full_title = title if title == SITE_TITLE else f"{title} · {SITE_TITLE}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en" data-root="{up}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="nmt-referral {_e(__version__)}">',
        f"<title>{_e(full_title)}</title>",
        '<link rel="icon" href="data:,">',
        f'<link rel="stylesheet" href="{up}assets/atlas.css">',
        f'<script src="{up}search-index.js" defer></script>',
        f'<script src="{up}assets/atlas.js" defer></script>',
        "</head>",
        "<body>",
        '<a class="skip-link" href="#main">Skip to content</a>',
        '<header class="site-header"><div class="inner">',
        f'<p class="site-name"><a href="{up}index.html">{_e(SITE_TITLE)}</a></p>',
        f'<nav class="site-nav" aria-label="Atlas"><ul>{links}</ul></nav>',
        _search_form(),
        "</div></header>",
    ]
    if crumbs:
        items = "".join(f"<li>{crumb}</li>" for crumb in crumbs)
        parts.append(f'<nav class="crumbs" aria-label="Breadcrumb"><ol>{items}</ol></nav>')
    parts.append('<main id="main" tabindex="-1">')
    parts.extend(body)
    parts.append("</main>")
    parts.extend(_footer(atlas))
    parts.extend(["</body>", "</html>"])
    return "\n".join(parts) + "\n"


def _search_form() -> str:
    return (
        '<form class="search" id="search" role="search" hidden>'
        '<label for="search-box">Search muscles, regions, condition terms</label>'
        '<input id="search-box" type="search" autocomplete="off" spellcheck="false" '
        'placeholder="e.g. traps, temple, tennis elbow" aria-describedby="search-status" '
        'aria-controls="search-results">'
        '<p id="search-status" class="search-status" role="status" aria-live="polite"></p>'
        '<ul id="search-results" class="search-results"></ul>'
        "</form>"
    )


def _footer(atlas: _Atlas) -> list[str]:
    credits = sorted({view.credit.rstrip(". ") + "." for view in atlas.figures.views.values()})
    credit = " ".join(credits) if credits else "This knowledge base has no body charts."
    return [
        '<footer class="site-footer"><div class="inner">',
        f'<p class="disclaimer"><strong>Not a diagnosis.</strong> {_e(DISCLAIMER)}</p>',
        f'<p class="credit">Figures: {_e(credit)} Referral zones after the sources cited on each page.</p>',
        f'<p class="provenance">Made with nmt-referral {_e(__version__)} from the knowledge base '
        f"sha256:{_e(atlas.kb.content_hash[:16])}.</p>",
        "</div></footer>",
    ]


def _link(up: str, kind: str, record_id: str, text: str, fragment: str = "") -> str:
    anchor = f"#{fragment}" if fragment else ""
    return f'<a href="{up}{kind}/{record_id}.html{anchor}">{_e(text)}</a>'


def _region_link(atlas: _Atlas, up: str, region_id: str) -> str:
    return _link(up, "regions", region_id, atlas.kb.regions[region_id].label)


def _muscle_link(atlas: _Atlas, up: str, muscle_id: str, fragment: str = "") -> str:
    return _link(up, "muscles", muscle_id, atlas.kb.muscles[muscle_id].name, fragment)


def _list(items: Iterable[str], css: str = "") -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    if not rows:
        return ""
    return f'<ul class="{css}">{rows}</ul>' if css else f"<ul>{rows}</ul>"


def _inline_svg(svg: str, label: str, uid: str) -> str:
    """A map's SVG for inlining in a page: no XML declaration, its pattern ids made unique on the page,
    an accessible name."""
    text = svg.split("?>", 1)[1].lstrip() if svg.startswith("<?xml") else svg
    text = text.replace('id="stipple"', f'id="stipple-{uid}"').replace("url(#stipple)", f"url(#stipple-{uid})")
    return text.replace('role="img"', f'role="img" aria-label="{_e(label)}"', 1).rstrip("\n")


# --------------------------------------------------------------------------- citations


class _Citations:
    """The sources cited on one page, in order of first citation, each with an anchor."""

    def __init__(self, atlas: _Atlas) -> None:
        self.atlas = atlas
        self.cited: list[str] = []

    def refs(self, source_ids: Iterable[str]) -> str:
        links = []
        for source_id in source_ids:
            if source_id not in self.atlas.kb.sources:
                continue
            if source_id not in self.cited:
                self.cited.append(source_id)
            number = self.cited.index(source_id) + 1
            name = _e(_short_citation(self.atlas, source_id))
            label = f'title="{name}" aria-label="source {number}: {name}"'
            links.append(f'<a class="ref" href="#src-{source_id}" {label}>[{number}]</a>')
        return " ".join(links)

    def section(self) -> list[str]:
        if not self.cited:
            return []
        items = []
        for source_id in self.cited:
            source = self.atlas.kb.sources[source_id]
            url = f' <span class="url">{_e(source.url)}</span>' if source.url else ""
            items.append(f'<li id="src-{source_id}">{_e(source.citation)}{url}</li>')
        return [
            '<section class="sources" aria-labelledby="sources">',
            '<h2 id="sources">Sources</h2>',
            f"<ol>{''.join(items)}</ol>",
            "</section>",
        ]


def _short_citation(atlas: _Atlas, source_id: str) -> str:
    source = atlas.kb.sources[source_id]
    head = source.citation.split(". ")[0][:80]
    return head + (f" ({source.year})" if source.year else "")


# --------------------------------------------------------------------------- index


def _index_page(atlas: _Atlas) -> str:
    kb = atlas.kb
    body = [
        f"<h1>{_e(SITE_TITLE)}</h1>",
        '<p class="lead">Where does it hurt? Choose the place on the body chart or in the list of regions to '
        "see which muscles' trigger points may refer pain there, ranked as <code>nmt-referral where</code> "
        "ranks them; open a muscle to see its trigger points and their referral maps. The search box finds "
        "muscles, regions, condition terms and symptoms, misspelt names included.</p>",
        f"<p>{len(kb.muscles)} muscles, {len(kb.trigger_points)} trigger points, {len(kb.regions)} regions, "
        f"{len(kb.conditions)} condition terms.</p>",
    ]
    body.extend(_chart_section(atlas))
    body.extend(_regions_section(atlas))
    body.extend(_muscles_section(atlas))
    body.extend(_groups_section(atlas))
    conditions = [_link("", "conditions", c.id, c.label) for c in sorted(kb.conditions.values(), key=_by_label)]
    body += ['<section aria-labelledby="conditions">', '<h2 id="conditions">Condition terms</h2>']
    body += ["<p>Syndromes and lay complaints, each answered as the places (and symptoms) it stands for.</p>"]
    body += [_list(conditions, "columns"), "</section>"]
    symptoms = [_link("", "symptoms", p.id, p.label) for p in sorted(kb.phenomena.values(), key=_by_label)]
    body += ['<section aria-labelledby="symptoms">', '<h2 id="symptoms">Symptoms besides pain</h2>']
    body += ["<p>What trigger points cause besides pain: numbness, dizziness, weakness, entrapments.</p>"]
    body += [_list(symptoms, "columns"), "</section>"]
    return _page(atlas, 0, SITE_TITLE, body)


def _by_label(record: object) -> str:
    return str(getattr(record, "label", "")).casefold()


def _chart_section(atlas: _Atlas) -> list[str]:
    if not atlas.has_maps:
        return []
    chart = body_chart(atlas.kb, atlas.figures, href=lambda region_id: f"regions/{region_id}.html")
    return [
        '<section aria-labelledby="chart">',
        '<h2 id="chart">Body chart</h2>',
        '<figure class="chart">',
        chart,
        "<figcaption>Select a region to open its page. The front and back views show the patient's right "
        "(R) and left (L); the head view shows the right side. Every region is also in the list below.</figcaption>",
        "</figure>",
        "</section>",
    ]


def _regions_section(atlas: _Atlas) -> list[str]:
    kb = atlas.kb

    def branch(region_id: str) -> str:
        count = len(atlas.ranking("region", region_id).results)
        note = f"{count} muscle{'s' if count != 1 else ''}" if count else "no referral pattern"
        children = "".join(branch(child) for child in kb.children(region_id))
        inner = f"<ul>{children}</ul>" if children else ""
        return f'<li>{_region_link(atlas, "", region_id)} <span class="count">({note})</span>{inner}</li>'

    return [
        '<section aria-labelledby="regions">',
        '<h2 id="regions">Body regions</h2>',
        "<p>From coarse to fine; the number is how many muscles may refer pain there.</p>",
        f'<ul class="tree">{"".join(branch(root) for root in kb.roots())}</ul>',
        "</section>",
    ]


def _muscles_section(atlas: _Atlas) -> list[str]:
    kb = atlas.kb
    body = ['<section aria-labelledby="muscles">', '<h2 id="muscles">Muscles by body area</h2>']
    areas = list(AREA_LABELS) + sorted({m.area for m in kb.muscles.values()} - set(AREA_LABELS))
    for area in areas:
        members = [m for m in kb.muscles.values() if m.area == area]
        if not members:
            continue
        body.append(f'<h3 id="area-{area}">{_e(_area_label(area))}</h3>')
        items = []
        for muscle in sorted(members, key=lambda m: m.name.casefold()):
            count = len(muscle.trigger_points)
            items.append(
                f'{_muscle_link(atlas, "", muscle.id)} <span class="count">({count} trigger point'
                f"{'s' if count != 1 else ''})</span>"
            )
        body.append(_list(items, "columns"))
    body.append("</section>")
    return body


def _area_label(area: str) -> str:
    return AREA_LABELS.get(area, area.replace("_", " ").capitalize())


def _groups_section(atlas: _Atlas) -> list[str]:
    groups = sorted(atlas.kb.groups.values(), key=_by_label)
    if not groups:
        return []
    body = ['<section aria-labelledby="groups">', '<h2 id="groups">Muscle groups</h2>', '<dl class="groups">']
    for group in groups:
        also = f' <span class="aliases">(also: {_e(", ".join(group.aliases))})</span>' if group.aliases else ""
        members = ", ".join(_muscle_link(atlas, "", m) for m in group.members if m in atlas.kb.muscles)
        body.append(f'<dt id="group-{group.id}">{_e(group.label)}{also}</dt><dd>{members}</dd>')
    body += ["</dl>", "</section>"]
    return body


# --------------------------------------------------------------------------- muscle pages


def _muscle_page(atlas: _Atlas, muscle: Muscle) -> str:
    up = "../"
    cite = _Citations(atlas)
    body = ['<article class="muscle" aria-labelledby="title">', f'<h1 id="title">{_e(muscle.name)}</h1>']
    if muscle.aliases:
        body.append(f'<p class="aliases">Also called: {_e(", ".join(muscle.aliases))}</p>')
    body.append(_facts(atlas, muscle))
    if muscle.notes:
        body.append(f'<p class="notes">{_e(muscle.notes)}</p>')
    body.append('<h2 id="trigger-points">Trigger points</h2>')
    if len(muscle.trigger_points) > 1:
        links = [f'<a href="#trp-{trp.id}">{_e(trp.name)}</a>' for trp in muscle.trigger_points]
        body.append(f'<nav class="toc" aria-label="Trigger points of {_e(muscle.name)}">{_list(links)}</nav>')
    for number, trp in enumerate(muscle.trigger_points, start=1):
        body.extend(_trigger_point(atlas, muscle, trp, number, cite))
    body.extend(_clinical(atlas, muscle, cite))
    groups = [g for g in atlas.kb.groups.values() if muscle.id in g.members]
    if groups:
        names = ", ".join(f'<a href="{up}index.html#group-{g.id}">{_e(g.label)}</a>' for g in groups)
        body.append(f'<p class="groups">Muscle group: {names}</p>')
    body.extend(cite.section())
    body.append("</article>")
    crumbs = [
        f'<a href="{up}index.html">Atlas</a>',
        f'<a href="{up}index.html#area-{muscle.area}">{_e(_area_label(muscle.area))}</a>',
        _e(muscle.name),
    ]
    return _page(atlas, 1, muscle.name, body, crumbs=crumbs)


def _facts(atlas: _Atlas, muscle: Muscle) -> str:
    rows = [("Body area", f'<a href="../index.html#area-{muscle.area}">{_e(_area_label(muscle.area))}</a>')]
    if muscle.innervation:
        rows.append(("Innervation", _e(muscle.innervation)))
    if muscle.actions:
        rows.append(("Actions", _list(_e(action) for action in muscle.actions)))
    if muscle.attachments and muscle.attachments.origin:
        rows.append(("Origin", _e(muscle.attachments.origin)))
    if muscle.attachments and muscle.attachments.insertion:
        rows.append(("Insertion", _e(muscle.attachments.insertion)))
    return _definitions(rows, "facts")


def _definitions(rows: Sequence[tuple[str, str]], css: str) -> str:
    inner = "".join(f"<dt>{_e(term)}</dt><dd>{value}</dd>" for term, value in rows if value)
    return f'<dl class="{css}">{inner}</dl>' if inner else ""


def _trigger_point(atlas: _Atlas, muscle: Muscle, trp: TriggerPoint, number: int, cite: _Citations) -> list[str]:
    pattern = trp.pattern
    named = trp.part is None or trp.part.casefold() in trp.name.casefold()
    heading = trp.name if named else f"{trp.name} ({trp.part})"
    body = [f'<section class="trp" id="trp-{trp.id}" aria-labelledby="trp-{trp.id}-title">']
    body.append(f'<h3 id="trp-{trp.id}-title">{_e(heading)}</h3>')
    if atlas.has_maps:
        from ..maps import referral_map

        svg = referral_map(atlas.kb, muscle.id, trigger_point=trp.id, figures=atlas.figures)
        label = f"Referral map of {muscle.name}, {trp.name}: {_zones_sentence(atlas, pattern)}"
        body += ['<figure class="map">', _inline_svg(svg, label, str(number))]
        body.append(
            "<figcaption>Essential zone solid red, spillover zone red stipple, X at the trigger point; "
            "R and L are the patient's right and left (a right-sided trigger point).</figcaption>"
        )
        body.append("</figure>")
    rows = [
        ("Where to find it", _e(trp.location)),
        ("Essential zone", _zone_links(atlas, pattern.essential)),
        ("Spillover zone", _zone_links(atlas, pattern.spillover)),
        ("Side", _e(_side_text(pattern))),
        ("Also causes", _phenomena(atlas, pattern)),
        ("Notes", " ".join(_e(note) for note in (trp.notes, pattern.notes) if note)),
        ("Sources", cite.refs(pattern.sources)),
    ]
    body.append(_definitions(rows, "trp-facts"))
    body.append("</section>")
    return body


def _zones_sentence(atlas: _Atlas, pattern: ReferralPattern) -> str:
    parts = []
    for kind, zones in (("essential", pattern.essential), ("spillover", pattern.spillover)):
        if zones:
            parts.append(f"{kind} zone {', '.join(atlas.kb.regions[z.region].label for z in zones)}")
    return "; ".join(parts) or "no pain zone drawn"


def _zone_links(atlas: _Atlas, zones: Sequence[ZoneRef]) -> str:
    items = []
    for zone in zones:
        side = f' <span class="side">({_e(_SIDE_WORDS.get(zone.side, zone.side))})</span>' if zone.side else ""
        items.append(_region_link(atlas, "../", zone.region) + side)
    return ", ".join(items) if items else '<span class="none">none recorded</span>'


def _side_text(pattern: ReferralPattern) -> str:
    text = f"{pattern.side} ({_SIDE_WORDS[pattern.side]})" if pattern.side in _SIDE_WORDS else pattern.side
    return text + (f"; {pattern.body_side} side only" if pattern.body_side else "")


def _phenomena(atlas: _Atlas, pattern: ReferralPattern) -> str:
    items = []
    for phenomenon_id in pattern.phenomena:
        text = _link("../", "symptoms", phenomenon_id, atlas.kb.phenomena[phenomenon_id].label)
        felt = pattern.phenomena_at.get(phenomenon_id, ())
        if felt:
            text += " (felt at " + ", ".join(_region_link(atlas, "../", r) for r in felt) + ")"
        items.append(text)
    return ", ".join(items)


def _clinical(atlas: _Atlas, muscle: Muscle, cite: _Citations) -> list[str]:
    clinical = atlas.kb.clinical.get(muscle.id)
    if clinical is None:
        return []
    body = ['<section class="clinical" aria-labelledby="clinical">', '<h2 id="clinical">Clinical notes</h2>']
    for key, title in _CLINICAL:
        items = getattr(clinical, key)
        if items:
            body.append(f"<h3>{_e(title)}</h3>")
            body.append(_list(f"{_e(item.text)} {cite.refs(item.sources)}" for item in items))
    satellites = [
        f"{_muscle_link(atlas, '../', s.muscle)} {cite.refs(s.sources)}"
        for s in clinical.satellites
        if s.muscle in atlas.kb.muscles
    ]
    if satellites:
        body += ["<h3>Satellite and associated trigger points</h3>", _list(satellites)]
    if clinical.entrapments:
        items = (
            f"<strong>{_e(e.nerve)}</strong>: {_e(e.symptoms)} {cite.refs(e.sources)}" for e in clinical.entrapments
        )
        body += ["<h3>Entrapments</h3>", _list(items)]
    if clinical.endangerment_sites:
        items = (
            f"<strong>{_e(s.site)}</strong>: {_e(s.caution)} {cite.refs(s.sources)}"
            for s in clinical.endangerment_sites
        )
        body += ["<h3>Endangerment sites</h3>", _list(items, "caution")]
    if clinical.notes:
        body.append(f'<p class="notes">{_e(clinical.notes)}</p>')
    body.append("</section>")
    return body


# --------------------------------------------------------------------------- region, condition, symptom pages


def _region_page(atlas: _Atlas, region_id: str) -> str:
    kb = atlas.kb
    region = kb.regions[region_id]
    cite = _Citations(atlas)
    result = atlas.ranking("region", region_id)
    body = [f"<h1>{_e(region.label)}</h1>"]
    if region.aliases:
        body.append(f'<p class="aliases">Also called: {_e(", ".join(region.aliases))}</p>')
    rows = [
        ("Part of", _region_link(atlas, "../", region.parent) if region.parent else ""),
        ("Inside it", ", ".join(_region_link(atlas, "../", c) for c in kb.children(region_id))),
        ("Next to it", ", ".join(_region_link(atlas, "../", a) for a in kb.adjacent(region_id))),
        ("Laterality", "midline" if region.laterality == "midline" else "left and right"),
        (
            "Condition terms",
            ", ".join(
                _link("../", "conditions", c, kb.conditions[c].label) for c in atlas.conditions_at.get(region_id, ())
            ),
        ),
    ]
    body.append(_definitions(rows, "facts"))
    if region.notes:
        body.append(f'<p class="notes">{_e(region.notes)}</p>')
    body.extend(_red_flags(kb.red_flags[f] for f in kb.red_flags_at(region_id)))
    body.extend(_ranking(atlas, result, region.label, cite, with_map=True))
    body.extend(cite.section())
    crumbs = ['<a href="../index.html">Atlas</a>']
    crumbs += [_region_link(atlas, "../", a) for a in reversed(kb.ancestors(region_id))]
    crumbs.append(_e(region.label))
    return _page(atlas, 1, region.label, body, crumbs=crumbs)


def _condition_page(atlas: _Atlas, condition_id: str) -> str:
    kb = atlas.kb
    condition = kb.conditions[condition_id]
    cite = _Citations(atlas)
    result = atlas.ranking("condition", condition_id)
    body = [f"<h1>{_e(condition.label)}</h1>", '<p class="kind">Condition term</p>']
    if condition.aliases:
        body.append(f'<p class="aliases">Also: {_e(", ".join(condition.aliases))}</p>')
    rows = [
        ("Where it is felt", ", ".join(_region_link(atlas, "../", r) for r in condition.regions)),
        ("Symptoms", ", ".join(_link("../", "symptoms", p, kb.phenomena[p].label) for p in condition.phenomena)),
    ]
    body.append(_definitions(rows, "facts"))
    if condition.notes:
        body.append(f'<p class="notes">{_e(condition.notes)}</p>')
    body.extend(_red_flags(kb.red_flags[hit.id] for hit in result.red_flags))
    body.extend(_ranking(atlas, result, condition.label, cite, with_map=bool(condition.regions)))
    body.extend(cite.section())
    crumbs = ['<a href="../index.html">Atlas</a>', '<a href="../index.html#conditions">Condition terms</a>']
    return _page(atlas, 1, condition.label, body, crumbs=[*crumbs, _e(condition.label)])


def _symptom_page(atlas: _Atlas, phenomenon_id: str) -> str:
    kb = atlas.kb
    phenomenon = kb.phenomena[phenomenon_id]
    cite = _Citations(atlas)
    result = atlas.ranking("phenomenon", phenomenon_id)
    body = [f"<h1>{_e(phenomenon.label)}</h1>", f'<p class="kind">Symptom besides pain ({_e(phenomenon.kind)})</p>']
    if phenomenon.aliases:
        body.append(f'<p class="aliases">Also: {_e(", ".join(phenomenon.aliases))}</p>')
    if phenomenon.notes:
        body.append(f'<p class="notes">{_e(phenomenon.notes)}</p>')
    conditions = [c for c in kb.conditions.values() if phenomenon_id in c.phenomena]
    if conditions:
        links = ", ".join(_link("../", "conditions", c.id, c.label) for c in conditions)
        body.append(f"<p>Condition terms with this symptom: {links}</p>")
    body.extend(_ranking(atlas, result, phenomenon.label, cite, with_map=False))
    body.extend(cite.section())
    crumbs = ['<a href="../index.html">Atlas</a>', '<a href="../index.html#symptoms">Symptoms</a>']
    return _page(atlas, 1, phenomenon.label, body, crumbs=[*crumbs, _e(phenomenon.label)])


def _red_flags(flags: Iterable[RedFlag]) -> list[str]:
    shown = list(flags)
    if not shown:
        return []
    body = [
        '<section class="red-flags" aria-labelledby="red-flags">',
        '<h2 id="red-flags">Red flags: rule out first</h2>',
    ]
    for flag in shown:
        side = f" (pain on the {flag.side} side)" if flag.side else ""
        body.append(f'<div class="red-flag" id="flag-{flag.id}">')
        body.append(f"<h3>{_e(flag.label)}{_e(side)}</h3>")
        if flag.summary:
            body.append(f'<p class="summary">{_e(flag.summary)}</p>')
        body.append(f"<p>{_e(flag.message)}</p>")
        body.append("</div>")
    body.append("</section>")
    return body


def _ranking(atlas: _Atlas, result: QueryResult, label: str, cite: _Citations, *, with_map: bool) -> list[str]:
    body = [
        '<section class="ranking" aria-labelledby="ranking">',
        '<h2 id="ranking">Muscles that may refer pain here</h2>',
    ]
    if not result.results:
        body.append(
            '<p class="none">No referral pattern in this knowledge base reaches this place, nor a region around it.</p>'
        )
        return [*body, "</section>"]
    body.append(
        f'<p>Ranked as <code>nmt-referral where "{_e(label)}"</code> ranks them: muscles whose essential zones '
        "cover the place first, then spillover zones, zones on a broader or a neighbouring region, and the "
        "order of the published pain guides. Each muscle says why it is listed.</p>"
    )
    if with_map and atlas.has_maps:
        from ..maps import reverse_map

        svg = reverse_map(atlas.kb, result, figures=atlas.figures)
        names = ", ".join(c.muscle.name for c in result.results[:5])
        body += ['<figure class="map">', _inline_svg(svg, f"Where it hurts: {label}; zones of {names}", "reverse")]
        body.append(
            "<figcaption>The place outlined in blue; the zones of the first five muscles that cover it, "
            "darker for a higher score; grey where no muscle's zone reaches.</figcaption>"
        )
        body.append("</figure>")
    body.append('<ol class="candidates">')
    body.extend(_candidate(atlas, candidate, cite) for candidate in result.results)
    body += ["</ol>", "</section>"]
    return body


def _candidate(atlas: _Atlas, candidate: Candidate, cite: _Citations) -> str:
    muscle = candidate.muscle
    reasons = []
    for match in candidate.matches:
        how = _RELATIONS.get(match.relation, " (pain-guide area)")
        trp = _link("../", "muscles", muscle.id, match.trigger_point_name, f"trp-{match.trigger_point}")
        region = _region_link(atlas, "../", match.region)
        reasons.append(f"{trp} &rarr; {match.zone} zone: {region}{_e(how)}")
    for symptom in candidate.symptom_matches:
        link = _link("../", "symptoms", symptom.phenomenon, symptom.phenomenon_label)
        reasons.append(f"{_e(symptom.trigger_point_name)} causes {link}")
    for rank in candidate.guide_ranks:
        source = cite.refs([rank.source])
        reasons.append(f"pain guide: #{rank.rank} of {rank.of} for {_e(rank.heading)} {source}")
    return (
        f'<li class="candidate">{_muscle_link(atlas, "../", muscle.id)} '
        f'<span class="score">score {candidate.score:.2f}</span>{_list(reasons, "reasons")}</li>'
    )


# --------------------------------------------------------------------------- body chart


def body_chart(kb: KnowledgeBase, figures: Figures, *, href: Callable[[str], str]) -> str:
    """Every body chart side by side, every drawn region a link to ``href(region_id)``, as SVG for a page.

    Paired regions are drawn on both sides of the front and back views (mirrored for the left, as the
    maps are), midline regions once; each link has a ``<title>`` (its accessible name) and
    ``data-region`` and ``data-side``. Only the first drawing of a region is in the tab order, so the
    keyboard visits each region once.
    """
    views = [v for v in _VIEW_ORDER if v in figures.views] + sorted(v for v in figures.views if v not in _VIEW_ORDER)
    top, bottom = 16.0, 44.0
    from ..maps.draw import PANEL_HEIGHT, side_by_side

    panels, x = side_by_side(figures, views)

    width, height = x, top + PANEL_HEIGHT + bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bodychart" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" aria-labelledby="bodychart-title" '
        'font-family="Helvetica, Arial, sans-serif">',
        '<title id="bodychart-title">Body chart: select a region to open its page</title>',
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    seen: set[str] = set()
    for view, offset, scale in panels:
        place = f"translate({offset:.2f},{top:.2f}) scale({scale:.5f})"
        out.append(f'<g class="view" data-view="{_e(view.id)}" transform="{place}">')
        out.append(f'<path d="{_e(view.body)}" fill="#f1efec" stroke="none"/>')
        for shape in _chart_shapes(kb, figures, view):
            for side in _chart_sides(view, shape):
                out.append(_chart_region(kb, view, shape, side, href(shape.region), shape.region in seen))
                seen.add(shape.region)
        lines = _e(view.lines or view.body)
        out.append(f'<path d="{lines}" fill="none" stroke="#444" stroke-width="1.3" pointer-events="none"/>')
        out.extend(_chart_labels(view, scale))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _chart_shapes(kb: KnowledgeBase, figures: Figures, view: View) -> list[Shape]:
    """The view's region shapes, coarse before fine (a finer region is drawn over a coarser one), deep
    regions' markers last."""
    shapes = [s for s in figures.shapes if s.view == view.id and s.region in kb.regions]
    return sorted(shapes, key=lambda s: (s.marker is not None, len(kb.ancestors(s.region)), s.region))


def _chart_sides(view: View, shape: Shape) -> tuple[str, ...]:
    if shape.midline:
        return ("midline",)
    return ("right",) if view.patient_right == "drawn" else ("right", "left")


def _chart_region(kb: KnowledgeBase, view: View, shape: Shape, side: str, url: str, seen: bool) -> str:
    region = kb.regions[shape.region]
    mirror = f' transform="translate({2 * view.mirror_x:g},0) scale(-1,1)"' if side == "left" else ""
    style = 'fill="#cfe0f5" stroke="#1f4e9a" stroke-width="0.8"'
    if shape.marker is not None:
        x, y = shape.marker
        drawing = f'<circle cx="{x:g}" cy="{y:g}" r="9" {style}{mirror}/>'
    else:
        drawing = f'<path d="{_e(shape.d or "")}" {style}{mirror}/>'
    label = region.label if side == "midline" else f"{region.label} ({side} side)"
    tab = ' tabindex="-1"' if seen else ""
    return (
        f'<a href="{_e(url)}" class="region" data-region="{region.id}" data-side="{side}"{tab}>'
        f"<title>{_e(label)}</title>{drawing}</a>"
    )


def _chart_labels(view: View, scale: float) -> list[str]:
    """The view's name below it and, on the front and back views, the patient's R and L."""
    size = 15 / scale
    out = [
        f'<text x="{view.width / 2:g}" y="{view.height + 26 / scale:g}" font-size="{size:.1f}" '
        f'text-anchor="middle" fill="#222" pointer-events="none">{_e(view.label)}</text>'
    ]
    if view.patient_right != "drawn":
        right_x = view.width * 0.08 if view.patient_right == "viewer_left" else view.width * 0.92
        style = 'font-size="30" font-weight="bold" text-anchor="middle" fill="#555" pointer-events="none"'
        out.append(f'<text x="{right_x:g}" y="36" {style}>R</text>')
        out.append(f'<text x="{view.width - right_x:g}" y="36" {style}>L</text>')
    return out


# --------------------------------------------------------------------------- search index


def search_index(kb: KnowledgeBase) -> dict[str, object]:
    """The search box's data: ``pages`` (``[path, title, kind]``), ``names`` (``[key, page number,
    name]``, the key as :func:`nmt_referral.text.normalise` makes it) and the rules of ``normalise``
    for the script to treat the typed text the same way."""
    from ..text import _FILLER, _IRREGULAR, _NO_SINGULAR_ENDINGS, normalise

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
