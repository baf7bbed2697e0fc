"""Where a file's briefings lie in its bytes, and how a file differs from its recorded layout:
whenever the comparison says which briefings are new, the file parses to exactly the kept ones
and the new ones (the index's patch rests on it)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.layout import Layout, byte_offsets, compare, items, locate

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)  # fmt: skip
BRIEFINGS = st.dictionaries(st.sampled_from(["id", "title", "tags", "é", "x"]), VALUES, max_size=4)
SPACE = st.text(alphabet=" \t\n\r", max_size=3)


def render(document: list[tuple[str, Any]], spaces: list[str], ascii_only: bool) -> str:
    """A JSON object's text with the given whitespace between its tokens (cycled)."""
    space = iter(spaces * 200 + [""] * 10_000)
    out = ["{", next(space)]
    for n, (key, value) in enumerate(document):
        if n:
            out += [",", next(space)]
        out += [json.dumps(key, ensure_ascii=ascii_only), next(space), ":", next(space)]
        if key == "briefings":
            out += ["[", next(space)]
            for m, item in enumerate(value):
                if m:
                    out += [next(space), ",", next(space)]
                out.append(json.dumps(item, ensure_ascii=ascii_only))
            out += [next(space), "]"]
        else:
            out.append(json.dumps(value, ensure_ascii=ascii_only))
        out.append(next(space))
    out += ["}", next(space)]
    return "".join(out)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Any]]:
    briefings = draw(st.lists(BRIEFINGS, min_size=1, max_size=6))
    before = draw(st.lists(st.tuples(st.sampled_from(["schema_version", "a"]), VALUES),
                           max_size=2, unique_by=lambda pair: pair[0]))  # fmt: skip
    after = draw(st.lists(st.tuples(st.sampled_from(["z", "note"]), VALUES), max_size=2,
                          unique_by=lambda pair: pair[0]))  # fmt: skip
    spaces = draw(st.lists(SPACE, min_size=1, max_size=5))
    text = render([*before, ("briefings", briefings), *after], spaces, draw(st.booleans()))
    return text, briefings


@given(documents())
def test_locate_finds_each_briefing(document: tuple[str, list[Any]]) -> None:
    text, briefings = document
    located = locate(text)
    assert located is not None
    starts, end = located
    assert len(starts) == len(briefings)
    bounds = [*starts, end]
    for n, briefing in enumerate(briefings):
        piece = text[bounds[n] : bounds[n + 1]].rstrip(" \t\n\r").removesuffix(",")
        assert json.loads(piece) == briefing
    assert text[end:].lstrip(" \t\n\r").startswith("]")


@given(
    st.text(alphabet='{}[]",:0123 abtruefsnl\\\n', max_size=40) | documents().map(lambda d: d[0])
)
def test_locate_never_locates_in_text_that_is_not_json(text: str) -> None:
    try:
        located = locate(text)
    except (ValueError, IndexError, StopIteration, RecursionError):
        return
    if located is not None:
        parsed = json.loads(text)  # what is located is JSON
        assert len(parsed["briefings"]) == len(located[0])


def layout_of(text: str) -> Layout:
    located = locate(text)
    assert located is not None
    *starts, end = byte_offsets(text, [*located[0], located[1]])
    return Layout.measure(text.encode(), starts, end)


EDITS = st.sampled_from(["replace", "insert", "delete", "space", "header", "trailer", "none"])


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    """A document, and the same after a few edits of the kind an author makes."""
    text, briefings = draw(documents())
    new = list(briefings)
    located = locate(text)
    assert located is not None
    opening, closing = text.rindex("[", 0, located[0][0]), text.index("]", located[1])
    head, tail = text[:opening], text[closing + 1 :]
    spaces = draw(st.lists(SPACE, min_size=1, max_size=3))
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(EDITS)
        where = draw(st.integers(0, len(new)))
        if edit == "replace" and where < len(new):
            new[where] = draw(BRIEFINGS)
        elif edit == "insert":
            new.insert(where, draw(BRIEFINGS))
        elif edit == "delete" and where < len(new) and len(new) > 1:
            del new[where]
        elif edit == "header":
            head = head.replace("{", "{ ", 1)
        elif edit == "trailer":
            tail += " "
    if draw(st.booleans()):  # the briefings written as they were, but for the edits
        inner = text[opening + 1 : closing]
        starts = [start - opening - 1 for start in located[0]]
        pieces = [inner[a:b] for a, b in zip(starts, [*starts[1:], len(inner)], strict=True)]
        kept = {json.dumps(b): p for b, p in zip(briefings, pieces, strict=True)}
        body = "".join(kept.get(json.dumps(b), json.dumps(b) + ", ") for b in new)
        body = body.rstrip(" \t\n\r").removesuffix(",")
        return text, f"{head}[{inner[: starts[0]]}{body}{spaces[0]}]{tail}"
    return text, f"{head}[{spaces[0]}{', '.join(map(json.dumps, new))}]{tail}"


