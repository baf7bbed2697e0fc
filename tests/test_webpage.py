"""``briefing summary --format html``: one static, script-free, accessible page.

Parsed by html5lib (the HTML5 algorithm, strict) for its structure on the default briefing, on
many sections, on several briefings and on hostile data; then, in Debian's Chromium, rendered
as a reader sees it: no request but the page, no console error, sections that open, the
accessibility tree, the layout on a wide screen and a phone, print, and the contrast of every
text in light and dark.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.records import Briefing, Document, attribution, event_date_pieces, grade_meaning
from briefing.store import parse
from briefing.summary import Options, render
from tests.conftest import (
    BUNDLED,
    hostile_document,
    many_sections,
    minimal,
    multi_document,
    run_cli,
    set_at,
    strings,
    write_json,
)
from tests.test_hostile import TEXT_PATHS
from tests.test_serve import CHROMIUM, CHROMIUM_FLAGS
from tests.test_summary_corrections import WRONG_RANGE, WRONG_TOLL, corrected
from tests.webpages import assert_inert, find_all, skeleton, text_of

STATUS_WORDS = {"confirmed", "reported", "unverified", "claim"}


def loaded(data: dict[str, Any]) -> list[Briefing]:
    return list(parse(json.dumps(data)).briefings)


def page_of(briefings: list[Briefing], **options: Any) -> str:
    return "".join(render(briefings, "html", Options(**options)))


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the default briefing --------------------------------------------------------------------


@pytest.mark.parametrize("full", [False, True])
def test_the_default_briefing_as_a_page(default: Document, full: bool) -> None:
    (briefing,) = default.briefings[:1]
    root = assert_inert(page_of([briefing], full=full))
    assert root.get("lang") == "en"
    assert text_of(next(root.iter("title"))) == briefing.title
    (h1,) = find_all(root, "h1")
    assert text_of(h1) == briefing.title
    # Landmarks: the page's header, one main, the facts an aside inside it.
    body = next(root.iter("body"))
    assert [child.tag for child in body] == ["header", "main", "footer"]
    (main,) = find_all(root, "main")
    (aside,) = find_all(main, "aside")
    assert aside.get("aria-labelledby")
    # The date, marked inferred; the bottom line.
    (published,) = [t for t in body[0].iter("time")]
    assert published.get("datetime") == "2024-11-19"
    assert "(inferred)" in text_of(body[0])
    assert squash(briefing.bottom_line) in text_of(main)
    # One <details> per section: its number, title and summary, then its paragraphs.
    details = find_all(main, "details")
    assert len(details) == len(briefing.sections) == 4
    for number, (section, element) in enumerate(zip(briefing.sections, details, strict=True), 1):
        summary = element.find("summary")
        assert summary is not None
        assert text_of(summary) == f"{number}. {squash(section.title)} {squash(section.summary)}"
        paragraphs = [text_of(p) for p in element.iter("p")]
        assert paragraphs[: len(section.paragraphs)] == [squash(p) for p in section.paragraphs]
    # The aside holds every fact: its status as a word, value, label, sources and grade.
    facts = find_all(aside, "li", "fact")
    assert len(facts) == len(briefing.key_facts) > 10
    for fact, item in zip(briefing.key_facts, facts, strict=True):
        (status,) = find_all(item, "span", "status")
        assert text_of(status) == fact.status and fact.status in STATUS_WORDS
        assert f"status-{fact.status}" in (status.get("class") or "")
        text = text_of(item)
        assert squash(fact.value) in text and squash(fact.label) in text
        assert attribution(briefing, fact) in text  # "per News report · F2", as every format
        (abbr,) = item.iter("abbr")
        assert abbr.get("title") == grade_meaning(fact.grade or "")
    watch = find_all(main, "section", "watch")[0]
    assert [text_of(li) for li in watch.iter("li")] == [squash(w) for w in briefing.watch]
    quotes = find_all(main, "blockquote")
    timeline = find_all(main, "section", "timeline")
    sources = find_all(main, "section", "sources")
    # As in every format: --full adds the quotes, the timeline and the sources.
    assert bool(quotes) == bool(timeline) == bool(sources) == full


def test_the_full_page_adds_quotes_timeline_and_sources(default: Document) -> None:
    briefing = default.briefings[0]
    main = find_all(assert_inert(page_of([briefing], full=True)), "main")[0]
    quotes = find_all(main, "blockquote")
    timeline = find_all(main, "section", "timeline")
    sources = find_all(main, "section", "sources")
    assert len(quotes) == len(briefing.quotes)
    for quote, element in zip(_in_section_order(briefing), quotes, strict=True):
        (cite,) = element.iter("cite")
        assert text_of(cite) == quote.speaker
        assert f"\u201c{squash(quote.text)}\u201d" in text_of(element)
    events = list(timeline[0].iter("li"))
    assert len(events) == len(briefing.timeline)
    for event, item in zip(briefing.timeline_in_order(), events, strict=True):
        days = [t.get("datetime") for t in item.iter("time")]
        assert days == [piece.day for piece in event_date_pieces(event.date) if piece.day]
        assert squash(event.event) in text_of(item)
    links = [a for a in sources[0].iter("a")]
    assert [a.get("href") for a in links] == [s.url for s in briefing.sources if s.url]
    assert all(a.get("rel") == "noopener noreferrer" for a in links)


def _in_section_order(briefing: Briefing) -> list[Any]:
    order = {section.id: n for n, section in enumerate(briefing.sections)}
    return sorted(briefing.quotes, key=lambda quote: order[quote.section])


def test_many_sections_and_a_page_narrowed_to_some() -> None:
    briefings = loaded(many_sections(60))
    root = assert_inert(page_of(briefings, full=True))
    summaries = [text_of(s) for s in root.iter("summary")]
    assert summaries == [f"{n}. Part {n} title Summary {n}." for n in range(1, 61)]
    assert len(find_all(root, "li", "fact")) == 60
    narrowed = assert_inert(page_of(briefings, full=True, sections=("part-2", "part-50")))
    # Sections keep their numbers in the whole briefing, and only their facts stay.
    assert [text_of(s) for s in narrowed.iter("summary")] == [
        "2. Part 2 title Summary 2.",
        "50. Part 50 title Summary 50.",
    ]
    values = [find_all(fact, "span", "value") for fact in find_all(narrowed, "li", "fact")]
    assert [text_of(value) for (value,) in values] == ["value 2", "value 50"]


def test_several_briefings_share_one_page_under_one_h1() -> None:
    briefings = loaded(multi_document())
    root = assert_inert(page_of(briefings))
    assert [text_of(h) for h in find_all(root, "h1")] == ["Briefings"]
    assert text_of(next(root.iter("title"))) == "Briefings"
    (main,) = find_all(root, "main")
    articles = find_all(main, "article")
    assert [text_of(find_all(a, "h2")[0]) for a in articles] == [b.title for b in briefings]
    # Each briefing's parts are one level below its title.
    assert {h.tag for a in articles for h in a.iter() if h.tag in ("h2", "h3")} == {"h2", "h3"}
    assert len(find_all(root, "details")) == sum(len(b.sections) for b in briefings)


def test_the_page_speaks_the_briefing_s_language() -> None:
    """``<html lang>`` is the briefing's language (format 1.1), English when the file does not
    say; in a page of another language the labels the page adds, English, are marked so."""
    english = assert_inert(page_of(loaded(minimal())))
    assert english.get("lang") == "en"
    assert [e.tag for e in english.iter() if e.get("lang")] == ["html"]
    data = minimal()
    data["schema_version"] = 1.1
    data["briefings"][0]["language"] = "fr-CA"
    french = assert_inert(page_of(loaded(data), full=True))
    assert french.get("lang") == "fr-CA"
    headings = [h for h in french.iter() if h.tag in ("h1", "h2")]
    assert headings[0].get("lang") is None  # the title: the briefing's own words
    assert headings[1:] and all(h.get("lang") == "en" for h in headings[1:])
    statuses = [s for s in find_all(french, "span", "status")]
    assert statuses and all(s.get("lang") == "en" for s in statuses)
    # Several briefings: the language they share, else English, each other one on its article.
    mixed = multi_document()
    mixed["schema_version"] = 1.1
    mixed["briefings"][1]["language"] = "de"
    root = assert_inert(page_of(loaded(mixed)))
    assert root.get("lang") == "en"
    assert [a.get("lang") for a in find_all(root, "article")] == [None, "de", None]
    for briefing in mixed["briefings"]:
        briefing["language"] = "de"
    root = assert_inert(page_of(loaded(mixed)))
    assert root.get("lang") == "de"
    assert [a.get("lang") for a in find_all(root, "article")] == [None, None, None]
    assert find_all(root, "header")[0].get("lang") == "en"  # "Briefings", the page's label


def test_corrections_come_first() -> None:
    root = assert_inert(page_of(loaded(corrected()), full=True))
    order = [e.get("class") for e in root.iter("section")]
    assert order[:2] == ["corrections", "bottom-line"]
    (block,) = find_all(root, "section", "corrections")
    assert text_of(find_all(block, "h2")[0]) == "Corrections"
    items = [text_of(li) for li in block.iter("li")]
    assert items == [
        f"20 November 2024 \u2014 {WRONG_RANGE} (section 2, Section two)",
        f"21 November 2024 \u2014 {WRONG_TOLL}",
    ]
    assert [t.get("datetime") for t in block.iter("time")] == ["2024-11-20", "2024-11-21"]
    # The dateline says so, and takes the reader there.
    dateline = find_all(root, "p", "dateline")[0]
    assert [a.get("href") for a in dateline.iter("a")] == ["#b1-corrections"]


# --- hostile data ----------------------------------------------------------------------------

TEXT_KEYS = {
    "title", "bottom_line", "standfirst", "summary", "paragraphs", "label", "value", "note",
    "event", "text", "speaker", "role", "name", "date_note", "watch",
}  # fmt: skip


def tamed(data: Any, key: str | None = None) -> Any:
    """The same document with every text a plain word: the same elements, if data is inert."""
    if isinstance(data, dict):
        return {k: tamed(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [tamed(v, key) for v in data]
    if isinstance(data, str) and key in TEXT_KEYS:
        return "plain"
    return data


@pytest.mark.parametrize("full", [False, True])
def test_hostile_text_adds_no_element_and_no_attribute(full: bool) -> None:
    data = hostile_document()
    page = page_of(loaded(data), full=full)
    root = assert_inert(page)
    assert skeleton(root) == skeleton(assert_inert(page_of(loaded(tamed(data)), full=full)))
    # The markup is there, as text; no control character is.
    assert "<script>alert(1)</script>" in "".join(root.itertext())
    assert "[@click=app.quit]" in "".join(root.itertext())
    assert not [c for c in page if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
    assert "\x1b" not in page and "\u202e" not in page


def test_a_quote_in_a_web_address_stays_inside_its_attribute() -> None:
    data = minimal()
    url = "https://example.org/a\"onmouseover='alert(1)'&x=<b>"
    data["briefings"][0]["sources"] = [{"name": "Odd address", "url": url}]
    try:
        briefings = loaded(data)
    except Exception:  # the format refuses it: nothing to render
        pytest.skip("the format refuses the address")
    root = assert_inert(page_of(briefings, full=True))
    (link,) = [a for a in root.iter("a") if not (a.get("href") or "#").startswith("#")]
    assert link.get("href") == url
    assert set(link.attrib) == {"href", "rel"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=40), where=st.sampled_from([*TEXT_PATHS, ("date_note",)]))
@example(text="\ufffex\U0010ffff\ufdd0\tx", where=("bottom_line",))  # noncharacters, a tab
def test_any_text_anywhere_leaves_the_page_s_elements_alone(
    text: str, where: tuple[str | int, ...]
) -> None:
    data = minimal()
    data["schema_version"] = 1.1  # for the date note
    set_at(data["briefings"][0], where, text)
    try:
        briefings = loaded(data)
    except Exception:  # blank after cleaning, or not a valid value: the loader's tests cover it
        return
    tame = copy.deepcopy(data)
    set_at(tame["briefings"][0], where, "plain")
    page = page_of(briefings, full=True)
    assert skeleton(assert_inert(page)) == skeleton(assert_inert(page_of(loaded(tame), full=True)))


def test_every_hostile_string_is_shown_whole(tmp_path: Path) -> None:
    """Through the command line: each hostile text, as the loader keeps it, is in the page's
    text (nothing of it lost to the escaping)."""
    data = hostile_document()
    path = write_json(tmp_path / "hostile.json", data)
    result = run_cli("--data", str(path), "summary", "--format", "html", "--full", "--all")
    assert result.returncode == 0, result.stderr
    root = assert_inert(result.stdout)
    shown = squash("".join(root.itertext()))
    for briefing in loaded(data):
        for text in strings(briefing.to_json()):
            if any(c in text for c in "<>&\"'[") or not text.isascii():
                assert squash(text) in shown, text


# --- the command line ------------------------------------------------------------------------


def test_the_command_writes_the_page(tmp_path: Path) -> None:
    result = run_cli("summary", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>\n") and result.stdout.endswith("</html>\n")
    assert "\x1b" not in result.stdout
    every = run_cli("--data", str(write_json(tmp_path / "m.json", multi_document())),
                    "summary", "--format", "html", "--all")  # fmt: skip
    assert every.returncode == 0 and len(find_all(assert_inert(every.stdout), "article")) == 3
    one = run_cli("summary", "--format", "html", "--section", "3")
    assert one.returncode == 0
    assert [text_of(s)[:2] for s in assert_inert(one.stdout).iter("summary")] == ["3."]
    # Into head, as any summary: the rest is dropped quietly.
    head = subprocess.run(
        f"{sys.executable} -m briefing summary --format html --full | head -3",
        shell=True, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert head.stdout.splitlines()[0] == "<!DOCTYPE html>" and not head.stderr


def test_only_the_page_imports_jinja2() -> None:
    """The other formats start as fast as before: Jinja2 and the page's module are imported
    only for ``--format html`` (and neither Textual nor Rich is, for any)."""
    code = (
        "import contextlib, io, sys\nfrom briefing.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['summary', '--full', '--format', sys.argv[1]]) == 0\n"
        "print(' '.join(sys.modules))"
    )
    for fmt in ("text", "markdown", "json", "line", "html"):
        result = subprocess.run(
            [sys.executable, "-c", code, fmt], capture_output=True, text=True, check=True
        )
        modules = {m.split(".")[0] for m in result.stdout.split()}
        assert ("jinja2" in modules) == (fmt == "html"), fmt
        assert ("briefing.webpage" in result.stdout.split()) == (fmt == "html"), fmt
        assert not modules & {"textual", "rich"}, fmt


# --- in Chromium -----------------------------------------------------------------------------

CONTRAST = """() => {
  const channels = (color) => {
    const parts = color.match(/[\\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a), a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = channels(getComputedStyle(e).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let color = {r: 255, g: 255, b: 255, a: 1};
    const canvas = channels(getComputedStyle(document.documentElement).backgroundColor);
    if (canvas.a > 0) color = over(canvas, color);
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const luminance = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility()) continue;
    const back = background(element);
    const fore = over(channels(getComputedStyle(element).color), back);
    const [light, dark] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
    found.push({ratio: (light + 0.05) / (dark + 0.05), text: node.textContent.trim().slice(0, 40)});
  }
  return found;
}"""


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A static server on loopback for ``folder``: the page as any web host would give it."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_the_page_in_chromium(tmp_path: Path) -> None:  # noqa: PLR0915 (one visit, told in order)
    sync_api = pytest.importorskip("playwright.sync_api")
    data = json.loads(BUNDLED.read_text())
    data["briefings"][0]["corrections"] = [{"date": "2024-11-20", "text": WRONG_RANGE}]
    data["schema_version"] = 1.1
    path = write_json(tmp_path / "data.json", data)
    result = run_cli("--data", str(path), "summary", "--format", "html", "--full")
    assert result.returncode == 0, result.stderr
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "briefing.html").write_text(result.stdout, encoding="utf-8")
    sections = [s["title"] for s in data["briefings"][0]["sections"]]
    with serving(tmp_path / "site") as site, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        url = f"{site}/briefing.html"
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 1400, "height": 900}, color_scheme=scheme)
            requests: list[str] = []
            problems: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.on("console", lambda m, p=problems: m.type == "error" and p.append(m.text))
            page.on("pageerror", lambda error, p=problems: p.append(str(error)))
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert requests == [url]  # nothing but the page: no font, image, style or script
            # The accessibility tree: one level-1 heading, a group per section.
            tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
            nodes = [n for n in tree["nodes"] if not n.get("ignored")]
            levels = [
                p["value"]["value"]
                for n in nodes
                if n.get("role", {}).get("value") == "heading"
                for p in n.get("properties", [])
                if p["name"] == "level"
            ]
            assert levels.count(1) == 1
            groups = [n for n in nodes if n.get("role", {}).get("value") == "group"]
            assert len(groups) == len(sections)
            landmarks = {n["role"]["value"] for n in nodes}
            assert {"banner", "main", "complementary", "contentinfo"} <= landmarks
            # A section's summary opens it; closed, its paragraphs are not shown.
            second = page.locator("details").nth(1)
            paragraph = second.locator("p").first
            assert not paragraph.is_visible()
            second.locator("summary").click()
            assert second.evaluate("d => d.open") and paragraph.is_visible()
            # The keyboard reaches the summaries, and focus shows.
            page.locator("summary").first.focus()
            page.keyboard.press("Tab")
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
            )
            assert outline[1] != "none" and outline[2] != "0px", outline
            # Every text, every section open, at least 4.5:1 against what is behind it.
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            texts = page.evaluate(CONTRAST)
            assert len(texts) > 100
            worst = min(texts, key=lambda t: t["ratio"])
            assert worst["ratio"] >= 4.5, (scheme, worst)
            # Wide: the facts beside the sections.
            sections_box = page.locator("section.sections").bounding_box()
            facts_box = page.locator("aside").bounding_box()
            assert sections_box and facts_box
            assert facts_box["x"] >= sections_box["x"] + sections_box["width"]
            assert facts_box["y"] < sections_box["y"] + sections_box["height"]
            assert not problems, problems
            page.close()
        # A phone: the facts below the sections, nothing wider than the screen.
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(url)
        sections_box = phone.locator("section.sections").bounding_box()
        facts_box = phone.locator("aside").bounding_box()
        assert sections_box and facts_box
        assert facts_box["y"] >= sections_box["y"] + sections_box["height"]
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
        # Print: every section expanded.
        phone.emulate_media(media="print")
        shown = phone.evaluate(
            "() => [...document.querySelectorAll('details .body p')]"
            ".map(p => p.checkVisibility() && p.getBoundingClientRect().height > 0)"
        )
        assert shown and all(shown)
        browser.close()
