"""The pages: the index by body area, one page per muscle, and one per region, condition term and symptom."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...models import Candidate, Muscle, QueryResult, RedFlag, ReferralPattern, TriggerPoint, ZoneRef
from .chart import body_chart
from .frame import SITE_TITLE, _Citations, _e, _inline_svg, _link, _list, _muscle_link, _page, _region_link

if TYPE_CHECKING:
    from .build import _Atlas


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
        from ...maps import referral_map

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
        from ...maps import reverse_map

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
