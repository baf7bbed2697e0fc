"""The reader driven by its keys (Pilot): every binding, asserted on the app's state."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from briefing.app import BriefingApp, make_app
from briefing.commands import BriefingCommands
from briefing.records import Document
from briefing.screens.fact import FactScreen
from briefing.screens.help import HelpScreen
from briefing.screens.picker import BriefingPicker
from briefing.screens.reader import ReaderScreen
from briefing.settings import load_settings
from briefing.store import parse
from briefing.widgets.facts import FactsPanel
from briefing.widgets.footer import FooterKey
from tests.conftest import (
    BUNDLED,
    HOSTILE_TEXTS,
    hostile_document,
    minimal,
    multi_document,
    notifications,
)
from tests.helpers import focused_section, opened, palette_search, reader, wait_until

WIDE = (160, 45)
NARROW = (80, 24)


@pytest.fixture(scope="module")
def multi() -> Document:
    return parse(json.dumps(multi_document()))


def facts_shown(app: BriefingApp) -> bool:
    return app.screen.query_one(FactsPanel).display


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_starts_collapsed_on_the_newest_briefing(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = reader(app)
        assert screen.briefing.id == "russia-us-missiles-warning"
        assert opened(app) == [False, False, False, False]
        assert focused_section(app) == "escalation"
        assert facts_shown(app)
        title = screen.sections[0].title_content
        assert title.plain == "▸ 1. Moscow's warning and a wave of strikes"
        assert str(screen.query_one("#title", Static).render()).startswith("Biden clears Ukraine")
        assert str(screen.query_one("#date", Static).render()) == "19 November 2024 (inferred)"


async def test_opens_the_briefing_asked_for(multi: Document) -> None:
    app = make_app(multi, "older")
    async with app.run_test(size=WIDE):
        assert reader(app).briefing.id == "older"
    app = make_app(multi)
    async with app.run_test(size=WIDE):
        assert reader(app).briefing.id == "newest-first"


async def test_moving_between_sections(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "down")
        assert focused_section(app) == "missiles"
        await press(pilot, "j", "j")
        assert focused_section(app) == "trump"
        await press(pilot, "j")  # the last section stays focused
        assert focused_section(app) == "trump"
        await press(pilot, "up", "k")
        assert focused_section(app) == "missiles"
        await press(pilot, "k", "k")
        assert focused_section(app) == "escalation"


async def test_enter_and_space_open_and_close(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "enter")
        assert opened(app) == [True, False, False, False]
        view = reader(app).sections[0]
        shown = view.render().plain
        assert shown.startswith("▾ 1.")
        assert default.briefings[0].sections[0].paragraphs[0][:40] in shown.replace("\n  ", " ")
        await press(pilot, "down", "space")
        assert opened(app) == [True, True, False, False]
        await press(pilot, "space")
        assert opened(app) == [True, False, False, False]
        assert focused_section(app) == "missiles"  # closing keeps focus


async def test_number_keys_open_and_move(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "3")
        assert opened(app) == [False, False, True, False]
        assert focused_section(app) == "north-korea"
        await press(pilot, "9")  # no ninth section: nothing changes
        assert opened(app) == [False, False, True, False]
        assert focused_section(app) == "north-korea"


async def test_expand_and_collapse_all_return_to_the_top(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=NARROW) as pilot:
        main = app.screen.query_one("#main")
        await press(pilot, "4")
        assert main.scroll_y > 0
        await press(pilot, "e")
        await wait_until(pilot, lambda: main.scroll_y == 0, "the view back at the top")
        assert opened(app) == [True] * 4
        assert focused_section(app) == "escalation"
        await press(pilot, "end")
        assert main.scroll_y > 0
        await press(pilot, "c")
        await wait_until(pilot, lambda: main.scroll_y == 0, "the view back at the top")
        assert opened(app) == [False] * 4
        assert focused_section(app) == "escalation"


async def test_page_keys_scroll(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "e")
        main = app.screen.query_one("#main")
        await press(pilot, "pagedown")
        assert main.scroll_y > 0
        await press(pilot, "pageup")
        assert main.scroll_y == 0


async def test_tab_moves_between_sections_and_facts(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "down", "tab")
        assert isinstance(app.focused, FactsPanel)
        await press(pilot, "tab")
        assert focused_section(app) == "missiles"
        await press(pilot, "shift+tab")
        assert isinstance(app.focused, FactsPanel)
        await press(pilot, "shift+tab")
        assert focused_section(app) == "missiles"


def footer_keys(app: BriefingApp) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_footer_follows_focus_but_is_rebuilt_only_when_its_keys_change(
    default: Document,
) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        before = footer_keys(app)
        assert "Open/close" in [key.description for key in before]
        await press(pilot, "down", "down", "up")  # section to section: the same keys
        assert footer_keys(app) == before  # the very same widgets: nothing rebuilt
        await press(pilot, "tab")  # the facts panel has no open/close
        assert "Open/close" not in [key.description for key in footer_keys(app)]
        await press(pilot, "tab")
        assert "Open/close" in [key.description for key in footer_keys(app)]
        await press(pilot, "question_mark", "escape")  # a dialog over it and back
        assert "Open/close" in [key.description for key in footer_keys(app)]


async def test_collection_resumes_after_the_first_screen(default: Document) -> None:
    gc.disable()  # as the command line leaves it while the reader starts
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # start-up objects left out of collections
    assert gc.get_freeze_count() == 0  # handed back when the app ends


async def test_f_hides_and_shows_the_panel(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "f")
        assert not facts_shown(app)
        assert focused_section(app) == "escalation"
        await press(pilot, "f")
        assert facts_shown(app)


async def test_narrow_panel_is_an_overlay(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(FactsPanel)
        assert not facts_shown(app)
        await press(pilot, "f")
        assert facts_shown(app)
        assert panel.region == app.screen.query_one("#body").region  # over the sections
        assert isinstance(app.focused, FactsPanel)
        await press(pilot, "f")
        assert not facts_shown(app)
        assert focused_section(app) == "escalation"


async def test_a_fact_s_dialog_goes_to_its_section(default: Document) -> None:
    """``enter`` on a fact shows it with its sources; ``g`` there opens its section, scrolled
    to the top, flashed, the panel laid over the sections closed (narrow)."""
    app = make_app(default)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "f")
        panel = app.screen.query_one(FactsPanel)
        target = next(
            index
            for index, option in enumerate(panel.options)
            if option.id and panel.facts[option.id].section == "north-korea"
        )
        panel.highlighted = target
        await press(pilot, "enter")
        assert isinstance(app.screen, FactScreen)
        assert app.screen.fact.section == "north-korea"
        await press(pilot, "g")
        assert opened(app) == [False, False, True, False]
        assert focused_section(app) == "north-korea"
        assert not facts_shown(app)
        main = app.screen.query_one("#main")
        assert main.scroll_y == min(reader(app).sections[2].virtual_region.y, main.max_scroll_y)
        flashing = reader(app).sections[2]
        assert flashing.has_class("-flash")
        await wait_until(pilot, lambda: not flashing.has_class("-flash"), "the flash to end")


async def test_facts_are_ordered_by_section_with_status_words(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE):
        panel = app.screen.query_one(FactsPanel)
        facts = [panel.facts[option.id] for option in panel.options if option.id]
        order = [s.id for s in default.briefings[0].sections]
        assert [order.index(f.section) for f in facts] == sorted(
            order.index(f.section) for f in facts
        )
        assert len(facts) == len(default.briefings[0].key_facts)
        prompt = str(next(o for o in panel.options if o.id).prompt)
        assert prompt.startswith(" CLAIM ")


async def test_brackets_step_through_briefings(multi: Document) -> None:
    app = make_app(multi, "older")
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "left_square_bracket")
        assert reader(app).briefing.id == "older"  # already the first
        await press(pilot, "right_square_bracket")
        assert reader(app).briefing.id == "newest-first"
        assert focused_section(app) == "one"
        title = str(app.screen.query_one("#title", Static).render())
        assert title == "Newest, first in the file"
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert reader(app).briefing.id == "newest-second"
        await press(pilot, "left_square_bracket")
        assert reader(app).briefing.id == "newest-first"


async def test_stepping_reuses_views_for_briefings_of_any_shape(default: Document) -> None:
    # Views are reused, added and removed as the number of sections changes; nothing of the
    # previous briefing (open sections, highlights, standfirst, watch list) may stay behind.
    data = json.loads(BUNDLED.read_text())
    full = data["briefings"][0]
    bare = minimal()["briefings"][0]
    bare.update(id="bare", watch=[], sections=bare["sections"][:1], timeline=[], quotes=[])
    bare["key_facts"][0]["section"] = "one"
    many = dict(full, id="many", sections=[dict(full["sections"][n % 4], id=f"s{n}")
                for n in range(7)], key_facts=[], timeline=[], quotes=[])  # fmt: skip
    data["briefings"] = [full, bare, many]
    app = make_app(parse(json.dumps(data)))
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "e", "slash", *"kursk", "escape")
        for expected in (bare, many, full):
            await press(pilot, "right_square_bracket" if expected is not full else "b")
            if expected is full:
                await press(pilot, *full["id"], "enter")
            screen = reader(app)
            assert screen.briefing.id == expected["id"]
            titles = [view.section.title for view in screen.sections]
            assert titles == [section["title"] for section in expected["sections"]]
            assert [view.expanded for view in screen.sections] == [False] * len(titles)
            numbers = [view.title_content.plain for view in screen.sections]
            assert numbers == [f"▸ {n}. {t}" for n, t in enumerate(titles, 1)]
            assert screen.query_one("#standfirst").display == bool(expected.get("standfirst"))
            assert screen.query_one("#watch").display == bool(expected["watch"])
            assert len(screen.query_one(FactsPanel).facts) == len(expected["key_facts"])
            await press(pilot, str(len(titles)))
            last = screen.sections[-1]
            body = last.body_content
            assert body is not None
            assert body.plain.startswith(expected["sections"][-1]["paragraphs"][0])


async def test_picker_filters_and_opens(multi: Document) -> None:
    app = make_app(multi)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "b")
        picker = app.screen
        assert isinstance(picker, BriefingPicker)
        options = picker.query_one("#picker-list", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "newest-first",
            "newest-second",
            "older",
        ]
        await pilot.press(*"older")
        await pilot.pause()
        assert picker.query_one(Input).value == "older"
        assert options.option_count == 1
        await press(pilot, "enter")
        await pilot.pause()
        assert reader(app).briefing.id == "older"
        await press(pilot, "b")
        await pilot.press(*"2024")
        await press(pilot, "down", "escape")
        assert reader(app).briefing.id == "older"


async def test_help_lists_every_binding(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = dict((description, keys) for keys, description in help_screen.rows)
        assert rows["Open section N"] == "1-9"
        for description in (
            "Open/close",
            "Next section",
            "Previous section",
            "Expand",
            "Collapse",
            "Facts",
            "Briefings",
            "Previous briefing",
            "Next briefing",
            "Sections ⇄ facts",
            "Help",
            "Quit",
        ):
            assert description in rows, description
        assert rows["Next section"] == "↓ j"
        await press(pilot, "escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_command_palette_opens_a_section(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "ctrl+p")
        assert await palette_search(pilot, "Section 4") == "4  Open section 4: Where Trump stands"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await wait_until(pilot, lambda: opened(app)[3], "section 4 to open")
        assert opened(app) == [False, False, False, True]
        assert focused_section(app) == "trump"


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
async def test_quit_keys(default: Document, key: str) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_theme_is_remembered(default: Document, tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    app = make_app(default, settings_path=path)
    async with app.run_test(size=WIDE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert load_settings(path)[0].theme == "nord"
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary left
    again = make_app(default, settings_path=path)
    async with again.run_test(size=WIDE):
        assert again.theme == "nord"


@pytest.mark.parametrize("content", ["{not json", '["a list"]', '{"theme": 5}', "\xff"])
async def test_corrupt_settings_are_ignored_with_a_warning(
    default: Document, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content.encode("latin-1"))
    app = make_app(default, settings_path=path)
    messages = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert len(messages) == 1
        assert messages[0].startswith("Ignoring saved settings")


async def test_unwritable_settings_warn_and_do_not_crash(default: Document, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = make_app(default, settings_path=blocker / "settings.json")
    messages = notifications(app)
    async with app.run_test(size=WIDE) as pilot:
        app.theme = "nord"
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
        assert len(messages) == 1 and messages[0].startswith("Could not save settings")
        assert app.is_running


@pytest.mark.parametrize("size", [(250, 70), (160, 45), (80, 24), (40, 12), (20, 6)])
async def test_any_size_down_to_20x6(default: Document, size: tuple[int, int]) -> None:
    app = make_app(default)
    async with app.run_test(size=size) as pilot:
        for keys in (["e"], ["f"], ["tab"], ["c"], ["question_mark"], ["escape"], ["b"]):
            await press(pilot, *keys)
        await press(pilot, "escape")
        assert app.is_running


async def test_resizing_keeps_state(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=(250, 70)) as pilot:
        await press(pilot, "2")
        for width, height in [(160, 45), (99, 30), (80, 24), (20, 6), (101, 40), (250, 70)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert reader(app).narrow == (width < 100)
        assert opened(app) == [False, True, False, False]
        assert focused_section(app) == "missiles"
        assert facts_shown(app)


async def test_hostile_text_shows_literally_and_runs_nothing() -> None:
    data = hostile_document()
    data["briefings"][0]["sections"][0]["title"] = HOSTILE_TEXTS[0]
    document = parse(json.dumps(data))
    app = make_app(document, "first")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        view = reader(app).sections[0]
        assert "[@click=app.quit]x[/]" in view.title_content.plain
        header = str(app.screen.query_one("#title", Static).render())
        assert header.startswith("[@click=app.quit]x[/] [ @click=app.quit]y[/] [bold]B[/bold]")
        await pilot.click(view, offset=(3, 0))
        await pilot.pause()
        assert app.is_running
        assert view.expanded
        await press(pilot, "e", "f", "b")
        await press(pilot, "escape", "question_mark", "escape", "ctrl+p")
        await palette_search(pilot, "[/")
        await press(pilot, "escape")
        assert app.is_running


async def test_many_sections(tmp_path: Path) -> None:
    data = minimal()
    base = data["briefings"][0]
    base["sections"] = [
        {"id": f"s{n}", "title": f"Section {n}", "summary": "S.", "paragraphs": ["P."]}
        for n in range(1, 13)
    ]
    base["key_facts"][0]["section"] = "s12"
    base["timeline"][0]["section"] = "s1"
    base["quotes"][0]["section"] = "s1"
    app = make_app(parse(json.dumps(data)))
    async with app.run_test(size=NARROW) as pilot:
        await press(pilot, "9")
        assert focused_section(app) == "s9"
        for _ in range(5):
            await press(pilot, "j")
        assert focused_section(app) == "s12"
        await press(pilot, "e")
        assert all(opened(app))


async def test_palette_offers_themes_and_our_commands(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert any(
            "theme" in command.title.lower() for command in app.get_system_commands(app.screen)
        )
        texts = [text for text, *_ in BriefingCommands(app.screen, None).commands()]
        assert "e  Expand all sections" in texts and "c  Collapse all sections" in texts
        assert "f  Show or hide the key facts" in texts and "/  Search this briefing" in texts
        assert "2  Open section 2: The missile decision" in texts  # its key, then what it does
        assert f"   Briefing: 2024-11-19 {default.briefings[0].title}" in texts  # no key


async def test_palette_shows_each_sections_id(default: Document) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        helps = {
            text.split(maxsplit=1)[1]: help_text
            for text, _, _, help_text in BriefingCommands(app.screen, None).commands()
        }
        assert helps["Open section 2: The missile decision"] == (
            "Open this section and move to it (id missiles: briefing summary --section missiles)"
        )


async def test_clicking_a_fact_shows_it_and_its_section_is_a_key_away(
    default: Document,
) -> None:
    app = make_app(default)
    async with app.run_test(size=WIDE) as pilot:
        panel = app.screen.query_one(FactsPanel)
        await pilot.pause()
        await pilot.click(panel, offset=(3, 4))  # a line of the first fact of section 1
        await wait_until(pilot, lambda: isinstance(app.screen, FactScreen), "the fact's dialog")
        assert isinstance(app.screen, FactScreen)
        fact = app.screen.fact
        assert fact.section == panel.facts[next(o.id for o in panel.options if o.id)].section
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await wait_until(pilot, lambda: opened(app)[0], "its section to open")
        assert focused_section(app) == fact.section


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_collapsed_overview_fits_on_one_screen(
    default: Document, size: tuple[int, int]
) -> None:
    app = make_app(default)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        main = app.screen.query_one("#main")
        bottom = main.region.bottom
        for view in reader(app).sections:
            assert view.region.bottom <= bottom, view.section.id
        assert app.screen.query_one("#bottom-line").region.y >= main.region.y


@pytest.mark.parametrize("size", [(50, 15), (40, 12)])
async def test_small_screens_start_at_the_bottom_line(
    default: Document, size: tuple[int, int]
) -> None:
    app = make_app(default)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#main").scroll_y == 0
        assert focused_section(app) == "escalation"
        await press(pilot, "down")
        assert app.screen.query_one("#main").scroll_y > 0  # moving on scrolls as usual
