"""The ``briefing`` command: arguments, output and exit codes.

Start-up time matters (a summary may run in a shell prompt or a status bar), so this module
imports only the standard library at the top; each command imports the layers it needs when it
runs. Exit codes: 0 success, 1 a problem with the data or with what was asked of it, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from briefing import __version__, collector
from briefing.errors import BriefingError, visible

if TYPE_CHECKING:
    from pathlib import Path

    from briefing import remote
    from briefing.library import Library
    from briefing.records import Briefing

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

MAX_AUTO_WIDTH = 100
"""The widest a summary gets by itself on a terminal; ``--width`` can go wider."""

PIPE_WIDTH = 80
"""The width of a summary written to a pipe or file."""

MAX_TABS = 20
"""How many browser tabs (each a reader process) ``briefing serve`` allows at once by default."""

_SHOWN_IDS = 10
_READ = "read"

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad usage that only the data can reveal: reported on one line, exit code 2."""


USAGE = """\
briefing [--data PATH|URL] [ID]
       briefing [--data PATH|URL] COMMAND [options]
       briefing --version | --help"""
"""The top-level usage; each command's own usage names it (``briefing summary [-h] ...``)."""

DESCRIPTION = (
    "Read structured news briefings in the terminal. With no command, show the briefing ID "
    "(default: the newest); when output goes to a pipe or file, print its text summary instead."
)

_VALUE_OPTIONS = ("--data", "--max-size", "--max-age", "--timeout", "--ca-bundle", "--width",
                  "--color")  # fmt: skip
