"""The Textual app: its key bindings, its screens, and the one factory the CLI and tests use.

The app reads no briefing file itself: it is given loaded models, and, to reload, a function
that loads them again. It keeps the theme through :mod:`briefing.settings`, and what the reader
read, and where it was in each briefing, through :mod:`briefing.reading`. The user's keys, read
from the settings, become Textual's keymap.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

from briefing import collector, keys
from briefing.errors import BriefingError, FolderError
from briefing.files import NO_SUCH_FILE
from briefing.library import Library, MemoryLibrary
from briefing.marks import Marks
from briefing.reading import Place, Read, Reading, source_key
from briefing.records import Briefing, Document
from briefing.screens.reader import ReaderScreen
from briefing.settings import Settings, load_settings, save_settings
from briefing.watch import watch
from briefing.widgets.bindings import bindings
from briefing.widgets.readable import readable_variables

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.notifications import SeverityLevel

    from briefing.remote import Copy, Subscription

_EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)
"""The signals that end the reader cleanly, the terminal restored, with the exit status a
signal gives (128 + its number): SIGQUIT too, without the core dump of its default action."""

EXIT_GRACE_SECONDS = 3.0
"""How long a signalled exit may take before the process ends regardless."""

WATCH_SECONDS = 1.0
"""How often the data file is checked for changes: one stat() call, no reading."""

ORIGIN_SECONDS = 15.0
"""How often the header's ``fetched 2 min ago`` is brought up to date."""

Loader = Callable[[], Library]

Opening = Callable[[Callable[[int, int], None]], Library]
"""Work that opens the briefings, told of its progress (files done, files to do)."""


