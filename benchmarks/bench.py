"""Speed benchmarks: medians and ratios, each against its baseline measured in the same run.

    .venv/bin/python benchmarks/bench.py            # the full run (a few minutes)
    .venv/bin/python benchmarks/bench.py --smoke    # one quick repetition of each (the tests)

Runs alternate A and B so that a noisy machine slows both alike; never compare figures from
different runs. rich-cli, if wanted as a baseline, lives in its own venv (its pins clash with
ours): ``python3 -m venv benchmarks/.rich-cli && benchmarks/.rich-cli/bin/pip install rich-cli``
or set ``RICH_CLI`` to its ``rich`` executable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "briefings.json"
PYTHON = sys.executable
CACHE_ENV = "BRIEFING_CACHE"
MINIMAL_APP = Path(__file__).resolve().parent / "minimal_app.py"
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
FIRST_TITLE = "1. Moscow's warning"

Row = tuple[str, str, float, float]  # what, against, median A (s), median B (s)


def run(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Seconds one command takes, its output piped and thrown away."""
    started = time.perf_counter()
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return time.perf_counter() - started


def alternate(a: Callable[[], float], b: Callable[[], float], repeat: int) -> tuple[float, float]:
    """Medians of ``a`` and ``b`` run turn about ``repeat`` times."""
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(a())
        times_b.append(b())
    return statistics.median(times_a), statistics.median(times_b)


def briefing_cmd(*args: str, data: Path = BUNDLED) -> list[str]:
    return [PYTHON, "-m", "briefing", "--data", str(data), *args]


# --- 1. the summary ------------------------------------------------------------------------


def rich_cli() -> str | None:
    configured = os.environ.get("RICH_CLI")
    local = Path(__file__).resolve().parent / ".rich-cli" / "bin" / "rich"
    return configured or (str(local) if local.exists() else shutil.which("rich"))


IMPORT_GROUPS = (
    ("re, json, sqlite3 & co.", "re, json, sqlite3, zlib, unicodedata, contextlib, os, stat, "
     "bisect, functools, collections.abc, datetime, operator, types"),
    ("typing", "typing"),
    ("pathlib", "pathlib"),
    ("argparse & co.", "argparse, gettext, locale"),
)  # fmt: skip
"""What a summary imports, by group, in the order timed: the first is what it cannot do
without; each later one costs what it adds to those before it."""


def import_costs(repeat: int) -> list[float]:
    """Median seconds each group of :data:`IMPORT_GROUPS` adds, in fresh interpreters."""
    lines = ["import time", "t = [time.perf_counter()]"]
    for _, modules in IMPORT_GROUPS:
        lines += [f"import {modules}", "t.append(time.perf_counter())"]
    lines.append("print(*(b - a for a, b in zip(t, t[1:])))")
    code = "\n".join(lines)
    runs = [
        [float(x) for x in subprocess.check_output([PYTHON, "-c", code], text=True).split()]
        for _ in range(max(repeat, 5))
    ]
    return [statistics.median(column) for column in zip(*runs, strict=True)]