"""The options that may come before a command or a briefing id and take a value (the top-level
parser's and the read command's: tests/test_cli.py checks them against what the parser declares)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    # The garbage collector starts once a command has what it needs (briefing.collector).
    with collector.command_line():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    arguments = with_default_command(sys.argv[1:] if argv is None else argv)
    args, unknown = build_parser(only=command_in(arguments)).parse_known_args(arguments)
    usage: argparse.ArgumentParser = args.parser  # the command's: its usage names it
    if unknown:
        usage.error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "all", False) and args.id:
        usage.error("give a briefing ID or --all, not both")
    handler: Handler = args.handler
    try:
        return collector.run(handler, args)
    except UsageError as error:
        print(visible(f"{usage.prog}: error: {error}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output (head, less) has gone: stop quietly, as cat does.
        _silence_stdout()
        return EXIT_OK
    except BriefingError as error:
        _report(error)
        return EXIT_ERROR


def with_default_command(argv: Sequence[str]) -> list[str]:
    """``argv`` after the hidden ``read`` command when no command is named, so that
    ``briefing``, ``briefing ID`` and ``briefing --width 60 ID`` open a briefing while
    ``briefing list`` still lists."""
    args = list(argv)
    word = _first_word(args)
    if word is None or word in _COMMANDS:
        return args
    return [_READ, *args]


def command_in(args: Sequence[str]) -> str | None:
    """The command these arguments run, or ``None`` when they ask for the top-level help or
    the version (or name no command: the full parser then says what is wrong)."""
    word = _first_word(args)
    return word if word in _COMMANDS else None


def _first_word(args: Sequence[str]) -> str | None:
    """Where a command would be named: the first argument that is not an option or an
    option's value (``--`` included; "" when there is none); ``None`` when help or the
    version is asked for before it."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("-h", "--help", "--version"):
            return None
        if arg in _VALUE_OPTIONS:
            index += 2
        elif arg.startswith("-") and arg not in ("-", "--"):
            index += 1
        else:
            return arg
    return ""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one sub-parser per command (``only``: just that command's,
    which is all a run needs unless it asks for the top-level help)."""
    parser = argparse.ArgumentParser(
        prog="briefing",
        formatter_class=_HelpFormatter,
        usage=USAGE,
        description=DESCRIPTION,
        epilog="The data is the file, folder of files or address given by --data, else "
        "$BRIEFING_DATA, else the bundled briefings; an index of it is kept in your cache folder "
        "($BRIEFING_CACHE to move it, "
        "'off' for none; $BRIEFING_CACHE_SIZE, such as 100M, bounds its size). "
        "Exit codes: 0 ok, 1 a problem with the data, 2 bad usage.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    _add_data_option(parser, default=None)
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", required=True, prog="briefing"
    )
    for name, (handler, summary, add_arguments) in _COMMAND_TABLE.items():
        if only is None or only == name:
            add_arguments(_add_command(commands, name, handler, summary))
    if only in (None, _READ):
        # No help: hidden. `briefing [ID]` runs it, so its usage and errors say `briefing`.
        read = commands.add_parser(
            _READ,
            prog="briefing",
            formatter_class=_HelpFormatter,
            description=f"{DESCRIPTION} Commands: briefing --help.",
        )
        _add_data_option(read, default=argparse.SUPPRESS)
        read.add_argument("id", nargs="?", metavar="ID")
        _add_layout_options(read)
        read.set_defaults(handler=_read, parser=read)
    return parser


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own, asking for the terminal's width only when help is printed: argparse
    makes a formatter for every argument added, and asking ``shutil`` for the width each time
    (importing it) cost every command 2 ms."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:  # fmt: skip
        self._asked_width = width
        super().__init__(prog, indent_increment, max_help_position, width or 80)

    def format_help(self) -> str:
        if self._asked_width is None:
            import shutil

            self._width = shutil.get_terminal_size().columns - 2
            self._max_help_position = min(self._max_help_position, max(self._width - 20, 4))
        return super().format_help()


def _summary_arguments(summary: argparse.ArgumentParser) -> None:
    # Here, not at the top: only the summary's parser (and the full help) needs the formats.
    from briefing.summary import FORMATS

    summary.add_argument("id", nargs="?", metavar="ID", help="the briefing (default: the newest)")
    summary.add_argument("--all", action="store_true", help="every briefing in the file")
    summary.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    summary.add_argument(
        "--full", action="store_true", help="add paragraphs, quotes, the timeline and sources"
    )
    summary.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="ID|N",
        help="only this section, by id or by its number in the summary (repeat for more; "
        "'briefing list --sections ID' shows both). A section whose id is a number is named by "
        "its id; numbers need one briefing, not --all",
    )
    _add_layout_options(summary)


def _search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", metavar="QUERY", help="words to find (case and accents ignored)")
    search.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    _add_color_option(search, "styles, the matched words in bold reverse video")


def _changes_arguments(changes: argparse.ArgumentParser) -> None:
    changes.add_argument("id", nargs="?", metavar="ID", help="the briefing (default: the newest)")
    changes.add_argument("--all", action="store_true", help="every briefing in the file")
    changes.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format (default: text)",
    )
    changes.add_argument(
        "--mark-read",
        action="store_true",
        help="then count these briefings as read, as the reader does once it has shown them",
    )
    changes.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing: only the exit code tells"
    )
    _add_layout_options(changes)


def _serve_arguments(served: argparse.ArgumentParser) -> None:
    served.add_argument("id", nargs="?", metavar="ID", help="the briefing to open first")
    served.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    served.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    served.add_argument(
        "--origin",
        action="append",
        default=[],
        type=_origin,
        metavar="URL",
        help="also open readers for pages at this address, such as this server under another "
        "name: http://myhost:8000 (repeat for more; the server's own address always works)",
    )
    served.add_argument(
        "--max-tabs",
        type=_tabs,
        default=MAX_TABS,
        metavar="N",
        help=f"at most N tabs (each a reader process) open at once (default: {MAX_TABS})",
    )


def _origin(value: str) -> str:
    from briefing.serve import origin_of

    origin = origin_of(value)
    if origin is None:
        raise argparse.ArgumentTypeError(
            f"not a web address's origin: {value!r} (give "
            "http://HOST[:PORT] or https://HOST[:PORT])"
        )
    return origin


def _tabs(value: str) -> int:
    try:
        tabs = int(value)
    except ValueError:
        tabs = 0
    if tabs < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return tabs


def _validate_arguments(validate: argparse.ArgumentParser) -> None:
    validate.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="the file to check ('-' for standard input), or a folder: every *.json file in "
        "it and its subfolders; default: the data file",
    )


def _list_arguments(listing: argparse.ArgumentParser) -> None:
    listing.add_argument(
        "--sections",
        nargs="?",
        const="",
        metavar="ID",
        help="instead, one row per section of briefing ID (default: the newest): its number, "
        "id and title, what 'briefing summary --section' takes",
    )


def _keys_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text; json: a list of {id, keys: [...], description})",
    )


def _no_arguments(command: argparse.ArgumentParser) -> None:
    pass


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    summary: str,
) -> argparse.ArgumentParser:
    description = summary[:1].upper() + summary[1:]
    command = commands.add_parser(
        name, help=summary, description=description, formatter_class=_HelpFormatter
    )
    _add_data_option(command, default=argparse.SUPPRESS)
    command.set_defaults(handler=handler, parser=command)
    return command


def _add_data_option(parser: argparse.ArgumentParser, default: object) -> None:
    # The sub-parsers' copies default to SUPPRESS so that `briefing --data X list` keeps X.
    parser.add_argument(
        "--data",
        metavar="PATH|URL",
        default=default,
        help="the briefing file to read, a folder of them (every *.json file in it and its "
        "subfolders), or the https:// address a file is published at (default: "
        "$BRIEFING_DATA, else the bundled briefings)",
    )
    parser.add_argument(
        "--max-size",
        metavar="SIZE",
        type=_size,
        default=default,
        help="refuse data files larger than SIZE, such as 1G (default: $BRIEFING_MAX_SIZE, "
        "else 512M); for an address, counted as it arrives, after decompression",
    )
    parser.add_argument(
        "--max-age",
        metavar="SECONDS",
        type=_seconds,
        default=default,
        help="an address: use the copy fetched less than SECONDS ago without asking the server "
        "(default: $BRIEFING_MAX_AGE, else 60, or the server's longer max-age; 0: always ask)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_timeout,
        default=default,
        help="an address: give up on the server after SECONDS in all (default: 20)",
    )
    parser.add_argument(
        "--allow-http",
        action="store_true",
        default=default,
        help="an address: read plain http from other machines too (anyone on the way could "
        "change what it says; by default only from this machine)",
    )
    parser.add_argument(
        "--ca-bundle",
        metavar="FILE",
        default=default,
        help="an address: trust the certificate authorities in FILE (default: $SSL_CERT_FILE, "
        "else the certifi bundle)",
    )


def _seconds(value: str) -> float:
    from briefing.remote import seconds

    try:
        return seconds(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _timeout(value: str) -> float:
    limit = _seconds(value)
    if limit <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return limit


def _size(value: str) -> int:
    from briefing.files import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_layout_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--width",
        type=_width,
        metavar="N",
        help=f"wrap at N columns (default: the terminal's, up to {MAX_AUTO_WIDTH}; "
        f"{PIPE_WIDTH} in a pipe)",
    )
    _add_color_option(parser, "styles")


def _add_color_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help=f"{what}: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them)",
    )


def _width(value: str) -> int:
    from briefing.summary import MIN_WIDTH

    try:
        width = int(value)
    except ValueError:
        width = 0
    if width < MIN_WIDTH:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least {MIN_WIDTH}")
    return width


# --- commands -----------------------------------------------------------------------------


@collector.short
def _summary(args: argparse.Namespace) -> int:
    from briefing.summary import Options, render

    path, library = _load(args)
    chosen = list(library.briefings()) if args.all else [_pick(library, args.id, path)]
    chosen, sections = _with_sections(chosen, args.section, path, every=args.all)
    options = Options(
        width=args.width or _auto_width(),
        full=args.full,
        sections=sections,
        # Markdown and JSON are data for other programs: never styled.
        styled=args.format in ("text", "line") and _styled(args.color),
    )
    _write(render(chosen, args.format, options))
    return EXIT_OK


@collector.short
def _read(args: argparse.Namespace) -> int:
    """Plain ``briefing [ID]``: the reader on a terminal, else the text summary."""
    interactive = _interactive()
    address = _address(args)
    if interactive and address is not None:
        return _read_address(args, address)
    if interactive:
        path, ready = _indexed(args)
        if ready is None:
            return _open_behind_the_screen(args, path)
        if args.id is not None:
            _pick_word(ready, args.id, path)  # an unknown id is reported here, before the screen
        return _run_reader(args, ready, path)

    from briefing.summary import Options, render

    where, library = _load(args)
    options = Options(width=args.width or _auto_width(), styled=_styled(args.color))
    _write(render([_pick_word(library, args.id, where)], "text", options))
    return EXIT_OK


def _indexed(args: argparse.Namespace) -> tuple[Path, Library | None]:
    """The data's path, and its briefings if they come at once from a current index (standard
    input is read at once too)."""
    from briefing.files import STDIN, data_path
    from briefing.index import indexed_library, open_library

    path = data_path(args.data)
    if str(path) == STDIN:
        return path, open_library(path, args.max_size)
    return path, indexed_library(path, args.max_size)


def _open_behind_the_screen(args: argparse.Namespace, path: Path) -> int:
    """The reader on data whose index is not current (a folder's first look, a large file
    changed): the work starts at once; if it takes more than half a second, the reader shows
    its frame and the progress meanwhile, and the briefing once it is done."""
    from briefing.index import open_library
    from briefing.progress import DELAY, Background

    def work(told: Callable[[int, int], None]) -> Library:
        library = open_library(path, args.max_size, progress=told)
        if args.id is not None:
            _pick_word(library, args.id, path)  # an unknown id ends the reader, reported so
        return library

    opening = Background(work)
    if opening.done_within(DELAY):
        return _run_reader(args, opening.result(), path)
    return _run_reader(args, None, path, opening=opening.result)


def _run_reader(
    args: argparse.Namespace,
    library: Library | None,
    path: Path | None,
    subscription: remote.Subscription | None = None,
    opening: Callable[[Callable[[int, int], None]], Library] | None = None,
) -> int:
    """Start the reader on ``library``: the file at ``path`` (watched and reloaded; standard
    input is reloaded, not watched), or the address ``subscription`` follows."""
    # Textual costs a fifth of a second to import: only the reader pays for it.
    from briefing.app import make_app
    from briefing.files import STDIN
    from briefing.index import open_library
    from briefing.reading import default_reading_path
    from briefing.settings import default_settings_path

    # Textual sizes itself from COLUMNS and LINES when they are set, and a stale exported
    # pair would pin the reader to that size through every resize of the real terminal.
    if "TEXTUAL_DRIVER" not in os.environ:  # a web page's size comes from textual-serve
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)

    data = path  # an address's copy is watched and reloaded by its subscription

    def loader() -> Library:
        assert data is not None
        return open_library(data, args.max_size)

    app = make_app(
        library,
        args.id,
        settings_path=default_settings_path(),
        state_path=default_reading_path(),
        source=None if path is None or str(path) == STDIN else path,
        loader=loader if subscription is None and path is not None else None,
        subscription=subscription,
        opening=opening,
    )
    app.run()
    if app.opening_error is not None:
        raise app.opening_error  # reported as it would have been before the screen
    if app.exit_warning:
        print(f"briefing: {app.exit_warning}", file=sys.stderr)
    return app.return_code or EXIT_OK


def _read_address(args: argparse.Namespace, address: str) -> int:
    """The reader on a briefing file published at ``address``: the copy kept is shown at once
    and refreshed in the background; with none yet, it is fetched first."""
    from briefing.remote import Subscription, kept_copy, shown

    policy = _policy(args)
    copy, library = _address_library(
        args, address, kept_copy(address, policy) or _fetched(args, address)
    )
    if args.id is not None:
        _pick_word(library, args.id, shown(address))
    subscription = Subscription(address, policy, copy)
    return _run_reader(args, library, None, subscription)


def _interactive() -> bool:
    """Whether to start the reader: both ends a terminal that can draw it, or a web page (under
    ``briefing serve``, textual-serve names its driver in ``TEXTUAL_DRIVER``)."""
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


@collector.short
def _search(args: argparse.Namespace) -> int:
    """One line per match: briefing id, where it is, and the words around it."""
    import json

    from briefing.search import section_title
    from briefing.summary import search_line

    _, library = _load(args)
    found = list(library.search(args.query))
    if args.format == "json":
        rows = [
            {
                "briefing": briefing.id,
                "section": hit.field.section,
                "where": section_title(briefing, hit),
                "field": ".".join(str(part) for part in hit.field.key),
                "snippet": hit.snippet(),
            }
            for briefing, hit in found
        ]
        _write(iter([json.dumps(rows, indent=2, ensure_ascii=False) + "\n"]))
    else:
        styled = _styled(args.color)
        _write(search_line(briefing, hit, styled) + "\n" for briefing, hit in found)
    return EXIT_OK if found else EXIT_ERROR


@collector.short
def _changes(args: argparse.Namespace) -> int:
    """What changed in each briefing since it was last read: exit 0 when something is new or
    changed, 1 when nothing is (as grep does for a match)."""
    from briefing import files
    from briefing.changelog import news_of, render
    from briefing.reading import Reading, default_reading_path, source_key

    path, library = _load(args)
    if str(path) == files.STDIN:
        raise UsageError(
            "changes: standard input has no history (give the file with --data): nothing is "
            "remembered of what was read from it"
        )
    chosen = list(library.briefings()) if args.all else [_pick(library, args.id, path)]
    reading, warnings = Reading.load(default_reading_path())
    source = source_key(path)
    news = [news_of(reading, source, briefing) for briefing in chosen]
    if not args.quiet:
        width = args.width or _auto_width()
        _write(render(news, args.format, width, args.format == "text" and _styled(args.color)))
    if args.mark_read:
        for briefing in chosen:
            reading.mark(source, briefing)
        warning = reading.save()
        warnings += [warning] if warning else []
    for warning in dict.fromkeys(warnings + reading.warnings):
        print(f"briefing: {visible(warning)}", file=sys.stderr)
    return EXIT_OK if any(item.is_news for item in news) else EXIT_ERROR


@collector.short
def _serve(args: argparse.Namespace) -> int:
    """Serve the reader with textual-serve; a clear message when the extra is missing."""
    from briefing import serve
    from briefing.remote import is_loopback

    if not serve.has_textual_serve():
        print(f"briefing: {serve.INSTALL_HINT}", file=sys.stderr)
        return EXIT_ERROR
    path, library = _load(args)  # a broken file is reported here, not in every browser tab
    if args.id is not None:
        _pick(library, args.id, path)
    url = serve.url_for(args.host, args.port)
    if not is_loopback(args.host):
        print(serve.NO_AUTH_WARNING.format(url=url), file=sys.stderr)
    print(f"Serving the briefing reader at {url} (ctrl+c to stop)", flush=True)
    command = serve.reader_command(path, args.id, args.max_size, _address_options(args))
    serve.serve(command, args.host, args.port, origins=args.origin, max_tabs=args.max_tabs)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from briefing import store

    chosen = args.path or args.data or os.environ.get(store.DATA_ENV)
    address = _address_in(chosen)
    if address is not None:
        return _validate_address(args, address)
    path = store.data_path(chosen)
    if str(path) != store.STDIN and path.is_dir():
        return _validate_folder(args, path)
    document = store.load(path, args.max_size)
    shown = "<stdin>" if str(path) == store.STDIN else str(path)
    _say_valid(len(document.briefings), shown)
    return EXIT_OK


def _validate_folder(args: argparse.Namespace, folder: Path) -> int:
    """Every briefing file of the folder and its subfolders, each problem with its file, line
    and column; the ids across all of them."""
    from briefing.errors import FolderError
    from briefing.folder import NO_FILES, check, unreadable_folder
    from briefing.progress import Progress

    progress = Progress("validating", "files")
    try:
        checked = check(folder, args.max_size, progress)
    except OSError as unreadable:
        raise unreadable_folder(folder, unreadable) from None
    finally:
        progress.close()
    if not checked.files:
        raise BriefingError.single(folder, NO_FILES)
    if checked.errors:
        raise FolderError(str(folder), checked.errors, checked.files)
    files = f"{checked.files:,} file{'' if checked.files == 1 else 's'}"
    briefings = f"{checked.briefings:,} briefing{'' if checked.briefings == 1 else 's'}"
    print(f"ok: {briefings} in {files} in {visible(str(folder))}")
    return EXIT_OK


def _validate_address(args: argparse.Namespace, address: str) -> int:
    """What the server publishes now, checked (``--max-age`` is not heeded: the point is the
    current version; a ``Retry-After`` is): every problem of an invalid version, even with a
    good copy kept; the server not answering is an error too, as nothing could be checked."""
    from briefing.remote import copy_of, library_of, shown

    copy = copy_of(address, _policy(args), ask=True)
    if copy.error is not None:
        raise copy.error
    if copy.problem is not None:
        problem = f"cannot check what is published: {copy.problem}"
        raise BriefingError.single(shown(address), problem)
    _say_valid(len(library_of(copy, args.max_size)), shown(address))
    return EXIT_OK


def _say_valid(count: int, shown: str) -> None:
    print(f"ok: {count} briefing{'' if count == 1 else 's'} in {visible(shown)}")


@collector.short
def _list(args: argparse.Namespace) -> int:
    from briefing.listing import briefing_table, section_table

    width = _terminal_width() if sys.stdout.isatty() else None
    path, library = _load(args)
    if args.sections is None:
        _write(briefing_table(library.entries, _marks(library, path), width))
    else:
        _write(section_table(_pick(library, args.sections or None, path), width))
    return EXIT_OK


def _marks(library: Library, path: Path | str) -> dict[str, str]:
    """Each briefing's mark in ``list``: new, updated, or nothing when read as it is. Only the
    briefings once read are looked at (a warning when what was read cannot be used)."""
    from briefing import files
    from briefing.listing import MARKS
    from briefing.reading import Reading, default_reading_path, source_key

    if str(path) == files.STDIN:
        return dict.fromkeys(library.ids(), "")  # nothing is remembered of standard input
    reading, warnings = Reading.load(default_reading_path())
    states = reading.states(source_key(path), library)
    marks = {ident: MARKS[state] for ident, state in states.items()}
    for warning in warnings:
        print(f"briefing: {visible(warning)}", file=sys.stderr)
    return marks


@collector.short
def _keys(args: argparse.Namespace) -> int:
    """Every key binding with the keys in force: the defaults, with those of settings.json."""
    import json

    from briefing import keys
    from briefing.listing import key_table
    from briefing.settings import default_settings_path, load_settings

    path = default_settings_path()
    settings, warnings = load_settings(path)
    force, key_warnings = keys.keys_in_force(settings.keys, str(path))
    for warning in warnings + key_warnings:
        print(f"briefing: {visible(warning)}", file=sys.stderr)
    rows = [(b.id, [keys.shown_key(k) for k in force[b.id]], b.description) for b in keys.BINDINGS]
    if args.format == "json":
        listed = [{"id": i, "keys": k, "description": d} for i, k, d in rows]
        _write(iter([json.dumps(listed, indent=2, ensure_ascii=False) + "\n"]))
    else:
        _write(key_table(rows))
    return EXIT_OK


@collector.short
def _schema(args: argparse.Namespace) -> int:
    import json

    from briefing.models import Document

    print(json.dumps(Document.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


_COMMAND_TABLE: dict[str, tuple[Handler, str, Callable[[argparse.ArgumentParser], None]]] = {
    "summary": (_summary, "print a summary to standard output", _summary_arguments),
    "search": (
        _search,
        "find words in every briefing (exit 1 when none match)",
        _search_arguments,
    ),
    "changes": (
        _changes,
        "what changed in a briefing since you last looked (exit 1 when nothing did)",
        _changes_arguments,
    ),
    "serve": (
        _serve,
        "serve the reader to web browsers (pip install 'briefing[serve]')",
        _serve_arguments,
    ),
    "validate": (
        _validate,
        "check a briefing file and report every problem",
        _validate_arguments,
    ),
    "list": (
        _list,
        "one line per briefing: id, date, title, sections (or per section: --sections)",
        _list_arguments,
    ),
    "keys": (
        _keys,
        "one line per key binding: id, keys in force, what it does (settings.json rebinds)",
        _keys_arguments,
    ),
    "schema": (_schema, "print the JSON Schema of the briefing format", _no_arguments),
}
"""Each command: what runs it, its one-line help, and its own arguments (in help order)."""

_COMMANDS = (*_COMMAND_TABLE, _READ)


# --- helpers ------------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> tuple[Path | str, Library]:
    """The data file's path (or address) and briefings; then garbage collection resumes: the
    start-up of a :func:`~briefing.collector.short` command is over."""
    from briefing.files import data_path
    from briefing.index import open_library

    address = _address(args)
    if address is not None:
        from briefing.remote import shown

        _, library = _address_library(args, address, _fetched(args, address))
        where: Path | str = shown(address)  # what errors and what is remembered name it
    else:
        from briefing.progress import Progress

        where = data_path(args.data)
        progress = Progress("indexing", "files")  # a folder's first look: shown on a terminal
        try:
            library = open_library(where, args.max_size, progress=progress)
        finally:
            progress.close()
    collector.resume()
    return where, library


def _address_options(args: argparse.Namespace) -> list[str]:
    """The options of an address's reading, given again to the readers ``serve`` starts."""
    if _address(args) is None:
        return []
    policy = _policy(args)
    options = ["--max-age", f"{policy.max_age:g}", "--timeout", f"{policy.timeout:g}"]
    options += ["--allow-http"] if policy.allow_http else []
    if policy.ca_bundle:
        from briefing.files import real_path

        options += ["--ca-bundle", str(real_path(policy.ca_bundle))]
    return options