def _commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens."""
    from briefing.commands import BriefingCommands

    return BriefingCommands


class BriefingApp(App[None]):
    """A terminal reader for one file of briefings."""

    TITLE = "briefing"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {_commands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    leaving = False
    """Whether the app is closing: what is typed then is no longer acted on."""

    def __init__(
        self,
        library: Library | None,
        briefing_id: str | None = None,
        *,
        settings_path: Path | None = None,
        state_path: Path | None = None,
        source: Path | None = None,
        loader: Loader | None = None,
        subscription: Subscription | None = None,
        opening: Opening | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.loader = loader
        self.subscription = subscription
        """The web address the briefings come from, refreshed in the background (``None``: a
        file); :attr:`source` is then the copy kept of it."""
        self._fetching = False
        self._notice: str | None = None
        """The last thing said of the address (offline, an invalid new version): said once."""
        self.settings_path = settings_path
        self.state_path = state_path
        self.warnings: list[str] = []
        self.settings = Settings()
        self.keys: keys.Keymap = {b.id: b.default_keys for b in keys.BINDINGS}
        """Every binding's keys in force: the defaults with the user's keys applied."""
        self._load_settings()
        self.reading, reading_warnings = Reading.load(state_path)
        """What this user has read, in every source: marked as each briefing is shown, and
        saved (merged with what other readers saved meanwhile) at quit."""
        self.warnings += reading_warnings
        self._told = len(self.reading.warnings)
        named = subscription.shown if subscription is not None else source
        self.source_key = source_key(named) if named is not None else None
        """How :attr:`reading` names the data source: the file, or the address (``None``:
        standard input, or a document in memory: nothing is remembered)."""
        self._baselines: dict[str, Read | None] = {}
        """Each briefing shown in this run: how it was read before (``None``: never)."""
        self._versions: dict[str, Briefing | None] = {}
        """The version each was read in before this run, loaded when first needed (``None``:
        never read, or that version is lost)."""
        self._first_shown: dict[str, Briefing] = {}
        """The version of each briefing first shown in this run."""
        self._marks: dict[str, str] | None = None
        """Each briefing's mark in the picker (``new``, ``updated``), worked out when first
        asked for."""
        self._briefing_id = briefing_id
        self.opening = opening
        """The work that opens the briefings when none are given: done in a thread while the
        :class:`~briefing.screens.opening.OpeningScreen` shows its progress."""
        self.opening_error: Exception | None = None
        """Why the briefings could not be opened (the reader then ends: the CLI reports it)."""
        self.opened = library is not None
        if library is not None:
            self._show_library(library)
        elif opening is None:
            raise ValueError("give the briefings, or the work that opens them")
        self._watch = watch(source) if source else None
        """What tells when the data file (or any file of the folder) changed."""
        self._reload_failed = False
        self._frozen = False
        self._suspended = False
        """Whether SIGTSTP gave the terminal back and SIGCONT has not taken it again yet."""
        self._leaving = False
        """Whether a signal has asked the reader to end."""
        self.exit_warning: str | None = None
        """A problem met while closing (saving the reading state), for the CLI to print."""

    def _load_settings(self) -> None:
        if self.settings_path is None:
            return
        settings, warnings = load_settings(self.settings_path)
        self.settings = settings  # first: setting the theme below calls watch_theme
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        self.keys, key_warnings = keys.keys_in_force(settings.keys, str(self.settings_path))
        self.warnings += warnings + key_warnings
        self._use_keys()

    def _use_keys(self) -> None:
        """Hand the keys in force to Textual: the footer, the help and the palette show them."""
        self.set_keymap(keys.textual_keymap(self.keys))
        # Textual's footer finds the palette's key by this name.
        self.COMMAND_PALETTE_BINDING = self.keys["app.palette"][0]  # type: ignore[misc]

    def key_shown(self, binding_id: str) -> str:
        """The first key in force for a binding, as the footer shows it (``/``, ``^f``)."""
        return self.get_key_display(Binding(self.keys[binding_id][0], ""))

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A rebound key that a Textual widget's own key already has there (the facts list's
        ``up``, say: the reader's own keys were checked at start): one warning, and the
        binding keeps its default keys.

        Textual also reports a binding of several keys rebound as clashing with itself: only
        the clashes with Textual's own bindings (they have no id) count."""
        taken = {b.key: b for b in clashed_bindings if b.id not in keys.BY_ID}
        here = {b.id for b in type(node).BINDINGS if isinstance(b, Binding) and b.id}
        changed = False
        for binding_id in here & set(keys.BY_ID):
            default = keys.BY_ID[binding_id].default_keys
            key = next((key for key in self.keys[binding_id] if key in taken), None)
            if key is None or self.keys[binding_id] == default:
                continue
            self.keys[binding_id], changed = default, True
            what = taken[key].description or taken[key].action
            kept = ",".join(map(keys.shown_key, default))
            warning = (
                f"{self.settings_path}: keys: {binding_id}: {keys.shown_key(key)!r} is already "
                f"taken there ({what.lower()}); keeping {kept!r}"
            )
            self.warnings.append(warning)
            self.notify(warning, severity="warning", markup=False)
        if changed:
            self.call_later(self._use_keys)

    # --- what was read ---------------------------------------------------------------------

    def visit(self, briefing: Briefing) -> Place:
        """The reader is about to show ``briefing``: mark this version read, and give where
        the reader was in it (open sections, scroll).

        The first visit of a briefing in this run also keeps how it was read before, for
        :meth:`read_before` and :meth:`previous_version`."""
        if self.source_key is None:
            return Place()
        if briefing.id not in self._baselines:
            self._baselines[briefing.id] = self.reading.read(self.source_key, briefing.id)
            self._first_shown[briefing.id] = briefing
        place = self.reading.place_of(self.source_key, briefing.id)
        self.reading.mark(self.source_key, briefing)
        if self._marks is not None:
            self._marks[briefing.id] = ""  # read now
        return place

    def leave(self, briefing_id: str, place: Place) -> None:
        """The reader leaves a briefing (for another, or to quit): keep where it was in it."""
        if self.source_key is not None:
            self.reading.place(self.source_key, briefing_id, *place)

    def read_before(self, briefing_id: str) -> Read | None:
        """How this briefing was last read before this run first showed it (``None``: never,
        or it has not been shown in this run)."""
        return self._baselines.get(briefing_id)

    def previous_version(self, briefing_id: str) -> Briefing | None:
        """The version of this briefing read before this run first showed it (``None``: never
        read, its version is lost, or the briefing has not been shown in this run). Later
        visits in the same run give the same one: what changed is measured from there."""
        if briefing_id not in self._versions:
            read = self.read_before(briefing_id)
            self._versions[briefing_id] = self.reading.version(read) if read else None
            self._tell_reading_warnings()
        return self._versions[briefing_id]

    def news(self, briefing: Briefing) -> tuple[Marks, str | None, str]:
        """What is new in ``briefing``, shown now (after :meth:`visit`), for the reader's marks
        and strip: what changed since the version read before this run (or, for a briefing
        new to the reader, since it was first shown in this run: a reload's changes), the
        strip's headline, and the header's word, ``new`` or ``updated``."""
        if self.source_key is None or briefing.id not in self._baselines:
            return Marks(), None, ""
        read = self.read_before(briefing.id)
        shown = self.reading.read(self.source_key, briefing.id)  # marked by visit()
        if read is not None and shown is not None and read.digest == shown.digest:
            return Marks(), None, ""  # read as it is: the usual case, and nothing to load
        # A reload's changes in a first visit; else since the version read (lost: it differs).
        base = (
            self._first_shown[briefing.id] if read is None else self.previous_version(briefing.id)
        )
        if base is briefing:  # the version first shown in this run is the one shown: at start
            return Marks(), None, "new"
        from briefing.changelog import headline
        from briefing.marks import marks_of

        if base is None:  # read before, but that version is lost: all that is known
            return Marks(), headline("updated", read.read_at if read else None), "updated"
        marks = marks_of(base, briefing)
        if not marks:  # nothing the comparison looks at changed (the tags, say)
            return marks, None, "new" if read is None else ""
        return marks, headline("updated", read.read_at if read else None, marks.changes), "updated"

    def briefing_marks(self) -> dict[str, str]:
        """Each briefing's mark in the picker: ``new``, ``updated``, or nothing when read as it
        is (only the briefings once read are looked at)."""
        if self.source_key is None:
            return {}
        if self._marks is None:
            from briefing.listing import MARKS

            states = self.reading.states(self.source_key, self.library)
            marks = {ident: MARKS[state] for ident, state in states.items()}
            self._marks = marks
        return self._marks

    def _tell_reading_warnings(self) -> None:
        """Show the problems :attr:`reading` met since last told (a damaged version file)."""
        for warning in self.reading.warnings[self._told :]:
            self.warnings.append(warning)
            if self.is_running:
                self.notify(warning, severity="warning", markup=False)
        self._told = len(self.reading.warnings)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with the colours of text moved to where every letter reads
        (see :mod:`briefing.widgets.readable`)."""
        variables = super().get_css_variables()
        variables.update(readable_variables(variables, ansi=self.current_theme.ansi))
        self.theme_variables = variables
        return variables

    def _show_library(self, library: Library) -> None:
        """Make the reader's screen for ``library``, at the briefing asked for, else where the
        reader was last time on this data, else the newest."""
        self.library = library
        remembered = self.reading.last(self.source_key) if self.source_key else None
        wanted = self._briefing_id or remembered
        first = (library.briefing(wanted) if wanted else None) or library.newest()
        place = self.visit(first)
        self.reader = ReaderScreen(
            library,
            first,
            place.open_sections,
            scroll=place.scroll,
            news=self.news,
        )

    def get_default_screen(self) -> Screen[None]:
        if self.opened:
            return self.reader
        from briefing.screens.opening import OpeningScreen

        what = "standard input" if self.source is None else str(self.source)
        return OpeningScreen(what)

    def on_mount(self) -> None:
        self.call_after_refresh(self._freeze_start_up)
        for warning in self.warnings:
            self.notify(warning, severity="warning", markup=False)
        if self.opened:
            self._follow_source()
        else:
            self._open_in_thread()
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in _EXIT_SIGNALS:
                loop.add_signal_handler(signum, self._exit_on_signal, signum)
            if self._driver is not None and self._driver.can_suspend:
                # In place of the driver's own handlers, which take the terminal again on
                # SIGCONT without drawing anything on it, even in the background.
                loop.add_signal_handler(signal.SIGTSTP, self._stop_on_signal)
                loop.add_signal_handler(signal.SIGCONT, self._continue_on_signal)

    @work(thread=True, exit_on_error=False, group="opening")
    def _open_in_thread(self) -> None:
        """Open the briefings while the opening screen shows how far the work is."""
        assert self.opening is not None

        def told(done: int, total: int) -> None:
            with contextlib.suppress(RuntimeError):  # the reader has ended meanwhile
                self.call_from_thread(self._show_progress, done, total)

        try:
            library = self.opening(told)
        except Exception as error:  # reported by the CLI once the screen is given back
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._not_opened, error)
        else:
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._now_opened, library)  # type: ignore[arg-type]

    def _show_progress(self, done: int, total: int) -> None:
        from briefing.screens.opening import OpeningScreen

        if isinstance(self.screen, OpeningScreen):
            self.screen.show_progress(done, total)

    def _not_opened(self, error: Exception) -> None:
        self.opening_error = error
        self.exit(return_code=1)

    async def _now_opened(self, library: Library) -> None:
        self._show_library(library)
        self.opened = True
        while len(self.screen_stack) > 1:  # the help, over the opening screen
            self.pop_screen()
        # Over the opening screen, which stays below it, never seen again (Textual cannot
        # replace the only screen of the stack).
        await self.push_screen(self.reader)
        self.call_after_refresh(self._read_ahead)
        self._follow_source()

    def _follow_source(self) -> None:
        """Watch the data file (or ask the address's server) from now on."""
        if self.source is not None and self.loader is not None:
            self.set_interval(WATCH_SECONDS, self._check_source)
        if self.subscription is not None:
            self.set_interval(self.subscription.interval, self._fetch)
            self.set_interval(ORIGIN_SECONDS, self._show_origin)
            self._show_origin()
            self._fetch()  # the copy is on screen already: the network never holds it up

    def _freeze_start_up(self) -> None:
        """Once the first screen is drawn, leave everything made so far (Textual, the widgets,
        the briefing) out of garbage collection: a full collection then walks only what was
        made since, instead of pausing a keystroke for tens of milliseconds."""
        self._read_ahead()  # kept out of collection too
        collector.freeze_start_up()  # the command line keeps it off while the reader starts
        self._frozen = True

    def _read_ahead(self) -> None:
        """Read the list of briefings once the screen is drawn: the picker (`b`) needs it,
        and 10,000 briefings take 20 ms to read from an index, which `b` then does not wait
        for."""
        library: Library | None = getattr(self, "library", None)  # none while it opens
        with contextlib.suppress(BriefingError):
            _ = library and library.entries

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.close()
        if self._frozen:  # hand the app back to the collector (tests run many in one process)
            collector.unfreeze()

    # --- leaving --------------------------------------------------------------------------

    def _exit_on_signal(self, signum: int) -> None:
        """SIGTERM, SIGINT, SIGQUIT or a closed terminal: leave cleanly, with the terminal
        restored, and the exit status of the signal.

        When the terminal itself is gone, Textual can block for ever writing to it while it
        shuts down; a watchdog ends the process if the clean exit has not within a few seconds.
        A reader stopped by ctrl+z has given the terminal back already, perhaps to a shell that
        uses it now (`kill %1`): it ends at once, touching nothing of the terminal.
        """
        self._leaving = True
        code = 128 + signum
        self.remember_state()
        if self._suspended:
            if self.exit_warning:
                print(f"briefing: {self.exit_warning}", file=sys.__stderr__)
            os._exit(code)
        # A reader ended in the background (stopped by a SIGSTOP, which it cannot catch, then
        # `bg`) must not stop again on SIGTTOU while it sets the terminal's modes back.
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=code)

    # --- suspending -----------------------------------------------------------------------

    def action_suspend_process(self) -> None:
        """Suspend to the shell, as ctrl+z does in vim or less; ``fg`` brings the reader back.
        Where nothing could bring it back, a notification says why instead."""
        problem = self._cannot_suspend()
        if problem is not None:
            self.notify(problem, title="Not suspended", severity="warning", markup=False)
            return
        # What the terminal does with ctrl+z when it handles the key itself: SIGTSTP to the
        # whole foreground group, so that a wrapper (`uv run`) stops too and the shell sees its
        # job stop. The reader's own handler gives the terminal back, then stops.
        os.killpg(os.getpgrp(), signal.SIGTSTP)

    def _cannot_suspend(self) -> str | None:
        """Why the reader cannot be suspended here (``None``: it can)."""
        if sys.platform == "win32":
            return "Suspending to the shell is not available on Windows."
        driver = self._driver
        if driver is not None and driver.is_web:
            return "A reader in a browser tab has no shell to be suspended to."
        if driver is None or not driver.can_suspend or self.is_headless:
            return "This reader has no terminal to give back to a shell."
        if not _job_control():
            return (
                "The reader was not started from a shell with job control, so nothing could "
                f"bring it back (fg): quit with {self.key_shown('app.quit')} instead."
            )
        return None

    def _stop_on_signal(self) -> None:
        """SIGTSTP (ctrl+z, or sent from outside): give the terminal back as it was before the
        reader started (the main screen, no mouse reporting, the cursor shown, its own modes),
        then stop until SIGCONT."""
        assert self._driver is not None
        if self._leaving:
            return  # ending already
        if not self._suspended:
            self._suspended = True
            self.app_suspend_signal.publish(self)
            self._driver.suspend_application_mode()
        os.kill(os.getpid(), signal.SIGSTOP)

    def _continue_on_signal(self) -> None:
        """SIGCONT: decided once the signals that arrived with it are handled.

        The signals sent to a stopped process wait, and come with the SIGCONT that continues it
        (`kill %1` sends SIGTERM then SIGCONT), but SIGCONT is handled first: deciding at once
        would stop the reader again before its SIGTERM could end it."""
        asyncio.get_running_loop().call_soon(self._continued)

    def _continued(self) -> None:
        """In the foreground again (``fg``): take the terminal back and draw all of it;
        continued in the background (``bg``): stop again until ``fg``; asked to end: nothing.

        A SIGCONT after a SIGSTOP, which cannot be caught, finds the terminal as the reader
        left it, but the shell may have written over it: that too is drawn again."""
        if self._leaving:
            return  # a signal that ends the reader came with it: nothing to draw for
        if not _in_foreground():
            if self._suspended:
                os.kill(os.getpid(), signal.SIGSTOP)
            return
        if self._suspended:
            assert self._driver is not None
            self._suspended = False
            self._driver.resume_application_mode()
            self.app_resume_signal.publish(self)
        self.refresh(layout=True)

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self.leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        if self.leaving and isinstance(event, events.InputEvent):
            return  # a key typed after `q` opens nothing (a dialog made as it closed crashed)
        await super().on_event(event)

    async def action_quit(self) -> None:
        """Quit, remembering the briefing and the sections that were open."""
        self.remember_state()
        self.exit()

    async def action_quit_now(self) -> None:
        """Quit from anywhere, a text input included."""
        await self.action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a text input `?` and `q` are letters to type: the footer must not offer them.
        return not (action in ("help", "quit") and isinstance(self.focused, Input))

    def remember_state(self) -> None:
        """Save what was read and where the reader is, for the next start on the same file."""
        if self.state_path is None or self.source_key is None or not self.opened:
            return
        self.leave(self.reader.briefing.id, self.reader.place())
        self.exit_warning = self.reading.save()

    # --- settings -------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self.settings_path is None or theme == self.settings.theme:
            return
        self.settings = dataclasses.replace(self.settings, theme=theme)  # the keys stay
        warning = save_settings(self.settings_path, self.settings)
        if warning and warning not in self.warnings:
            self.warnings.append(warning)
            self.notify(warning, severity="warning", markup=False)

    # --- live reload ----------------------------------------------------------------------

    def _check_source(self) -> None:
        assert self._watch is not None
        if self._watch.changed() and self.loader is not None:
            self._reload(self.loader, False)

    def action_reload(self, announce: bool = True) -> None:
        """Read the data file again (an address: ask its server now); on a problem, keep
        showing the last good data."""
        if not self.opened:
            return  # being opened now
        if self.subscription is not None:
            self._fetch(ask=True, announce=announce)
        elif self.loader is not None:
            self._reload(self.loader, announce)

    # --- a web address --------------------------------------------------------------------

    def _show_origin(self) -> None:
        assert self.subscription is not None
        self.reader.show_origin(self.subscription.origin())

    def _fetch(self, ask: bool = False, announce: bool = False) -> None:
        """Ask the address's server for a new version if one is due (``ask``: now), in a
        thread: the screen never waits on the network. One request at a time.

        A daemon thread of its own, not a worker of Textual's executor: quitting while a
        server hangs must not wait for the request's deadline (the copy is written
        atomically, so a request cut short leaves the copy as it was)."""
        if self._fetching:
            if announce:
                self.notify("Already asking the server…", markup=False)
            return
        self._fetching = True
        thread = threading.Thread(
            target=self._fetch_in_thread, args=(ask, announce), name="fetch", daemon=True
        )
        thread.start()

    def _fetch_in_thread(self, ask: bool, announce: bool) -> None:
        assert self.subscription is not None
        try:
            copy = self.subscription.refresh(ask)
        except BriefingError as error:
            self._from_fetch(self._fetch_failed, error)
        except Exception as error:  # nothing the network does may end the reader
            problem = BriefingError.single(self.subscription.shown, str(error) or repr(error))
            self._from_fetch(self._fetch_failed, problem)
        else:
            self._from_fetch(self._fetched, copy, announce)

    def _from_fetch(self, callback: Callable[..., object], *args: object) -> None:
        """Hand the fetch's result to the app, unless it has ended meanwhile."""
        loop = self._loop
        if not self.is_running or loop is None or loop.is_closed():
            return  # the app is gone: nothing to show it on
        with contextlib.suppress(RuntimeError):  # gone in the meantime
            self.call_from_thread(callback, *args)

    def _fetch_failed(self, error: BriefingError) -> None:
        self._fetching = False
        self._show_origin()
        self._say_once("\n".join(error.lines(limit=6)), "error")

    def _fetched(self, copy: Copy, announce: bool) -> None:
        self._fetching = False
        self._show_origin()
        if copy.notice and announce:  # asked for with `r`: always answered
            self._notice = copy.notice
            self.notify(copy.notice, severity="warning", timeout=10, markup=False)
        elif copy.notice:
            self._say_once(copy.notice, "warning")
        else:
            self._notice = None
        if copy.changed and (self._watch is None or self._watch.changed()):
            assert self.loader is not None
            self._reload(self.loader, announce)
        elif announce and not copy.notice and self.subscription is not None:
            what = "a new version" if copy.changed else "no new version"
            self.notify(f"Asked {self.subscription.shown}: {what}.", markup=False)

    def _say_once(self, message: str, severity: SeverityLevel) -> None:
        """Notify ``message`` unless it was the last thing said of the address."""
        if message != self._notice:
            self._notice = message
            self.notify(message, severity=severity, timeout=10, markup=False)

    @work(thread=True, exclusive=True, group="reload")
    def _reload(self, loader: Loader, announce: bool) -> None:
        try:
            library = loader()
        except BriefingError as error:
            self.call_from_thread(self._reload_problem, error)
        except Exception as error:
            # A failure no check foresaw (an OS error in a race with an editor's save, say) must
            # not end the reader: it keeps the last good data and says what happened, as for any
            # problem with the file.
            source = str(self.source) if self.source else "the data file"
            problem = BriefingError.single(
                source, f"cannot read it: {str(error) or type(error).__name__}"
            )
            self.call_from_thread(self._reload_problem, problem)
        else:
            self.call_from_thread(self._reloaded, library, announce)  # type: ignore[arg-type]

    async def _reloaded(self, library: Library, announce: bool) -> None:
        recovered = self._reload_failed
        self._reload_failed = False
        self.library = library
        self._marks = None  # worked out again for the new content
        self.reader.show_stale(None)
        await self.reader.show_document(library)
        self.call_after_refresh(self._read_ahead)
        if recovered:
            self.notify("The data file is valid again: showing its new content.", markup=False)
        elif announce:
            count = len(library)
            self.notify(f"Reloaded {count} briefing{'s' * (count != 1)}.", markup=False)

    def _reload_problem(self, error: BriefingError) -> None:
        self._reload_failed = True
        gone = any(problem.message == NO_SUCH_FILE for problem in error.problems)
        if isinstance(error, FolderError):
            count = len(error.errors)
            reason = f"{count} of its files {'has' if count == 1 else 'have'} problems"
            self.reader.show_stale(reason, "folder")
        else:
            self.reader.show_stale("the file is gone" if gone else "the file is invalid")
        self.notify(
            "\n".join(error.lines(limit=6)),
            title="The data file has a problem: still showing the last good version",
            severity="error",
            timeout=12,
            markup=False,
        )

    # --- help -----------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key that works here, with what it does."""
        from briefing.screens.help import HelpScreen, help_rows

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_rows(self.screen)))


