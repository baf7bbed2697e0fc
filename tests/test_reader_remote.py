"""The reader on a briefing file published at an address: the copy shown at once, a new version
picked up by itself (place kept, what changed marked), `r` asking now, the header saying where
the briefing comes from and how fresh it is, and the screen answering keys while the server
hangs. Against a real server on a loopback address."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from textual.widgets import Static

from briefing import remote
from briefing.app import BriefingApp, make_app
from briefing.remote import Policy, Subscription
from tests.conftest import BUNDLED, notifications
from tests.helpers import opened, reader, wait_until
from tests.webserver import Site, hang, serving, static, versioned

LOCAL = BUNDLED.read_bytes()
REVISED = LOCAL.replace(b"Biden clears", b"Biden allows")


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


async def follow(url: str, **policy: float) -> BriefingApp:
    """The app as ``briefing --data URL`` makes it: the copy fetched (or kept) first."""
    chosen = Policy(**policy)  # type: ignore[arg-type]
    copy = remote.kept_copy(url, chosen) or await fetched(url, chosen)
    subscription = Subscription(url, chosen, copy)
    return make_app(subscription.library(), subscription=subscription)


async def fetched(url: str, policy: Policy | None = None) -> remote.Copy:
    """The copy of ``url``, fetched as a command does (in a thread: the test's loop runs)."""
    return await asyncio.to_thread(remote.copy_of, url, policy or Policy())


def origin(app: BriefingApp) -> str:
    return str(reader(app).query_one("#origin", Static).content)


async def test_a_new_version_arrives_by_itself_with_the_place_kept_and_the_change_marked(
    site: Site,
) -> None:
    versions, current = {"v1": LOCAL, "v2": REVISED}, ["v1"]
    versioned(site, "/b.json", versions, current)
    app = await follow(site.url("/b.json"), max_age=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        assert opened(app)[1]
        assert origin(app) == f"Fetched just now · from {site.url('/b.json')}"
        current[0] = "v2"  # published
        await wait_until(pilot, lambda: reader(app).briefing.title.startswith("Biden allows"))
        assert opened(app)[1]  # the place is kept
        strip = str(reader(app).query_one("#news", Static).content)
        assert strip.startswith("Updated since you opened it: the title changed")
        assert site.last("/b.json").headers.get("if-none-match") == '"v1"'


async def test_r_asks_the_server_at_once_even_while_the_copy_is_fresh(site: Site) -> None:
    site.routes["/b.json"] = static(LOCAL, etag='"v1"')
    app = await follow(site.url("/b.json"), max_age=3600)
    async with app.run_test() as pilot:
        said = notifications(app)
        await pilot.pause(0.2)
        assert site.count("/b.json") == 1  # fresh: the first fetch was all
        await pilot.press("r")
        await wait_until(pilot, lambda: bool(said))
        assert said == [f"Asked {site.url('/b.json')}: no new version."]
        assert site.count("/b.json") == 2


async def test_offline_the_copy_stays_on_screen_and_the_header_says_since_when() -> None:
    with serving() as site:
        site.routes["/b.json"] = static(LOCAL, etag='"v1"')
        url = site.url("/b.json")
        await fetched(url)
    app = await follow(url, max_age=1)
    async with app.run_test() as pilot:
        said = notifications(app)
        await wait_until(pilot, lambda: "Offline since" in origin(app))
        assert origin(app).endswith(f"(connection refused) · from {url}")
        assert reader(app).briefing.title.startswith("Biden clears")
        await wait_until(pilot, lambda: bool(said))
        await pilot.pause(2.5)  # two more attempts: said once, not at every one
        assert len(said) == 1 and said[0].startswith("offline: showing the copy from")


async def test_the_reader_answers_keys_while_the_server_hangs(site: Site) -> None:
    site.routes["/b.json"] = static(LOCAL, etag='"v1"')
    await fetched(site.url("/b.json"))
    site.routes["/b.json"] = hang(30)
    app = await follow(site.url("/b.json"), max_age=0, timeout=20)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: site.in_flight == 1)  # the request hangs
        await pilot.press("e")
        assert all(opened(app))
        await pilot.press("c", "3")
        assert opened(app) == [False, False, True, False]
        assert site.in_flight == 1 and app._fetching  # still waiting on the server
        await pilot.press("q")
