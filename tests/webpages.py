"""Reading the web page (``summary --format html``) as a browser's parser does: html5lib, the
HTML5 parsing algorithm, strict (a parse error fails the test)."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import html5lib

from briefing.webpage import CONTENT_SECURITY_POLICY

# What the page may contain: nothing that runs, loads, embeds or submits.
ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "article", "aside",
    "section", "footer", "div", "h1", "h2", "h3", "h4", "p", "br", "span", "a", "abbr", "ul",
    "ol", "li", "dl", "dt", "dd", "details", "summary", "blockquote", "cite", "time",
}  # fmt: skip
ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "id", "class", "href", "rel", "title",
    "datetime", "aria-labelledby",
}  # fmt: skip
LINK = re.compile(r"https?://\S+")


def parse_page(page: str) -> ET.Element:
    """The page's document element; a parse error (anything a browser would repair) fails."""
    assert page.startswith("<!DOCTYPE html>\n"), page[:40]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    root: ET.Element = parser.parse(page)
    return root


def elements(root: ET.Element) -> Iterator[ET.Element]:
    yield from root.iter()


def text_of(element: ET.Element) -> str:
    """The element's text, whitespace squashed."""
    return " ".join("".join(element.itertext()).split())


def find_all(root: ET.Element, tag: str, class_: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter(tag) if class_ is None or class_ in (e.get("class") or "").split()]


def skeleton(root: ET.Element) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every element, in order, with its attributes: what data must never change (but the
    line breaks an author wrote, each a ``<br>``)."""
    return [(e.tag, tuple(sorted(e.attrib.items()))) for e in root.iter() if e.tag != "br"]


def assert_inert(page: str) -> ET.Element:
    """The page parses, holds only the elements and attributes the format writes, runs and
    loads nothing, links only to itself and to http(s) addresses, has its CSP, a language,
    one h1 and headings in order; its parsed tree is returned."""
    root = parse_page(page)
    for element in elements(root):
        assert element.tag in ELEMENTS, element.tag
        assert set(element.attrib) <= ATTRIBUTES, (element.tag, element.attrib)
        href = element.get("href")
        if href is not None:
            assert element.tag == "a"
            if not href.startswith("#"):
                assert LINK.fullmatch(href), href
                assert element.get("rel") == "noopener noreferrer", element.attrib
    assert root.get("lang")
    (policy,) = [m for m in root.iter("meta") if m.get("http-equiv")]
    assert policy.attrib == {
        "http-equiv": "Content-Security-Policy",
        "content": CONTENT_SECURITY_POLICY,
    }
    assert [e.tag for e in root.iter("style")] == ["style"]
    assert len(find_all(root, "h1")) == 1
    levels = [int(e.tag[1]) for e in root.iter() if re.fullmatch("h[1-6]", str(e.tag))]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids repeat"
    targets = {f"#{i}" for i in ids}
    for link in root.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            assert href in targets, href
    return root