def _terminal() -> int | None:
    """The file descriptor of the reader's terminal (its standard input, as Textual reads)."""
    try:
        return sys.__stdin__.fileno() if sys.__stdin__ is not None else None
    except (OSError, ValueError):
        return None


def _in_foreground() -> bool:
    """Whether the reader's process group has its terminal (what `fg` gives it)."""
    fd = _terminal()
    try:
        return fd is None or os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return True


def _job_control() -> bool:
    """Whether a shell with job control started the reader, so that one takes the terminal
    back when the reader stops and gives it back on `fg`.

    Such a shell runs each job in a process group of its own, in the terminal's foreground.
    Without one (the reader run by `sh -c`, straight from a terminal, tmux or `setsid`), the
    reader shares the group of its session's leader, and stopped, nothing would continue it.
    """
    fd = _terminal()
    if fd is None:
        return False
    try:
        group = os.getpgrp()
        return group != os.getsid(0) and os.tcgetpgrp(fd) == group
    except OSError:
        return False


def make_app(
    briefings: Library | Document | None,
    briefing_id: str | None = None,
    *,
    settings_path: Path | None = None,
    state_path: Path | None = None,
    source: Path | None = None,
    loader: Loader | None = None,
    subscription: Subscription | None = None,
    opening: Opening | None = None,
) -> BriefingApp:
    """The app for a file's ``briefings`` (a library, or a document held in memory), opened at
    ``briefing_id`` (default: where the reader was last
    time on this file, else the newest briefing).

    ``settings_path`` and ``state_path`` are where the theme and what was read are kept (the
    settings file and ``reading.json``: :func:`briefing.reading.default_reading_path`; ``None``:
    nothing is kept, as in tests); ``source`` is the data file, watched for changes and
    reloaded with ``loader``; ``subscription``, the web address the briefings come from
    (``source`` and ``loader`` are then its copy's, unless given). With no ``briefings``,
    ``opening`` opens them while the reader shows its frame and the progress.
    """
    library = briefings if isinstance(briefings, Library | None) else MemoryLibrary(briefings)
    if subscription is not None:  # the copy is watched and reloaded as a file is
        source = source or subscription.path
        loader = loader or subscription.library
    return BriefingApp(
        library,
        briefing_id,
        settings_path=settings_path,
        state_path=state_path,
        source=source,
        loader=loader,
        subscription=subscription,
        opening=opening,
    )