def bench_summary(repeat: int, workdir: Path) -> list[Row]:
    rows = []
    summary = briefing_cmd("summary", "--full")
    medians = alternate(lambda: run(summary), lambda: run([PYTHON, "-c", "pass"]), repeat)
    rows.append(("summary --full, piped", "python -c pass", *medians))
    for (group, _), cost in zip(IMPORT_GROUPS, import_costs(repeat), strict=True):
        rows.append((f"  of it, importing {group}", "summary --full, piped", cost, medians[0]))
    rich = rich_cli()
    if rich:
        markdown = workdir / "briefing.md"
        markdown.write_text(
            subprocess.run(
                briefing_cmd("summary", "--full", "--format", "markdown"),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        medians = alternate(lambda: run(summary), lambda: run([rich, str(markdown)]), repeat)
        rows.append(("summary --full, piped", "rich-cli on its Markdown", *medians))
    return rows


def bench_address(repeat: int) -> list[Row]:
    """The summary of a briefing file read from an address (a server on loopback, in this
    process), against the same file read locally: with the copy fresh (no request), and with
    ``--max-age 0`` (a conditional request answered 304)."""
    import threading
    from functools import partial as bind
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = bind(Quiet, directory=str(BUNDLED.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{BUNDLED.name}"
    try:
        address = [PYTHON, "-m", "briefing", "--data", url, "summary"]
        local = briefing_cmd("summary")
        run(address)  # the copy, and its index, made once
        run(address)
        run(local)
        time.sleep(2.1)  # past the index's racy window, as the local file is
        fresh = alternate(lambda: run(address), lambda: run(local), repeat)
        asked = alternate(lambda: run([*address, "--max-age", "0"]), lambda: run(local), repeat)
    finally:
        server.shutdown()
        server.server_close()
    return [
        ("summary, address (fresh copy)", "the same file, local", *fresh),
        ("summary, address (revalidated: 304)", "the same file, local", *asked),
    ]


# --- 2. first paint in a real terminal -----------------------------------------------------


def first_paint(command: Sequence[str], marker: str, workdir: Path) -> float:
    """Seconds from the key that starts ``command`` in tmux until ``marker`` is on screen."""
    socket = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    env = f"env XDG_CONFIG_HOME={workdir}/cfg XDG_STATE_HOME={workdir}/state TERM=xterm-256color"
    subprocess.run([*tmux, "new-session", "-d", "-s", "b", "-x", "120", "-y", "40"], check=True)
    try:
        time.sleep(0.3)  # let the shell start
        line = f"{env} {shlex.join(command)}"
        started = time.perf_counter()
        subprocess.run([*tmux, "send-keys", "-t", "b", line, "Enter"], check=True)
        deadline = started + 60
        while time.perf_counter() < deadline:
            capture = [*tmux, "capture-pane", "-p", "-t", "b"]
            screen = subprocess.run(capture, capture_output=True, text=True, check=False).stdout
            if marker in screen:
                return time.perf_counter() - started
            time.sleep(0.005)
        return float("nan")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)


def bench_first_paint(repeat: int, workdir: Path, scale_file: Path) -> list[Row]:
    if shutil.which("tmux") is None:
        return []

    def reader() -> float:
        return first_paint(briefing_cmd(), FIRST_TITLE, workdir)

    def minimal() -> float:
        return first_paint([PYTHON, str(MINIMAL_APP)], "minimal app ready", workdir)

    def floor() -> float:  # the same screen from stock widgets: what Textual alone costs
        return first_paint([PYTHON, str(FLOOR_APP)], FIRST_TITLE, workdir)

    last = json.loads(scale_file.read_text())["briefings"][-1]["id"]

    def on_scale() -> float:
        return first_paint(briefing_cmd(last, data=scale_file), FIRST_TITLE, workdir)

    return [
        ("reader first paint (tmux)", "minimal Textual app", *alternate(reader, minimal, repeat)),
        ("first paint, stock widgets", "minimal Textual app", *alternate(floor, minimal, repeat)),
        ("reader first paint (tmux)", "the same, stock widgets", *alternate(reader, floor, repeat)),
        ("first paint, big file, last one", "default file", *alternate(on_scale, reader, repeat)),
    ]


# --- 3. scale ------------------------------------------------------------------------------


def scale_file(workdir: Path, count: int) -> Path:
    """The default briefing repeated ``count`` times with distinct ids."""
    document = json.loads(BUNDLED.read_text())
    base = document["briefings"][0]
    document["briefings"] = [dict(base, id=f"{base['id']}-{n}") for n in range(count)]
    path = workdir / f"scale-{count}.json"
    path.write_text(json.dumps(document))
    return path


def edit_one_briefing(big: Path, briefings: int, edit: int) -> str:
    """Write a new title into one briefing of the big file (of ``briefings``; another one each
    ``edit``), as an author's editor saves it; the new title."""
    raw = big.read_bytes()
    ident = f'-{(briefings // 2 + 97 * edit) % briefings}", "title": "'.encode()
    start = raw.index(ident) + len(ident)
    title = f"Edited {edit} "
    big.write_bytes(raw[:start] + title.encode() + raw[start:])
    return title


def bench_scale(repeat: int, big: Path, settle: float) -> list[Row]:
    """The big file: warm, after an edit of one briefing, and the first look. ``settle``: how
    long to wait after an edit before the warm runs (a file changed within two seconds of
    being indexed is checked by content until then)."""
    last = json.loads(big.read_text())["briefings"][-1]["id"]
    count = int(last.rsplit("-", 1)[1]) + 1
    rows = []
    fresh = big.parent / "fresh-cache"
    first = run(briefing_cmd("list", data=big), env={CACHE_ENV: str(fresh)})
    shutil.rmtree(fresh, ignore_errors=True)
    edits = 0
    for what, args, small_args in [
        ("list", ["list"], ["list"]),
        ("summary of the last briefing", ["summary", last], ["summary"]),
        ("search WORD", ["search", "Pyongyang"], ["search", "Pyongyang"]),
    ]:
        run(briefing_cmd(*args, data=big))  # the index current
        colds = []
        for _ in range(repeat):  # the first command after an edit of one briefing
            edit_one_briefing(big, count, edits)
            edits += 1
            time.sleep(0.01)
            colds.append(run(briefing_cmd(*args, data=big)))
        if args == ["list"]:
            listed = subprocess.run(
                briefing_cmd(*args, data=big), capture_output=True, text=True, check=False
            )
            assert f"Edited {edits - 1} " in listed.stdout, "the edit does not show"
        time.sleep(settle)
        warm = alternate(partial(run, briefing_cmd(*args, data=big)),
                         partial(run, briefing_cmd(*small_args)), repeat)  # fmt: skip
        rows.append((f"{what}, big file (warm)", "default file", *warm))
        rows.append((f"{what}, big file, one briefing edited", "big file (warm)",
                     statistics.median(colds), warm[0]))  # fmt: skip
    rows.append(("list, big file, first look (no index)", "big file (warm)", first, rows[0][2]))
    return rows


# --- 3b. a folder of files -----------------------------------------------------------------


def folder_of_files(workdir: Path, count: int) -> Path:
    """``count`` files of one briefing each, in folders by year and month, as a newsroom keeps
    them: distinct ids, dates and titles, the default story's sections."""
    document = json.loads(BUNDLED.read_text())
    base = document["briefings"][0]
    root = workdir / f"archive-{count}"
    for n in range(count):
        year, day = 2016 + n * 10 // count, n % 365
        month = day // 31 + 1
        folder = root / str(year) / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        briefing = dict(
            base,
            id=f"story-{year}-{n:05d}",
            published=f"{year}-{month:02d}-{day % 28 + 1:02d}",
            title=f"Story {n} of the archive",
        )
        wanted = {"schema_version": document["schema_version"], "briefings": [briefing]}
        (folder / f"story-{n:05d}.json").write_text(json.dumps(wanted, indent=2))
    return root


def bench_folder(repeat: int, workdir: Path, count: int) -> list[Row]:
    """``list`` and ``summary`` of a folder of ``count`` files, warm, against the default file;
    ``list`` right after one file is edited (the edit checked to show), against a warm ``list``."""
    root = folder_of_files(workdir, count)
    files = sorted(root.rglob("*.json"))
    run(briefing_cmd("list", data=root))  # the first look: every file validated and indexed
    time.sleep(2.1)  # past the racy window, as the default file is
    run(briefing_cmd("list", data=root))
    run(briefing_cmd("list"))
    warm = alternate(partial(run, briefing_cmd("list", data=root)),
                     partial(run, briefing_cmd("list")), repeat)  # fmt: skip
    one = json.loads(files[len(files) // 2].read_text())["briefings"][0]["id"]
    summary = alternate(partial(run, briefing_cmd("summary", one, data=root)),
                        partial(run, briefing_cmd("summary")), repeat)  # fmt: skip
    edited, settled = [], []
    for n in range(repeat):
        path = files[(n * 7919) % len(files)]
        data = json.loads(path.read_text())
        title = f"Edited {n} at {time.time_ns()}"
        data["briefings"][0]["title"] = title
        path.write_text(json.dumps(data, indent=2))
        started = time.perf_counter()
        shown = subprocess.run(briefing_cmd("list", data=root), capture_output=True, text=True,
                               check=True).stdout  # fmt: skip
        edited.append(time.perf_counter() - started)
        if title not in shown:
            raise SystemExit(f"the edit of {path} does not show in the list")
        time.sleep(2.1)
        run(briefing_cmd("list", data=root))  # settles the file edited
        settled.append(run(briefing_cmd("list", data=root)))
    return [
        (f"list, folder of {count} files (warm)", "default file", *warm),
        (f"summary of one, folder of {count}", "default file", *summary),
        ("list right after editing one file", "warm list of the folder",
         statistics.median(edited), statistics.median(settled)),
    ]  # fmt: skip


# --- 4. reporting problems -----------------------------------------------------------------


def broken_file(workdir: Path, count: int) -> Path:
    """``count`` small broken briefings: each a misspelt field, its required fields missing
    (ten problems each)."""
    briefings = [{"id": f"b-{n}", "titel": "Something happened"} for n in range(count)]
    path = workdir / f"broken-{count}.json"
    path.write_text(json.dumps({"schema_version": 1, "briefings": briefings}, indent=1))
    return path


def valid_file_like(workdir: Path, other: Path) -> Path:
    """A valid file of the default briefing repeated to about the size of ``other``."""
    document = json.loads(BUNDLED.read_text())
    base = document["briefings"][0]
    count = max(1, round(other.stat().st_size / len(json.dumps(base, indent=1))))
    document["briefings"] = [dict(base, id=f"{base['id']}-{n}") for n in range(count)]
    path = workdir / f"valid-like-{other.stem}.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def bench_problems(repeat: int, workdir: Path, count: int) -> list[Row]:
    broken = broken_file(workdir, count)
    valid = valid_file_like(workdir, broken)
    medians = alternate(lambda: run(briefing_cmd("validate", data=broken)),
                        lambda: run(briefing_cmd("validate", data=valid)), repeat)  # fmt: skip
    return [(f"validate, {count} broken briefings", "valid file, same size", *medians)]


# --- 5. keystrokes and 6. memory (inside the app) -------------------------------------------


def sections_document(count: int) -> dict[str, object]:
    document = json.loads(BUNDLED.read_text())
    base = document["briefings"][0]
    sections = [dict(base["sections"][n % 4], id=f"s{n}") for n in range(count)]
    briefing = dict(base, sections=sections, key_facts=[], timeline=[], quotes=[])
    return {
        "schema_version": document["schema_version"],
        "briefings": [briefing, dict(briefing, id="second")],
    }


def bench_keys(repeat: int, big: Path) -> list[Row]:
    from briefing.app import make_app
    from briefing.index import open_library
    from briefing.store import parse

    async def key_time(start: Callable[[], Any], keys: list[str], measured: str) -> float:
        """Seconds from the key until the last screen update it caused was sent for display,
        in the app ``start`` makes.

        Pilot's own wait for the app to be idle costs tens of milliseconds even for a key bound
        to nothing, so the end is taken from the app's display calls, not from the wait."""
        app = start()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            shown: list[float] = []
            display = app._display

            def record(screen: object, renderable: object) -> None:
                if renderable is not None:
                    shown.append(time.perf_counter())
                display(screen, renderable)

            app._display = record
            started = time.perf_counter()
            await pilot.press(measured)
            await pilot.pause()
            return (shown[-1] if shown else float("nan")) - started

    import runpy

    floors = runpy.run_path(str(FLOOR_APP))
    floor_app, one_screen = floors["FloorApp"], floors["OneScreenApp"]
    sixty_document = sections_document(60)
    sixty = parse(json.dumps(sixty_document))
    count = len(open_library(big).entries)  # its index made
    base = sixty_document["briefings"][0]  # type: ignore[index]
    titles = [{"id": f"{n:05}", "title": f"{base['title']} {n}"} for n in range(count - 1)]
    cases: list[tuple[str, Callable[[], Any], list[str], str]] = [
        ("key e, 60 sections", lambda: make_app(sixty), [], "e"),
        ("  the same, stock widgets", lambda: floor_app(sixty_document), [], "e"),
        (
            "one search keystroke",
            lambda: make_app(open_library(BUNDLED)),
            ["slash", "k", "u", "r"],
            "s",
        ),
        ("key ], next briefing", lambda: make_app(sixty), [], "right_square_bracket"),
        ("key b, picker on the big file", lambda: make_app(open_library(big)), [], "b"),
        ("  the same, stock widgets", lambda: floor_app({"briefings": [base, *titles]}), [], "b"),
        ("  any screen: one line, minimal app", one_screen, [], "x"),
    ]  # each run on a library opened afresh, as a reader starts: nothing read by an earlier run
    rows = []
    for what, start, keys, measured in cases:
        times = [asyncio.run(key_time(start, keys, measured)) for _ in range(repeat)]
        rows.append((what, "50 ms budget", statistics.median(times), 0.050))
    return rows


def peak_memory(code: str) -> float:
    """Peak resident memory (MiB) of a child Python running ``code`` (an app run headless)."""
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's (this process's) peak.
    measure = (
        "\nfrom pathlib import Path\n"
        "print(next(l for l in Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmHWM')).split()[1])"
    )
    result = subprocess.run(
        [PYTHON, "-c", code + measure], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(result.stdout.split()[-1]) / 1024


def bench_memory(big: Path) -> list[Row]:
    reader = (
        "import asyncio\nfrom briefing.app import make_app\n"
        "from briefing.index import open_library\n"
        "async def main():\n    app = make_app(open_library({path!r}))\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n        await pilot.pause()\n"
        "asyncio.run(main())"
    )
    minimal = (
        f"import asyncio, runpy\nns = runpy.run_path({str(MINIMAL_APP)!r})\n"
        "async def main():\n    app = ns['MinimalApp']()\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n        await pilot.pause()\n"
        "asyncio.run(main())"
    )
    floor = (
        f"import asyncio, runpy\nns = runpy.run_path({str(FLOOR_APP)!r})\n"
        "async def main():\n    app = ns['FloorApp']()\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n        await pilot.pause()\n"
        "asyncio.run(main())"
    )
    for data in (BUNDLED, big):  # their indexes made first: the reader is measured, not that
        run(briefing_cmd("list", data=data))
    base = peak_memory(minimal)
    stock = peak_memory(floor)
    default = peak_memory(reader.format(path=str(BUNDLED)))
    scaled = peak_memory(reader.format(path=str(big)))
    return [
        ("peak memory (MiB), default file", "minimal Textual app", default, base),
        ("peak memory (MiB), stock widgets", "minimal Textual app", stock, base),
        ("peak memory (MiB), default file", "the same, stock widgets", default, stock),
        ("peak memory (MiB), big file", "minimal Textual app", scaled, base),
    ]


# --- report --------------------------------------------------------------------------------


def report(rows: list[Row]) -> str:
    lines = [f"{'measure':<42} {'against':<26} {'A':>9} {'B':>9} {'A/B':>6}"]
    for what, against, a, b in rows:
        unit = "" if "memory" in what else "s"
        ratio = a / b if b else float("nan")
        lines.append(f"{what:<42} {against:<26} {a:>8.3f}{unit:1} {b:>8.3f}{unit:1} {ratio:>6.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one quick repetition of each")
    parser.add_argument("--repeat", type=int, default=9, help="runs of each (default 9)")
    parser.add_argument("--scale", type=int, default=10_000, help="briefings in the big file")
    parser.add_argument(
        "--broken", type=int, default=20_000, help="small broken briefings in the broken file"
    )
    parser.add_argument("--only", action="append", metavar="PART",
                        help="measure only this part (repeat for more): summary, address, "
                        "first paint, scale, folder, problems, keys, memory")  # fmt: skip
    args = parser.parse_args(argv)
    repeat, count = (1, 200) if args.smoke else (args.repeat, args.scale)
    broken = 200 if args.smoke else args.broken
    # Every command measured keeps its bytecode, as an installed program has it (pip compiles
    # a package as it installs it): where PYTHONDONTWRITEBYTECODE is set (this machine's
    # Python sets it), each run would compile every module from source instead.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        # Every run, here and in the commands measured, keeps its indexes in this run's folder,
        # and its settings and what it read: the user's own are neither read nor changed.
        os.environ[CACHE_ENV] = str(workdir / "cache")
        for variable, name in (("XDG_CONFIG_HOME", "cfg"), ("XDG_STATE_HOME", "state")):
            os.environ[variable] = str(workdir / name)
        big = scale_file(workdir, count)
        rows: list[Row] = []
        parts: list[tuple[str, Callable[[], list[Row]]]] = [
            ("summary", lambda: bench_summary(repeat, workdir)),
            ("address", lambda: bench_address(repeat)),
            ("first paint", lambda: bench_first_paint(repeat, workdir, big)),
            ("scale", lambda: bench_scale(repeat, big, 0 if args.smoke else 2.1)),
            ("folder", lambda: bench_folder(repeat, workdir, count)),
            ("problems", lambda: bench_problems(repeat, workdir, broken)),
            ("keys", lambda: bench_keys(repeat, big)),
            ("memory", lambda: bench_memory(big)),
        ]
        for name, part in parts:
            if args.only and name not in args.only:
                continue
            print(f"measuring {name}…", file=sys.stderr, flush=True)
            rows += part()
    print(f"briefing benchmarks: {count} briefings in the big file, medians of {repeat} runs")
    print(report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
