"""Each hostile server of tests/test_remote.py against the real command, with what it cost:

    .venv/bin/python benchmarks/hostile.py

prints a Markdown table: the exit code, the seconds, the peak memory (MiB) and the one line the
command wrote. The servers run on a loopback address, in this process; the commands keep their
copies and indexes in a temporary folder, never the user's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        for variable in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            os.environ[variable] = str(home / variable.lower())
        os.environ["HOME"] = str(home)
        os.environ["BRIEFING_CACHE"] = str(home / "cache")
        from tests.test_remote import HOSTILE, measured
        from tests.webserver import serving

        print("| server | options | exit | seconds | peak MiB | what it said |")
        print("| --- | --- | --- | --- | --- | --- |")
        with serving() as site:
            for name, route, options, _ in HOSTILE:
                site.routes["/loop.json"] = route
                url = site.url("/loop.json")
                code, said, seconds, mib = measured("--data", url, *options, "summary",
                                                    folder=home)  # fmt: skip
                line = said.strip().replace(site.base, "http://127.0.0.1:PORT")
                shown = " ".join(options)
                print(f"| {name} | {shown} | {code} | {seconds:.1f} | {mib} | `{line}` |")
                for kept in (home / "cache" / "remote").glob("*"):
                    kept.unlink()  # each server meets a command with no copy
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