def _address(args: argparse.Namespace) -> str | None:
    """The web address the data comes from (``--data``, else ``$BRIEFING_DATA``), if it is one."""
    from briefing.files import DATA_ENV

    return _address_in(args.data or os.environ.get(DATA_ENV))


def _address_in(chosen: str | None) -> str | None:
    """``chosen`` if it names a web address rather than a file (the module that knows is
    imported only when it may)."""
    if not chosen or "://" not in chosen:
        return None
    from briefing.remote import is_address

    return chosen if is_address(chosen) else None


def _policy(args: argparse.Namespace) -> remote.Policy:
    """How to read an address, from the options and the environment."""
    from briefing import remote

    max_age = getattr(args, "max_age", None)
    timeout = getattr(args, "timeout", None)
    return remote.Policy(
        max_age=remote.max_age_setting() if max_age is None else max_age,
        timeout=remote.DEFAULT_TIMEOUT if timeout is None else timeout,
        max_size=args.max_size,
        allow_http=bool(getattr(args, "allow_http", False)),
        ca_bundle=getattr(args, "ca_bundle", None),
    )


def _fetched(args: argparse.Namespace, address: str, *, ask: bool = False) -> remote.Copy:
    """The briefing file at ``address``, as :func:`briefing.remote.copy_of` gives it; its notice
    (the copy used, offline) on standard error."""
    from briefing.progress import Progress, in_kib
    from briefing.remote import copy_of, downloading

    progress = Progress("downloading", "KiB")  # a large file's download: shown on a terminal
    try:
        with downloading(in_kib(progress)):
            copy = copy_of(address, _policy(args), ask=ask)
    finally:
        progress.close()
    _notice(copy)
    return copy


