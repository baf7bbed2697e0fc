"""The ``briefing`` command: arguments, output and exit codes.

Start-up time matters (a summary may run in a shell prompt), so this module imports only the
standard library at the top; each command imports the data layer, and only the reader imports
Textual. Exit codes: 0 success, 1 a problem with the data or what was asked of it, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefing import __version__
from briefing.errors import BriefingError, visible

if TYPE_CHECKING:
    from briefing.models import Document

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output (head, less) has gone: stop quietly, as cat does.
        _silence_stdout()
        return EXIT_OK
    except BriefingError as error:
        _report(error)
        return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Read structured news briefings in the terminal.",
        epilog="The data file is the one given by --data, else $BRIEFING_DATA, else the bundled "
        "briefings.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    _add_data_option(parser, default=None)
    parser.set_defaults(handler=_overview)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = _add_command(
        commands, "validate", _validate, "check a briefing file and report every problem"
    )
    validate.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="the file to check ('-' for standard input); default: the data file",
    )
    _add_command(commands, "list", _list, "one line per briefing: id, date, title, sections")
    _add_command(commands, "schema", _schema, "print the JSON Schema of the briefing format")
    return parser


def _add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    summary: str,
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:])
    _add_data_option(command, default=argparse.SUPPRESS)
    command.set_defaults(handler=handler)
    return command


def _add_data_option(parser: argparse.ArgumentParser, default: object) -> None:
    # The sub-parsers' copy defaults to SUPPRESS so that `briefing --data X list` keeps X.
    parser.add_argument(
        "--data",
        metavar="PATH",
        default=default,
        help="the briefing file to read (default: $BRIEFING_DATA, else the bundled briefings)",
    )


def _load(args: argparse.Namespace, path: str | None = None) -> Document:
    from briefing import store

    return store.load(store.data_path(path or args.data))


def _validate(args: argparse.Namespace) -> int:
    from briefing import store

    path = store.data_path(args.path or args.data)
    document = store.load(path)
    count = len(document.briefings)
    shown = "<stdin>" if str(path) == store.STDIN else str(path)
    print(f"ok: {count} briefing{'' if count == 1 else 's'} in {visible(shown)}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from briefing.listing import briefing_table

    width = _terminal_width() if sys.stdout.isatty() else None
    sys.stdout.writelines(briefing_table(_load(args), width))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    import json

    from briefing.models import Document

    print(json.dumps(Document.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _overview(args: argparse.Namespace) -> int:
    status = _list(args)
    print("\nCommands: validate, list, schema. See 'briefing --help'.", file=sys.stderr)
    return status


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except OSError:
        return 80


def _report(error: BriefingError) -> None:
    for line in error.lines():
        print(line, file=sys.stderr)
    count = len(error.problems)
    if count > 1:
        print(f"{count} problems in {visible(error.source)}", file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