def reparsed(old: Layout, text: str, new: str) -> tuple[list[Any], Layout] | None:
    """The briefings of ``new`` as the comparison with ``old`` reads them (the kept ones
    from ``text``), and the new layout; ``None`` when the file is to be read whole."""
    raw = new.encode()
    change = compare(old, raw)
    if change is None:
        return None
    count = len(old.starts)
    middle = raw[change.begin : change.stop].decode()
    found = items(middle, after_item=change.kept_before == count,
                  before_item=change.kept_after < count)  # fmt: skip
    if found is None:
        return None
    old_raw = text.encode()
    bounds = [*old.starts, old.end]

    def kept(n: int) -> Any:
        piece = old_raw[bounds[n] : bounds[n + 1]].decode().rstrip(" \t\n\r").removesuffix(",")
        return json.loads(piece)

    briefings = [kept(n) for n in range(change.kept_before)]
    briefings += [json.loads(middle[a:b]) for a, b in found]
    briefings += [kept(n) for n in range(change.kept_after, count)]
    offsets = iter(byte_offsets(middle, [o for span in found for o in span]))
    spans = [(change.begin + a, change.begin + b) for a, b in zip(offsets, offsets, strict=True)]
    return briefings, old.changed(change, raw, spans)


@settings(max_examples=400)
@given(edited())
def test_what_the_comparison_reads_is_the_file(pair: tuple[str, str]) -> None:
    text, new = pair
    try:
        expected = json.loads(new)["briefings"]
    except ValueError:
        expected = None  # the edit broke the file: it must be read whole
    old = layout_of(text)
    found = reparsed(old, text, new)
    if found is None:
        return
    briefings, layout = found
    assert briefings == expected
    assert layout == layout_of(new)  # the new layout is the one measured afresh
    if compare(old, new.encode()).same(len(old.starts)):  # type: ignore[union-attr]
        assert new == text


@given(documents(), st.data())
def test_an_edit_inside_one_briefing_is_read_alone(
    document: tuple[str, list[Any]], data: st.DataObject
) -> None:
    """The comparison is no toy: a briefing replaced leaves the others kept."""
    text, briefings = document
    where = data.draw(st.integers(0, len(briefings) - 1))
    replacement = {"id": "edited", "n": len(text)}
    located = locate(text)
    assert located is not None
    start = located[0][where]
    end = located[0][where + 1] if where + 1 < len(briefings) else located[1]
    piece = text[start:end]
    value_end = start + len(piece.rstrip(" \t\n\r").removesuffix(",").rstrip(" \t\n\r"))
    new = text[:start] + json.dumps(replacement) + text[value_end:]
    old = layout_of(text)
    change = compare(old, new.encode())
    assert change is not None
    assert change.kept_before == where and change.kept_after == where + 1
    found = reparsed(old, text, new)
    assert found is not None
    assert found[0] == [*briefings[:where], replacement, *briefings[where + 1 :]]


def test_a_layout_survives_its_own_form_and_refuses_damage() -> None:
    text = '{"schema_version": 1, "briefings": [{"id": "a"}, {"id": "b"}]}'
    layout = layout_of(text)
    assert Layout.from_bytes(layout.to_bytes()) == layout
    assert Layout.from_bytes(layout.to_bytes()[:-1]) is None
    assert Layout.from_bytes(b"") is None
    assert Layout.from_bytes("text") is None


def test_non_ascii_text_is_laid_out_in_bytes() -> None:
    text = '{"t": "Москва", "briefings": [{"id": "ё"}, {"id": "b"}]}'
    layout = layout_of(text)
    raw = text.encode()
    assert raw[layout.starts[1] : layout.end] == b'{"id": "b"}'
