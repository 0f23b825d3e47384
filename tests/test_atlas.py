"""The referral atlas (nmt_referral.study.atlas and `nmt-referral atlas`): the pages, their links and
structure, determinism, the folder rules, and a walk through it in a real headless browser."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import DISCLAIMER, KnowledgeBase
from nmt_referral.cli import EXIT_OUTPUT, EXIT_USAGE, app
from nmt_referral.study.atlas import MARKER, AtlasError, atlas_files, search_index, topic_result, write_atlas
from nmt_referral.text import normalise

from .conftest import KB_MINIMAL

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """What the tests look at in one page: links, ids, headings, titles and whether tags balance."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: dict[str, list[str]] = {}  # tag -> text directly inside
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.append(values["id"])
        for attribute in ("href", "src", "action", "xlink:href"):
            if attribute in values:
                self.links.append((tag, attribute, values[attribute]))

    def count(self, tag: str) -> int:
        return sum(1 for name, _attrs in self.tags if name == tag)

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [values for name, values in self.tags if name == tag]


# --------------------------------------------------------------------------- the packaged atlas, built once


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return nmt_referral.validate()  # afresh, no cache written outside the test's folders


@pytest.fixture(scope="module")
def atlas_dir(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("atlas") / "site"
    write_atlas(kb, directory)
    return directory


@pytest.fixture(scope="module")
def pages(atlas_dir: Path) -> dict[str, Page]:
    return {
        path.relative_to(atlas_dir).as_posix(): Page(path.read_text(encoding="utf-8"))
        for path in sorted(atlas_dir.rglob("*.html"))
    }


def test_every_muscle_region_condition_and_symptom_has_a_page(kb: KnowledgeBase, atlas_dir: Path) -> None:
    expected = {"index.html", "search-index.js", "assets/atlas.css", "assets/atlas.js", MARKER}
    expected |= {f"muscles/{m}.html" for m in kb.muscles} | {f"regions/{r}.html" for r in kb.regions}
    expected |= {f"conditions/{c}.html" for c in kb.conditions} | {f"symptoms/{p}.html" for p in kb.phenomena}
    written = {p.relative_to(atlas_dir).as_posix() for p in atlas_dir.rglob("*") if p.is_file()}
    assert written == expected
    listed = (atlas_dir / MARKER).read_text(encoding="utf-8").splitlines()
    assert listed[0] == "nmt-referral atlas"
    assert set(listed[1:]) == expected - {MARKER}


def test_every_internal_link_resolves_to_a_file_and_an_anchor(atlas_dir: Path, pages: dict[str, Page]) -> None:
    checked = 0
    for name, page in pages.items():
        for tag, attribute, value in page.links:
            if value.startswith("data:"):
                assert tag == "link" and value == "data:,", (name, value)  # the empty favicon only
                continue
            parts = urlsplit(value)
            assert not parts.scheme and not parts.netloc, f"{name}: external {attribute}={value!r}"
            target = name if not parts.path else (Path(name).parent / unquote(parts.path)).as_posix()
            target = os.path.normpath(target)
            assert not target.startswith(".."), f"{name}: {value!r} leaves the atlas"
            assert (atlas_dir / target).is_file(), f"{name}: {value!r} -> {target} is missing"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{name}: {value!r}: no id {parts.fragment!r}"
            checked += 1
    assert checked > 10_000


def test_no_external_reference_anywhere(atlas_dir: Path, pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        assert not [v for _t, _a, v in page.links if re.match(r"(?i)\s*(https?:|//|ftp:|javascript:)", v)], name
    css = (atlas_dir / "assets" / "atlas.css").read_text(encoding="utf-8")
    script = (atlas_dir / "assets" / "atlas.js").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "http" not in css
    for forbidden in ("http", "fetch(", "XMLHttpRequest", "import(", "eval("):
        assert forbidden not in script, forbidden


def test_every_page_is_well_formed_and_accessible(pages: dict[str, Page]) -> None:
    for name, page in pages.items():
        assert not page.problems, (name, page.problems[:3])
        assert page.attrs("html") and page.attrs("html")[0].get("lang") == "en", name
        assert page.count("title") >= 1 and page.count("h1") == 1, name
        assert "".join(page.text.get("title", [])).strip(), name
        assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in page.attrs("meta"), name
        assert page.attrs("a")[0] == {"class": "skip-link", "href": "#main"}, name  # the first thing to tab to
        assert "main" in page.ids, name
        svgs = page.attrs("svg")
        assert all(s.get("aria-label") or s.get("aria-labelledby") for s in svgs), name
        assert all("alt" in img for img in page.attrs("img")), name
        for anchor in page.attrs("a"):  # every link has a text or a title (SVG links)
            assert anchor.get("href"), (name, anchor)
        assert len(page.ids) == len(set(page.ids)), (name, sorted({i for i in page.ids if page.ids.count(i) > 1}))


def test_every_page_carries_the_disclaimer_and_the_figure_credits(kb: KnowledgeBase, atlas_dir: Path) -> None:
    from nmt_referral.maps import load_figures

    credits = {view.credit.rstrip(". ") for view in load_figures(kb.root).views.values()}
    assert credits
    for path in atlas_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert html.escape(DISCLAIMER) in text, path
        assert all(credit in text for credit in credits), path


def test_the_build_is_deterministic(kb: KnowledgeBase, atlas_dir: Path) -> None:
    again = atlas_files(nmt_referral.validate())
    assert again == atlas_files(kb)
    for name, content in again.items():
        assert (atlas_dir / name).read_bytes() == content, name


def test_search_index_has_names_aliases_and_condition_terms(kb: KnowledgeBase, atlas_dir: Path) -> None:
    script = (atlas_dir / "search-index.js").read_text(encoding="utf-8")
    prefix = "window.NMT_INDEX = "
    data: dict[str, Any] = json.loads(script[script.index(prefix) + len(prefix) :].rstrip().rstrip(";"))
    assert data == json.loads(json.dumps(search_index(kb)))
    pages = data["pages"]
    found = {(key, pages[page][0]) for key, page, _name in data["names"]}
    assert ("scm", "muscles/sternocleidomastoid.html") in found
    assert (normalise("traps"), "muscles/trapezius.html") in found
    assert ("tennis elbow", "conditions/tennis_elbow.html") in found
    assert (normalise("vertigo"), "symptoms/dizziness.html") in found
    for muscle in kb.muscles.values():
        for alias in muscle.aliases:
            assert (normalise(alias), f"muscles/{muscle.id}.html") in found, alias
    for condition in kb.conditions.values():
        for alias in condition.aliases:
            assert (normalise(alias), f"conditions/{condition.id}.html") in found, alias
    for region in kb.regions.values():
        assert (normalise(region.label), f"regions/{region.id}.html") in found


# --------------------------------------------------------------------------- content


def test_region_condition_and_symptom_pages_rank_as_where_does(kb: KnowledgeBase) -> None:
    for kind, table in (("region", kb.regions), ("condition", kb.conditions), ("phenomenon", kb.phenomena)):
        for record_id, record in table.items():
            assert topic_result(kb, kind, record_id) == kb.where(record.label), (kind, record_id)


def test_a_region_page_lists_the_ranking_and_its_red_flags(kb: KnowledgeBase, pages: dict[str, Page]) -> None:
    result = kb.where("Temple")
    page = pages["regions/temple.html"]
    listed = [
        a["href"] for a in page.attrs("a") if a.get("href", "").startswith("../muscles/") and "#" not in a["href"]
    ]
    ranked = [f"../muscles/{c.muscle.id}.html" for c in result]
    assert list(dict.fromkeys(h for h in listed if h in ranked)) == ranked
    assert result.red_flags
    ids = set(page.ids)
    assert {f"flag-{flag.id}" for flag in result.red_flags} <= ids
    assert [s for s in page.attrs("g") if s.get("data-region") == "temple" and s.get("data-score") == "site"]


def test_a_muscle_page_has_a_map_per_trigger_point_zones_and_citations(
    kb: KnowledgeBase, atlas_dir: Path, pages: dict[str, Page]
) -> None:
    muscle = kb.muscle("trapezius")
    page = pages["muscles/trapezius.html"]
    text = (atlas_dir / "muscles" / "trapezius.html").read_text(encoding="utf-8")
    assert len(page.attrs("svg")) == len(muscle.trigger_points)
    hrefs = {a["href"] for a in page.attrs("a")}
    for trp in muscle.trigger_points:
        assert f"trp-{trp.id}" in page.ids
        assert [g for g in page.attrs("g") if g.get("data-trigger-point") == trp.id]
        for zone in (*trp.pattern.essential, *trp.pattern.spillover):
            assert f"../regions/{zone.region}.html" in hrefs
        for source_id in trp.pattern.sources:
            assert f"src-{source_id}" in page.ids
            assert html.escape(kb.sources[source_id].citation) in text
        assert html.escape(trp.location) in text


def test_the_body_chart_links_every_drawn_region_to_its_page(kb: KnowledgeBase, pages: dict[str, Page]) -> None:
    from nmt_referral.maps import load_figures

    drawn = {shape.region for shape in load_figures(kb.root).shapes}
    links = [a for a in pages["index.html"].attrs("a") if "region" in a.get("class", "").split()]
    assert {a["data-region"] for a in links} == drawn
    assert all(a["href"] == f"regions/{a['data-region']}.html" for a in links)
    focusable = [a["data-region"] for a in links if a.get("tabindex") != "-1"]
    assert sorted(focusable) == sorted(drawn)  # each region once in the tab order


def test_a_region_no_pattern_reaches_says_so_and_a_rebuild_removes_stale_pages(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "regions").mkdir(parents=True)
    (overlay / "regions" / "extra.yaml").write_text("regions:\n  - id: little_toe\n    label: Little toe\n")
    site = tmp_path / "site"
    write_atlas(nmt_referral.validate(KB_MINIMAL, overlays=[overlay]), site)
    lonely = site / "regions" / "little_toe.html"
    assert "No referral pattern in this knowledge base reaches this place" in lonely.read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in index  # no body charts in this knowledge base: no chart, no maps, still a site
    (site / "my-notes.txt").write_text("mine")
    summary = write_atlas(nmt_referral.validate(KB_MINIMAL), site)
    assert not lonely.exists() and summary.removed == 1
    assert (site / "my-notes.txt").read_text() == "mine"  # not the atlas's: left alone


def test_toy_figures_give_a_chart_and_maps(maps_dir: Path, tmp_path: Path) -> None:
    files = atlas_files(nmt_referral.validate(maps_dir))
    index = Page(files["index.html"].decode())
    assert {a.get("data-region") for a in index.attrs("a") if a.get("class") == "region"} == {
        "temple",
        "forehead",
        "angle_of_jaw",
        "sternum",
    }
    alpha = Page(files["muscles/alpha.html"].decode())
    assert [g for g in alpha.attrs("g") if g.get("data-trigger-point") == "alpha_1"]


def test_markup_in_the_data_is_shown_as_text(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "patches").mkdir(parents=True)
    hostile = '<img src=x onerror="alert(1)">'
    (overlay / "patches" / "p.yaml").write_text(
        "patches:\n"
        f"  - muscle: alpha\n    aliases: ['{hostile}']\n    notes: '</p><script>alert(2)</script>'\n"
        '  - region: temple\n    notes: \'"><a href="https://example.org">x</a>\'\n'
    )
    files = atlas_files(nmt_referral.validate(KB_MINIMAL, overlays=[overlay]))
    for name, content in files.items():
        text = content.decode()
        if not name.endswith(".html"):
            continue  # the search index holds names as JSON strings; the script shows them as text only
        assert "<img" not in text and "alert(2)</script>" not in text and 'href="https:' not in text, name
    assert html.escape(hostile) in files["muscles/alpha.html"].decode()
    assert "innerHTML" not in files["assets/atlas.js"].decode() and "textContent" in files["assets/atlas.js"].decode()
    index = json.loads(files["search-index.js"].decode().split(" = ", 1)[1].rstrip(";\n"))
    assert [name for _key, _page, name in index["names"] if name == hostile]


def test_a_tampered_marker_cannot_make_the_atlas_delete_outside_it(tmp_path: Path) -> None:
    kb = nmt_referral.validate(KB_MINIMAL)
    site = tmp_path / "site"
    write_atlas(kb, site)
    outside = tmp_path / "precious.html"
    outside.write_text("keep")
    (site / "muscles" / "keep.html").write_text("keep")
    marker = site / MARKER
    marker.write_text(marker.read_text() + "../precious.html\n/etc/passwd.html\nmuscles/../../precious.html\n")
    write_atlas(kb, site)
    assert outside.read_text() == "keep"
    assert (site / "muscles" / "keep.html").read_text() == "keep"


def test_a_symbolic_link_in_the_way_is_refused(tmp_path: Path) -> None:
    kb = nmt_referral.validate(KB_MINIMAL)
    site = tmp_path / "site"
    write_atlas(kb, site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(site / "muscles")
    (site / "muscles").symlink_to(elsewhere)
    with pytest.raises(AtlasError, match="in the way"):
        write_atlas(kb, site)
    assert not list(elsewhere.iterdir())


# --------------------------------------------------------------------------- command line


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_cli_writes_and_rebuilds_an_atlas(tmp_path: Path) -> None:
    site = tmp_path / "new" / "atlas"
    runner = CliRunner()
    first = runner.invoke(app, ["atlas", str(site), "--data", str(KB_MINIMAL)])
    assert first.exit_code == 0, first.output
    assert first.stdout == "" and "wrote the atlas" in first.stderr and "index.html" in first.stderr
    before = _snapshot(site)
    again = runner.invoke(app, ["atlas", str(site), "--data", str(KB_MINIMAL)])
    assert again.exit_code == 0, again.output
    assert _snapshot(site) == before
    assert "muscles/alpha.html" in before


def test_cli_refuses_a_folder_that_is_not_an_atlas_and_leaves_it_alone(tmp_path: Path) -> None:
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "index.html").write_text("my own page")
    (folder / "chapter.txt").write_text("chapter")
    before = _snapshot(folder)
    result = CliRunner().invoke(app, ["atlas", str(folder), "--data", str(KB_MINIMAL)])
    assert result.exit_code == EXIT_USAGE
    assert "not empty" in result.stderr and MARKER in result.stderr and len(result.stderr.splitlines()) == 1
    assert _snapshot(folder) == before and sorted(p.name for p in folder.iterdir()) == ["chapter.txt", "index.html"]


def test_cli_accepts_an_empty_folder_and_refuses_a_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    runner = CliRunner()
    assert runner.invoke(app, ["atlas", str(empty), "--data", str(KB_MINIMAL)]).exit_code == 0
    assert (empty / "index.html").is_file()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes")
    result = runner.invoke(app, ["atlas", str(a_file), "--data", str(KB_MINIMAL)])
    assert result.exit_code == EXIT_USAGE and "not a folder" in result.stderr
    assert a_file.read_text() == "notes"


def test_cli_reports_a_folder_it_cannot_write_with_exit_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["atlas", str(blocker / "sub"), "--data", str(KB_MINIMAL)])
    assert result.exit_code == EXIT_OUTPUT
    assert result.stderr.startswith("error: cannot write the atlas") and len(result.stderr.splitlines()) == 1


def test_cli_with_an_invalid_knowledge_base_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    shutil.copytree(KB_MINIMAL, broken)
    (broken / "sources.yaml").write_text("sources: [")
    result = CliRunner().invoke(app, ["atlas", str(tmp_path / "site"), "--data", str(broken)])
    assert result.exit_code == 1
    assert not (tmp_path / "site").exists()


def test_the_atlas_command_is_listed_in_help() -> None:
    result = CliRunner().invoke(app, ["atlas", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.stdout and "DIR" in result.stdout


# --------------------------------------------------------------------------- in a real browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by selenium (skipped when either is missing)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed")
    profile = tempfile.mkdtemp(prefix="atlas-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1000,800",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _severe(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def _wait_for(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 5).until(condition)


def test_browser_click_through_from_index_to_muscle_zone_and_back(browser: Any, atlas_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((atlas_dir / "index.html").as_uri())
    assert browser.title.startswith("Trigger-point referral atlas")
    browser.find_element(By.CSS_SELECTOR, 'section[aria-labelledby="muscles"] a[href="muscles/trapezius.html"]').click()
    assert browser.current_url.endswith("/muscles/trapezius.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Trapezius"
    zone = browser.find_element(By.CSS_SELECTOR, '#trp-trapezius_1 dd a[href^="../regions/"]')
    region_id = zone.get_attribute("href").rsplit("/", 1)[1].removesuffix(".html")
    zone.click()
    assert browser.current_url.endswith(f"/regions/{region_id}.html")
    assert browser.find_elements(By.CSS_SELECTOR, 'ol.candidates > li > a[href="../muscles/trapezius.html"]')
    assert not _severe(browser)


def test_browser_search_forgives_misspellings_and_opens_the_right_page(browser: Any, atlas_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get((atlas_dir / "regions" / "temple.html").as_uri())
    box = _wait_for(browser, lambda d: d.find_element(By.ID, "search-box"))
    assert box.is_displayed()  # the script revealed the form
    box.send_keys("sternocleidomastiod")
    _wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    assert "match" in browser.find_element(By.ID, "search-status").text
    box.send_keys(Keys.ENTER)
    _wait_for(browser, lambda d: d.current_url.endswith("/muscles/sternocleidomastoid.html"))
    expected = {
        "trapezuis": "muscles/trapezius.html",
        "infraspinatous": "muscles/infraspinatus.html",
        "SCM": "muscles/sternocleidomastoid.html",
        "levator scapule": "muscles/levator_scapulae.html",
        "tenis elbow": "conditions/tennis_elbow.html",
        "angle of jaw": "regions/angle_of_mandible.html",
        "dizzyness": "symptoms/dizziness.html",
    }
    for typed, page in expected.items():
        assert browser.execute_script("return window.nmtAtlasSearch(arguments[0])", typed)[0] == page, typed
    assert browser.execute_script("return window.nmtAtlasSearch('xyzzyq')") == []
    assert not _severe(browser)


def test_browser_search_results_are_links_a_keyboard_can_reach(browser: Any, atlas_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get((atlas_dir / "index.html").as_uri())
    box = browser.find_element(By.ID, "search-box")
    box.send_keys("infraspinatous")
    _wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a"))
    box.send_keys(Keys.ARROW_DOWN)
    active = browser.switch_to.active_element
    assert active.get_attribute("href").endswith("/muscles/infraspinatus.html")
    active.send_keys(Keys.ENTER)
    _wait_for(browser, lambda d: d.current_url.endswith("/muscles/infraspinatus.html"))


def test_browser_normalises_as_the_library_does(browser: Any, atlas_dir: Path) -> None:
    browser.get((atlas_dir / "index.html").as_uri())
    names = browser.execute_script(
        "return window.NMT_INDEX.names.map(function (n) { return [n[2], window.nmtAtlasNormalise(n[2])]; })"
    )
    assert len(names) > 1000
    assert [name for name, key in names if key != normalise(name)] == []
    extra = ["Golfer's Elbows", "Ångström  TEETH", "the pain", "calves", "sinus"]
    keys = browser.execute_script("return arguments[0].map(window.nmtAtlasNormalise)", extra)
    assert keys == [normalise(text) for text in extra]


def test_browser_body_chart_click_opens_the_region(browser: Any, atlas_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((atlas_dir / "index.html").as_uri())
    shape = browser.find_element(By.CSS_SELECTOR, 'svg.bodychart a.region[data-region="temple"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", shape)
    shape.click()
    _wait_for(browser, lambda d: d.current_url.endswith("/regions/temple.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Temple"
    assert not _severe(browser)


def test_browser_keyboard_starts_at_the_skip_link(browser: Any, atlas_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get((atlas_dir / "muscles" / "trapezius.html").as_uri())
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("class") == "skip-link" and active.is_displayed()
    active.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"
