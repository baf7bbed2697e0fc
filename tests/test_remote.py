"""Briefings read from a web address, through the real command, against a real server on a
loopback address: the same output as the local file, revalidation and the maximum age counted
by the server, the copy used offline, and hostile servers refused in bounded time and memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing import __version__, remote
from tests.conftest import BUNDLED, minimal, run_cli
from tests.webserver import (
    Route,
    Site,
    drip,
    endless,
    gzip_bomb,
    hang,
    lying_length,
    redirect,
    serving,
    slow,
    static,
    status,
    tls_pair,
    versioned,
)

LOCAL = BUNDLED.read_bytes()
PATH = "/briefings.json"


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        running.routes[PATH] = static(LOCAL, etag='"v1"')
        yield running


def briefing(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env)


def local(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("--data", str(BUNDLED), *args)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def kept(url: str) -> dict[str, object]:
    folder = remote.remote_folder()
    assert folder is not None
    return dict(json.loads(remote.Place.of(url, folder).meta.read_text()))


def age_copy(url: str, seconds: float) -> None:
    """Make the kept copy of ``url`` look ``seconds`` older than it is."""
    folder = remote.remote_folder()
    assert folder is not None
    meta = remote.Place.of(url, folder).meta
    record = json.loads(meta.read_text())
    record["fetched"] -= seconds
    meta.write_text(json.dumps(record))


# --- the same as the local file -----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["summary"],
        ["summary", "--full", "--format", "markdown"],
        ["summary", "--format", "json"],
        ["list"],
        ["search", "Kursk"],
        ["changes"],
    ],
)
def test_every_command_on_an_address_prints_what_it_prints_for_the_file(
    site: Site, command: list[str]
) -> None:
    over_the_network = briefing("--data", site.url(PATH), *command)
    from_the_file = local(*command)
    assert over_the_network.returncode == from_the_file.returncode, over_the_network.stderr
    assert over_the_network.stdout == from_the_file.stdout
    assert over_the_network.stderr == ""


def test_briefing_data_in_the_environment_names_an_address_too(site: Site) -> None:
    result = briefing("summary", env={"BRIEFING_DATA": site.url(PATH)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == local("summary").stdout


def test_validate_checks_what_the_address_serves(site: Site) -> None:
    result = briefing("validate", site.url(PATH))
    assert (result.returncode, result.stdout) == (0, f"ok: 1 briefing in {site.url(PATH)}\n")
    site.routes["/broken.json"] = static(b'{"schema_version": 1, "briefings": [{"id": 3}]}')
    broken = briefing("validate", site.url("/broken.json"))
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"{site.url('/broken.json')}:1:")  # placed in the file
    assert "Traceback" not in broken.stderr


def test_the_problems_of_a_fetched_file_name_the_address(site: Site) -> None:
    data = minimal()
    data["briefings"][0]["title"] = 7
    site.routes["/bad.json"] = static(json.dumps(data, indent=2).encode())
    result = briefing("--data", site.url("/bad.json"), "summary")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{site.url('/bad.json')}:6:")
    assert "briefings[0].title" in result.stderr


def test_the_requests_say_who_asks(site: Site) -> None:
    briefing("--data", site.url(PATH), "list")
    assert site.last(PATH).headers["user-agent"] == f"briefing/{__version__}"


# --- revalidation and the maximum age -----------------------------------------------------


def test_a_copy_younger_than_the_maximum_age_is_used_without_asking(site: Site) -> None:
    for _ in range(3):
        assert briefing("--data", site.url(PATH), "summary").returncode == 0
    assert site.count(PATH) == 1


def test_an_older_copy_is_revalidated_with_its_etag_and_a_304_keeps_it(site: Site) -> None:
    first = briefing("--data", site.url(PATH), "summary")
    fetched = kept(site.url(PATH))["fetched"]
    again = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
    assert again.returncode == 0 and again.stdout == first.stdout
    assert site.count(PATH) == 2
    assert site.last(PATH).headers["if-none-match"] == '"v1"'
    record = kept(site.url(PATH))
    assert isinstance(record["fetched"], float) and record["fetched"] > float(str(fetched))
    assert record["etag"] == '"v1"'


def test_a_copy_past_the_maximum_age_is_asked_for_again(site: Site) -> None:
    briefing("--data", site.url(PATH), "--max-age", "30", "list")
    age_copy(site.url(PATH), 31)
    briefing("--data", site.url(PATH), "--max-age", "30", "list")
    assert site.count(PATH) == 2
    age_copy(site.url(PATH), 5)  # fresh again after the 304
    briefing("--data", site.url(PATH), "--max-age", "30", "list", env={"BRIEFING_MAX_AGE": "1"})
    assert site.count(PATH) == 2


def test_briefing_max_age_sets_the_maximum_age(site: Site) -> None:
    briefing("--data", site.url(PATH), "list")
    briefing("--data", site.url(PATH), "list", env={"BRIEFING_MAX_AGE": "0"})
    assert site.count(PATH) == 2
    bad = briefing("--data", site.url(PATH), "list", env={"BRIEFING_MAX_AGE": "soon"})
    assert bad.returncode == 1 and one_line(bad).startswith("BRIEFING_MAX_AGE: not a number")


def test_a_longer_max_age_from_the_server_is_honoured(site: Site) -> None:
    site.routes[PATH] = static(LOCAL, etag='"v1"', cache_control="public, max-age=3600")
    briefing("--data", site.url(PATH), "--max-age", "10", "list")
    age_copy(site.url(PATH), 600)
    briefing("--data", site.url(PATH), "--max-age", "10", "list")
    assert site.count(PATH) == 1
    briefing("--data", site.url(PATH), "--max-age", "0", "list")  # 0 always asks
    assert site.count(PATH) == 2


def test_last_modified_alone_revalidates_too(site: Site) -> None:
    site.routes[PATH] = static(LOCAL, last_modified=time.time() - 3600)
    briefing("--data", site.url(PATH), "list")
    result = briefing("--data", site.url(PATH), "--max-age", "0", "list")
    assert result.returncode == 0
    seen = site.last(PATH).headers
    assert "if-modified-since" in seen and "if-none-match" not in seen
    assert kept(site.url(PATH))["last_modified"] == seen["if-modified-since"]


def test_a_new_version_is_fetched_and_shown(site: Site) -> None:
    versions = {"v1": LOCAL, "v2": LOCAL.replace(b"Biden clears", b"Biden allows")}
    current = ["v1"]
    versioned(site, "/live.json", versions, current)
    before = briefing("--data", site.url("/live.json"), "summary")
    current[0] = "v2"
    after = briefing("--data", site.url("/live.json"), "--max-age", "0", "summary")
    assert "Biden clears" in before.stdout and "Biden allows" in after.stdout
    assert kept(site.url("/live.json"))["etag"] == '"v2"'
    again = briefing("--data", site.url("/live.json"), "summary")  # the new copy, kept
    assert again.stdout == after.stdout and site.count("/live.json") == 2


def test_changes_of_an_address_tell_what_the_new_version_changed(site: Site) -> None:
    versions = {"v1": LOCAL, "v2": LOCAL.replace(b"Biden clears", b"Biden allows")}
    current = ["v1"]
    versioned(site, "/live.json", versions, current)
    first = briefing("--data", site.url("/live.json"), "changes", "--mark-read")
    assert first.returncode == 0 and "New: not read before" in first.stdout
    current[0] = "v2"
    later = briefing("--data", site.url("/live.json"), "--max-age", "0", "changes")
    assert later.returncode == 0, later.stderr
    assert "Updated since you read it" in later.stdout


def test_the_copy_is_private_and_named_by_a_hash_of_the_address(site: Site) -> None:
    briefing("--data", site.url(PATH), "list")
    folder = remote.remote_folder()
    assert folder is not None
    copy = remote.Place.of(site.url(PATH), folder).copy
    assert copy.read_bytes() == LOCAL
    assert copy.stat().st_mode & 0o777 == 0o600
    assert copy.name == f"{remote.url_key(site.url(PATH))}.json"
    assert "briefings" not in copy.name


def test_with_the_cache_off_every_command_asks(site: Site) -> None:
    for _ in range(2):
        result = briefing("--data", site.url(PATH), "summary", env={"BRIEFING_CACHE": "off"})
        assert result.stdout == local("summary").stdout
    assert site.count(PATH) == 2


# --- offline ------------------------------------------------------------------------------


def test_offline_the_copy_is_used_and_standard_error_says_so() -> None:
    with serving() as site:
        site.routes[PATH] = static(LOCAL, etag='"v1"')
        url = site.url(PATH)
        briefing("--data", url, "summary")
    result = briefing("--data", url, "--max-age", "0", "summary")  # the server is gone
    assert result.returncode == 0
    assert result.stdout == local("summary").stdout
    line = one_line(result)
    assert line.startswith("briefing: offline: showing the copy from ")
    assert line.endswith("(connection refused)")


def test_offline_with_no_copy_one_line_and_exit_1() -> None:
    with serving() as site:
        url = site.url(PATH)
    result = briefing("--data", url, "summary")
    assert (result.returncode, result.stdout) == (1, "")
    assert one_line(result) == f"{url}: connection refused"


@pytest.mark.parametrize(
    ("route", "cause"),
    [
        (status(404), "HTTP 404 Not Found"),
        (status(500), "HTTP 500 Internal Server Error"),
        (status(429, {"Retry-After": "120"}), "HTTP 429 Too Many Requests; the server asks"),
    ],
)
def test_an_error_from_the_server_with_no_copy(site: Site, route: object, cause: str) -> None:
    site.routes["/x.json"] = route  # type: ignore[assignment]
    result = briefing("--data", site.url("/x.json"), "summary")
    assert result.returncode == 1
    assert one_line(result).startswith(f"{site.url('/x.json')}: {cause}")


def test_an_error_from_the_server_with_a_copy_uses_the_copy(site: Site) -> None:
    briefing("--data", site.url(PATH), "summary")
    site.routes[PATH] = status(500)
    result = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    assert one_line(result).endswith("(HTTP 500 Internal Server Error)")


def test_retry_after_is_honoured_even_with_max_age_0(site: Site) -> None:
    briefing("--data", site.url(PATH), "summary")
    site.routes[PATH] = status(429, {"Retry-After": "300"})
    first = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
    assert first.returncode == 0 and "HTTP 429" in first.stderr
    asked = site.count(PATH)
    for _ in range(2):
        result = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
        assert result.returncode == 0 and result.stdout == local("summary").stdout
        assert "asked not to be asked again before" in one_line(result)
    assert site.count(PATH) == asked  # not asked again


def test_retry_after_with_no_copy_says_when_to_try_again(site: Site) -> None:
    site.routes["/busy.json"] = status(503, {"Retry-After": "600"})
    first = briefing("--data", site.url("/busy.json"), "summary")
    assert first.returncode == 1 and "try again after" in one_line(first)
    second = briefing("--data", site.url("/busy.json"), "--max-age", "0", "summary")
    assert second.returncode == 1
    assert "asked not to be asked again before" in one_line(second)
    assert site.count("/busy.json") == 1


def test_an_invalid_new_version_never_replaces_a_good_copy(site: Site) -> None:
    briefing("--data", site.url(PATH), "summary")
    site.routes[PATH] = static(b'{"schema_version": 1, "briefings": [', etag='"v2"')
    result = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    line = one_line(result)
    assert "the new version is not a valid briefing file" in line and "invalid JSON" in line
    assert kept(site.url(PATH))["etag"] == '"v1"'  # the good copy's validators stay
    refused = briefing("validate", site.url(PATH))  # an author sees every problem
    assert refused.returncode == 1 and "invalid JSON" in refused.stderr


def test_invalid_json_with_no_copy(site: Site) -> None:
    site.routes["/bad.json"] = static(b"{not json")
    result = briefing("--data", site.url("/bad.json"), "summary")
    assert result.returncode == 1
    assert one_line(result).startswith(f"{site.url('/bad.json')}:1:2: invalid JSON")


def test_validate_says_when_the_server_cannot_be_asked() -> None:
    with serving() as site:
        site.routes[PATH] = static(LOCAL)
        url = site.url(PATH)
        briefing("--data", url, "list")
    result = briefing("validate", url)
    assert result.returncode == 1
    assert one_line(result) == f"{url}: cannot check what is published: connection refused"


# --- several readers at once --------------------------------------------------------------


def test_several_commands_at_once_make_one_request(site: Site) -> None:
    site.routes[PATH] = slow(static(LOCAL, etag='"v1"'), 0.5)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "briefing", "--data", site.url(PATH), "summary"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    assert {out for out, _ in outputs} == {local("summary").stdout}
    assert site.count(PATH) == 1


def test_one_request_at_a_time_per_host(site: Site) -> None:
    for name in ("/a.json", "/b.json", "/c.json"):
        site.routes[name] = slow(static(LOCAL), 0.3)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "briefing", "--data", site.url(name), "list"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for name in ("/a.json", "/b.json", "/c.json")
    ]
    for process in processes:
        process.wait(timeout=60)
    assert [process.returncode for process in processes] == [0, 0, 0]
    assert site.most_in_flight == 1


# --- addresses refused before any connection ----------------------------------------------


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("ftp://127.0.0.1/b.json", "only http and https addresses are read, not ftp://"),
        ("file:///etc/passwd", "only http and https addresses are read, not file://"),
        ("http://briefings.invalid/b.json", "plain http is read only from this machine"),
        ("https:///b.json", "no host in the address"),
    ],
)
def test_addresses_that_are_not_read(address: str, problem: str) -> None:
    result = briefing("--data", address, "summary")
    assert result.returncode == 1
    assert one_line(result).startswith(f"{address}: {problem}")


def test_allow_http_lets_plain_http_through_to_the_network() -> None:
    # briefings.invalid never resolves: the refusal now comes from the network, not the rule.
    result = briefing("--data", "http://briefings.invalid/b.json", "--allow-http", "list")
    assert result.returncode == 1
    assert "plain http" not in result.stderr
    assert one_line(result).startswith("http://briefings.invalid/b.json: cannot find the host")


def test_a_local_command_imports_no_http_library(site: Site) -> None:
    code = (
        "import sys, briefing.cli as c; c.main(sys.argv[1:]); "
        "print(sorted(m for m in ('httpx', 'httpcore', 'asyncio', 'ssl') if m in sys.modules))"
    )
    for data in (str(BUNDLED), site.url(PATH)):
        subprocess.run([sys.executable, "-c", code, "--data", data, "list"], check=True,
                       capture_output=True)  # fmt: skip
    for data in (str(BUNDLED), site.url(PATH)):  # the file, and the address's fresh copy
        result = subprocess.run(
            [sys.executable, "-c", code, "--data", data, "summary"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.splitlines()[-1] == "[]", data


# --- hostile servers: refused in bounded time and memory ----------------------------------


_PEAK = (
    "import atexit, os, sys\n"
    "def peak():\n"
    "    with open('/proc/self/status') as status, open(os.environ['PEAK_FILE'], 'w') as out:\n"
    "        out.write(next(l.split()[1] for l in status if l.startswith('VmHWM')))\n"
    "atexit.register(peak)\n"
    "from briefing.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
"""The command, reporting its peak memory as it ends (VmHWM: of this process only, from its
exec on; ru_maxrss would count the test process it was forked from)."""


def measured(*args: str, folder: Path) -> tuple[int, str, float, int]:
    """Run the command: its exit code, standard error, seconds, and peak memory in MiB."""
    peak_file = folder / "peak"
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _PEAK, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PEAK_FILE": str(peak_file)},
        timeout=60,
        check=False,
    )
    return (
        result.returncode,
        result.stderr,
        time.monotonic() - start,
        int(peak_file.read_text()) // 1024,
    )


BASELINE_MIB = 120
"""Peak memory a command may reach on any answer: Python, pydantic and httpx take about 60."""


HOSTILE: list[tuple[str, Route, list[str], str]] = [
    ("never-answers", hang(), ["--timeout", "2"], "timed out after 2 s"),
    ("drips-body", drip(0.3), ["--timeout", "2"], "timed out after 2 s"),
    ("drips-headers", drip(0.3, headers_too=True), ["--timeout", "2"], "timed out after 2 s"),
    ("400MB", endless(400 * 1024**2), ["--max-size", "10M"], "larger than the limit of 10 MiB"),
    ("400MB-declared", endless(400 * 1024**2, declared=True), ["--max-size", "10M"],
     "larger than the limit"),
    ("gzip-bomb", gzip_bomb(), ["--max-size", "10M"], "larger than the limit of 10 MiB"),
    ("lying-length-short", lying_length(100, b'{"briefings": [' + b" " * 10 * 1024**2), [],
     "invalid JSON"),
    ("lying-length-long", lying_length(1024**2, b"{}"), [], "the server broke off its answer"),
    ("redirect-loop", redirect("/loop.json"), [], "more than 5 redirects"),
    ("redirect-to-file", redirect("file:///etc/passwd"), [],
     "redirected to file:///etc/passwd: only http"),
    ("redirect-to-plain-http", redirect("http://briefings.invalid/b.json"), [],
     "plain http is read only from this"),
    ("invalid-json", static(b"{not json"), [], "invalid JSON"),
    ("http-429", status(429, {"Retry-After": "120"}), [], "HTTP 429 Too Many Requests"),
]  # fmt: skip
"""Each hostile server (served at ``/loop.json``, so that a redirect to itself loops), the
options it is read with and what the one line must say; benchmarks/hostile.py prints each one's
time and peak memory."""


@pytest.mark.parametrize(
    ("route", "options", "cause"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_servers_are_refused_in_bounded_time_and_memory(
    site: Site, route: object, options: list[str], cause: str, tmp_path: Path
) -> None:
    site.routes["/loop.json"] = route  # type: ignore[assignment]
    url = site.url("/loop.json")
    code, stderr, seconds, mib = measured("--data", url, *options, "summary", folder=tmp_path)
    assert code == 1
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr, stderr
    assert stderr.startswith(f"{site.url('/loop.json')}") and cause in stderr, stderr
    assert seconds < 15, seconds  # bounded: the 2 s deadline, or at once
    assert mib < BASELINE_MIB, mib


def test_a_permanent_redirect_is_remembered(site: Site) -> None:
    site.routes["/old.json"] = redirect(site.url(PATH), 301)
    first = briefing("--data", site.url("/old.json"), "summary")
    assert first.returncode == 0 and first.stdout == local("summary").stdout
    briefing("--data", site.url("/old.json"), "--max-age", "0", "summary")
    assert site.count("/old.json") == 1 and site.count(PATH) == 2
    assert kept(site.url("/old.json"))["location"] == site.url(PATH)


def test_a_temporary_redirect_is_followed_each_time(site: Site) -> None:
    site.routes["/here.json"] = redirect(site.url(PATH), 302)
    briefing("--data", site.url("/here.json"), "summary")
    briefing("--data", site.url("/here.json"), "--max-age", "0", "summary")
    assert site.count("/here.json") == 2


def test_a_compressed_answer_is_read(site: Site) -> None:
    site.routes["/gz.json"] = static(LOCAL, gzipped=True)
    result = briefing("--data", site.url("/gz.json"), "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    assert "gzip" in site.last("/gz.json").headers["accept-encoding"]


# --- https --------------------------------------------------------------------------------


def test_https_with_a_trusted_authority(tmp_path: Path) -> None:
    context, bundle = tls_pair(tmp_path)
    with serving(tls=context) as site:
        site.routes[PATH] = static(LOCAL)
        by_option = briefing("--data", site.url(PATH), "--ca-bundle", str(bundle), "summary")
        assert by_option.returncode == 0, by_option.stderr
        assert by_option.stdout == local("summary").stdout
        by_env = briefing("--data", site.url(PATH), "--max-age", "0", "list",
                          env={"SSL_CERT_FILE": str(bundle)})  # fmt: skip
        assert by_env.returncode == 0, by_env.stderr
        assert site.count(PATH) == 2


def test_https_with_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    context, _ = tls_pair(tmp_path)
    with serving(tls=context) as site:
        site.routes[PATH] = static(LOCAL)
        result = briefing("--data", site.url(PATH), "summary")
    assert result.returncode == 1
    assert one_line(result).startswith(f"{site.url(PATH)}: the server's certificate is not trusted")


def test_a_redirect_from_https_down_to_http_is_refused(tmp_path: Path, site: Site) -> None:
    context, bundle = tls_pair(tmp_path)
    with serving(tls=context) as secure:
        secure.routes[PATH] = redirect(site.url(PATH))  # to the plain http server on loopback
        result = briefing("--data", secure.url(PATH), "--ca-bundle", str(bundle), "summary")
    assert result.returncode == 1
    assert "a redirect from https down to plain http is never followed" in one_line(result)
    assert site.count(PATH) == 0


# --- what is kept, and the rules, as functions ----------------------------------------------


def test_a_damaged_record_is_ignored_and_the_server_asked_again(site: Site) -> None:
    briefing("--data", site.url(PATH), "list")
    folder = remote.remote_folder()
    assert folder is not None
    remote.Place.of(site.url(PATH), folder).meta.write_text("{damaged")
    result = briefing("--data", site.url(PATH), "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    assert site.count(PATH) == 2
    assert "if-none-match" not in site.last(PATH).headers  # nothing known of the copy


def test_a_copy_changed_behind_the_record_s_back_is_no_copy(site: Site) -> None:
    briefing("--data", site.url(PATH), "list")
    folder = remote.remote_folder()
    assert folder is not None
    remote.Place.of(site.url(PATH), folder).copy.write_text('{"schema_version": 1}')
    result = briefing("--data", site.url(PATH), "--max-age", "3600", "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    assert site.count(PATH) == 2 and "if-none-match" not in site.last(PATH).headers


def test_serve_gives_each_reader_the_address_and_how_to_read_it() -> None:
    from briefing.serve import reader_command

    command = reader_command("https://news.example/b.json", None, None, ["--max-age", "5"])
    assert "--data https://news.example/b.json --max-age 5 read" in command


@given(st.text(max_size=80))
def test_any_address_is_judged_without_an_error(text: str) -> None:
    problem = remote.address_problem(text, allow_http=False)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in ("http", "https"):
        assert problem is not None
    if problem is None:
        assert scheme == "https" or remote.is_loopback(str(urlsplit(text).hostname))


@given(st.sampled_from(["http", "https"]), st.sampled_from(["http", "https", "file", "ftp"]))
def test_a_redirect_never_goes_down_to_http_nor_out_of_http(came: str, goes: str) -> None:
    problem = remote.address_problem(f"{goes}://127.0.0.1/b.json", False, f"{came}://x/b.json")
    allowed = goes == "https" or (goes == "http" and came == "http")
    assert (problem is None) is allowed


@given(st.text(max_size=40))
def test_any_cache_control_gives_a_max_age_or_none(header: str) -> None:
    age = remote._max_age(header)
    assert age is None or age >= 0


def test_how_fresh_a_copy_is_reads_as_words() -> None:
    assert remote.ago(3) == "just now"
    assert remote.ago(45) == "45 s ago"
    assert remote.ago(130) == "2 min ago"
    assert remote.ago(3 * 3600 + 5) == "3 h ago"
    assert remote.ago(2 * 86400) == "2 days ago"
    kept = remote.Kept(url="https://x/b", location="https://x/b", fetched=1000.0)
    assert remote.freshness(kept, now=1130.0) == "fetched 2 min ago"
    offline = kept._replace(failed_since=1100.0, failure="connection refused")
    assert remote.freshness(offline, now=1130.0).endswith("(connection refused)")


def test_a_briefing_published_since_the_copy_is_asked_for(site: Site) -> None:
    data = json.loads(LOCAL)
    later = json.loads(LOCAL)
    later["briefings"].append(data["briefings"][0] | {"id": "second", "title": "Second"})
    versions = {"v1": LOCAL, "v2": json.dumps(later).encode()}
    current = ["v1"]
    versioned(site, "/live.json", versions, current)
    briefing("--data", site.url("/live.json"), "list")
    current[0] = "v2"
    result = briefing("--data", site.url("/live.json"), "summary", "second")  # copy still fresh
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Second\n")
    missing = briefing("--data", site.url("/live.json"), "summary", "third")
    assert missing.returncode == 1 and "no briefing 'third'" in one_line(missing)
    assert site.count("/live.json") == 3  # asked once for each id the copy lacked


def test_a_large_body_within_the_limit_takes_the_memory_the_same_local_file_does(
    site: Site, tmp_path: Path
) -> None:
    size = 100 * 1024**2
    site.routes["/big.json"] = endless(size)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * size)
    code, _, _, remote_mib = measured("--data", site.url("/big.json"), "list", folder=tmp_path)
    _, _, _, local_mib = measured("--data", str(big), "list", folder=tmp_path)
    assert code == 1
    assert remote_mib < local_mib * 1.2 + 20, (remote_mib, local_mib)  # once in memory, not 3x


def test_a_password_in_the_address_is_sent_but_never_shown(site: Site) -> None:
    secret = site.url(PATH).replace("http://", "http://reader:s3cret@")
    result = briefing("--data", secret, "changes", "--mark-read")
    assert result.returncode == 0, result.stderr
    assert site.last(PATH).headers["authorization"].startswith("Basic ")
    site.routes[PATH] = status(404)
    failed = briefing("--data", secret, "--max-age", "0", "summary", "nope")
    assert failed.returncode == 1 and "s3cret" not in failed.stderr
    assert site.url(PATH) in failed.stderr
    assert (
        "s3cret" not in (Path(os.environ["XDG_STATE_HOME"]) / "briefing/reading.json").read_text()
    )
    assert remote.shown("https://a:b@host:8443/x?y") == "https://host:8443/x?y"
    assert remote.shown("https://host/x") == "https://host/x"


def test_a_web_page_in_place_of_the_file_is_a_login_page_not_a_new_version(site: Site) -> None:
    briefing("--data", site.url(PATH), "summary")
    portal = status(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>Log in</html>")
    site.routes[PATH] = portal
    result = briefing("--data", site.url(PATH), "--max-age", "0", "summary")
    assert result.returncode == 0 and result.stdout == local("summary").stdout
    assert (
        "offline" in one_line(result) and "the server sent a web page (text/html)" in result.stderr
    )
    site.routes["/portal.json"] = portal
    alone = briefing("--data", site.url("/portal.json"), "summary")
    assert alone.returncode == 1 and "a network's login page" in one_line(alone)


def test_the_same_bytes_again_are_no_new_version(site: Site) -> None:
    site.routes["/plain.json"] = static(LOCAL)  # no ETag, no Last-Modified: always a 200
    url, policy = site.url("/plain.json"), remote.Policy(max_age=0)
    assert remote.copy_of(url, policy).changed
    again = remote.copy_of(url, policy)
    assert not again.changed and again.document is None and site.count("/plain.json") == 2
    site.routes["/plain.json"] = static(LOCAL.replace(b"Biden clears", b"Biden allows"))
    assert remote.copy_of(url, policy).changed


def test_a_download_tells_its_progress_in_bytes_of_those_declared(site: Site) -> None:
    data = json.loads(LOCAL)
    base = data["briefings"][0]
    data["briefings"] = [dict(base, id=f"b-{n}") for n in range(60)]
    body = json.dumps(data).encode()
    site.routes["/big.json"] = static(body)
    told: list[tuple[int, int]] = []
    with remote.downloading(lambda done, total: told.append((done, total))):
        copy = remote.copy_of(site.url("/big.json"), remote.Policy())
    assert copy.error is None and copy.document is not None
    assert len(told) > 1  # chunk by chunk
    assert told[-1] == (len(body), len(body))
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    told.clear()
    remote.copy_of(site.url("/big.json"), remote.Policy())  # fresh: nothing downloaded
    assert told == []