def _notice(copy: remote.Copy) -> None:
    if copy.notice:
        print(f"briefing: {visible(copy.notice)}", file=sys.stderr)


def _address_library(
    args: argparse.Namespace, address: str, copy: remote.Copy
) -> tuple[remote.Copy, Library]:
    """The briefings of ``copy``; when the briefing asked for is not among them and the copy
    was not fetched just now, the server is asked first (it may have been published since)."""
    from briefing.remote import library_of

    library = library_of(copy, args.max_size)
    wanted = getattr(args, "id", None) or getattr(args, "sections", None)
    if wanted and library.briefing(wanted) is None and not copy.changed:
        copy = _fetched(args, address, ask=True)
        library = library_of(copy, args.max_size)
    return copy, library


def _pick(library: Library, briefing_id: str | None, path: Path | str) -> Briefing:
    """The briefing asked for, or the newest; an unknown id lists the known ones."""
    if briefing_id is None:
        return library.newest()
    briefing = library.briefing(briefing_id)
    if briefing is None:
        known = _some(library.ids())
        what = "folder" if not isinstance(path, str) and path.is_dir() else "file"
        message = f"no briefing '{briefing_id}' (the {what} has: {known})"
        raise BriefingError.single(path, message)
    return briefing


def _pick_word(library: Library, word: str | None, path: Path | str) -> Briefing:
    """:func:`_pick` for ``briefing WORD``, where WORD may be a mistyped command: a word that is
    no briefing id in the file but is close to a command's name is a usage error saying so."""
    try:
        return _pick(library, word, path)
    except BriefingError:
        import difflib

        # `briefing -- list` asks for a briefing named like a command: no command to suggest.
        close = [] if word in _COMMANDS else difflib.get_close_matches(word or "", _COMMAND_TABLE)
        if not close:
            raise
        quoted = [f"'{name}'" for name in close]
        names = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
        raise UsageError(
            f"'{word}' is not a command or a briefing id; did you mean {names}?"
        ) from None


