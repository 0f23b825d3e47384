"""What every page shares: the HTML frame, links, lists, inline maps and citations."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ... import DISCLAIMER, __version__

if TYPE_CHECKING:
    pass
if TYPE_CHECKING:
    from .build import _Atlas


SITE_TITLE = "Trigger-point referral atlas"


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