def _with_sections(
    chosen: list[Briefing], wanted: list[str], path: Path | str, *, every: bool
) -> tuple[list[Briefing], tuple[str, ...]]:
    """The briefings that have the sections asked for and those sections' ids. A section is
    asked for by id or, unless ``every`` briefing is chosen, by number; each must exist."""
    from briefing.summary import section_number

    if not wanted:
        return chosen, ()
    if not every:
        return chosen, tuple(_section_in(chosen[0], ident, path) for ident in wanted)
    known = {section.id for briefing in chosen for section in briefing.sections}
    unknown = [ident for ident in wanted if ident not in known]
    if unknown and section_number(unknown[0]) is not None:
        raise UsageError(
            f"--section {unknown[0]}: a section number needs one briefing ID, not --all; with "
            "--all, give section ids (briefing list --sections ID shows them)"
        )
    if unknown:
        sections = _some([section.id for briefing in chosen for section in briefing.sections])
        where = "these briefings" if len(chosen) > 1 else f"briefing '{chosen[0].id}'"
        raise BriefingError.single(
            path, f"no section '{unknown[0]}' in {where} (sections: {sections})"
        )
    return [b for b in chosen if any(s.id in wanted for s in b.sections)], tuple(wanted)


def _section_in(briefing: Briefing, wanted: str, path: Path | str) -> str:
    """The id of the section of ``briefing`` that ``wanted`` names, by id or by number."""
    from briefing.summary import section_id, section_number

    ident = section_id(briefing, wanted)
    if ident is not None:
        return ident
    number = section_number(wanted)
    if number is not None:
        count = len(briefing.sections)
        has = f"{count} section{'' if count == 1 else 's'}"
        message = f"no section {number} in briefing '{briefing.id}' (it has {has})"
    else:
        sections = _some([section.id for section in briefing.sections])
        message = f"no section '{wanted}' in briefing '{briefing.id}' (sections: {sections})"
    raise BriefingError.single(path, message)


def _some(ids: list[str]) -> str:
    """The first few of ``ids``, without repeats, and how many more there are."""
    ids = list(dict.fromkeys(ids))
    shown = ", ".join(ids[:_SHOWN_IDS])
    return shown + (f" and {len(ids) - _SHOWN_IDS:,} more" if len(ids) > _SHOWN_IDS else "")


def _styled(choice: str) -> bool:
    """Whether to style output: --color, else NO_COLOR, else FORCE_COLOR, else a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _auto_width() -> int:
    return min(_terminal_width(), MAX_AUTO_WIDTH) if sys.stdout.isatty() else PIPE_WIDTH


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return PIPE_WIDTH


def _write(lines: Iterator[str]) -> None:
    """Write line by line, so a reader that stops early (head) stops us early too; a character
    the output's encoding lacks becomes '?' rather than an error."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    sys.stdout.writelines(lines)


def _report(error: BriefingError) -> None:
    for line in error.lines():
        print(line, file=sys.stderr)
    summary = error.summary()
    if summary:
        print(summary, file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
