"""First frame of the admin replay page, in Chromium.

    python -m bench.replay [CORPUS_DIR] [--runs R] [--timeout S]

Serves the example project (daphne ``runserver``, temporary SQLite, settings
bench/replay_settings.py: the demo's, with the per-connection limits lifted)
and records each recording of the corpus (default ``../shared/corpus``; the
bench says so and stops if it is absent) into it through the WebSocket door,
batch after acknowledged batch (bench.storage.send), then one more session:
every recording end to end, its timestamps shifted to follow the one before
(1 s apart; a recording's timestamps in seconds, below 1e11, are taken as
milliseconds times 1,000 there). Each session's admin replay page
(``/admin/django_session_replay/replaysession/<id>/replay/``, staff logged in)
is then opened R times (default 5, round robin after one warm-up load), each in
a fresh browser context (a cold HTTP cache), and timed from navigation start
to two first frames:

- the player's: the first animation frame at which the player's replay
  iframe (``#session-replay-player .replayer-wrapper iframe``) holds a
  document whose body (or, without one, root element) has child nodes,
  ``performance.now()`` in the page;
- the poster's (``#session-replay-poster iframe``, admin/poster.py): its
  document, sandboxed and so unreadable from the page, is read from outside
  (Playwright, polled every 20 ms until the player's frame): once its body has
  child nodes, its own ``first-paint`` entry, moved to the page's time origin,
  or, if later, the moment poster.js made the frame visible
  (``session-replay-poster--fitted``, seen by the page's animation frames).

The first frame the user sees is the earlier of the two. A page that shows no
player frame within S seconds (default 30) is reported and left out.

Besides, the replay page's own ``first-paint`` (column ``page``) and, as a
reference, that of Django's admin index (``/admin/``: an admin page with none
of this app's code), loaded R times the same way: no frame inside the replay
page can be seen before the page itself paints (``REFERENCE`` line).

Prints the runs and medians per recording, then for each of the player's
frame, the poster's and the first seen: the overall median (of every run of
every recording), the joined session's median and joined/median, against the
targets of issue 13 (median <= 250 ms, joined <= 1.3 x the median), each with
its ``TOTAL frame=<player|poster|seen> median_ms= joined_ms= ratio=
target_median_ms=250 target_ratio=1.3 runs= timeouts= missing=`` line; the last
line is the first frame seen, the one the issue's target is judged on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack

from bench.common import REPO, SHARED_CORPUS, Event, load
from bench.ingest import PATH, cpu_seconds
from bench.storage import send

TARGET_MEDIAN_MS = 250.0
TARGET_RATIO = 1.3
FRAME = "#session-replay-player .replayer-wrapper iframe"
POSTER = "session-replay-poster"  # the poster's box (its id), FITTED once visible
FITTED = "session-replay-poster--fitted"
POSTER_PATH = "/replay/poster/"
POLL_MS = 20
GAP_MS = 1000  # between two recordings of the joined session
SECONDS_BELOW = 10**11  # a timestamp under this is in seconds (2001-09-09 in ms)

# Runs in every frame before the page's scripts; only the top one measures. Besides
# the first frame it notes, to tell where the time goes, when the page's HTML was
# in, when DOMContentLoaded was done and when the first fetch of the events
# answered (its headers: fetch is wrapped, the page's own code is not touched).
PROBE = """
(() => {
  if (window.top !== window) return;
  const marks = (window.__replayMarks = {});
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const url = String((input && input.url) || input);
    const answer = fetch.apply(this, arguments);
    if (/\\/events\\b/.test(url) && marks.events === undefined) {
      const noted = () => { if (marks.events === undefined) marks.events = performance.now(); };
      answer.then(noted, () => {});
    }
    return answer;
  };
  const rendered = () => {
    const frame = document.querySelector(__FRAME__);
    let doc = null;
    try { doc = frame && frame.contentDocument; } catch (e) { return false; }
    if (!doc || !doc.documentElement) return false;
    const root = doc.body || doc.documentElement;
    return root.childNodes.length > 0;
  };
  const check = () => {
    if (marks.fitted === undefined) {
      const box = document.getElementById(__POSTER__);
      if (box && box.classList.contains(__FITTED__)) marks.fitted = performance.now();
    }
    if (rendered()) {
      const nav = performance.getEntriesByType('navigation')[0];
      marks.html = nav ? nav.responseEnd : undefined;
      marks.dcl = nav && nav.domContentLoadedEventEnd ? nav.domContentLoadedEventEnd : undefined;
      marks.frame = performance.now();
      const paint = performance.getEntriesByName('first-paint')[0];
      if (paint) marks.page = paint.startTime;
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
for name, value in (("__FRAME__", FRAME), ("__POSTER__", POSTER), ("__FITTED__", FITTED)):
    PROBE = PROBE.replace(name, json.dumps(value))
MARKS = ("frame", "html", "dcl", "events", "fitted", "page")  # PROBE's, ms from navigation start
REFERENCE = "/admin/"  # Django's own admin index: what an admin page costs before any of ours
# Run inside the poster's document (sandboxed: no script of its own runs there).
POSTER_PROBE = """
() => {
  const paint = performance.getEntriesByName('first-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    html: nav && nav.responseEnd ? nav.responseEnd : null,
    asked: nav && nav.requestStart ? nav.requestStart : null,
    server: ((nav && nav.serverTiming) || []).map((t) => t.name + '=' + t.duration).join(' '),
    parsed: nav && nav.domInteractive ? nav.domInteractive : null,
    children: document.body ? document.body.childNodes.length : 0,
    origin: performance.timeOrigin,
    paint: paint ? paint.startTime : null,
  };
}
"""


def joined(recordings: list[list[Event]]) -> list[Event]:
    """Every recording end to end, as one: each shifted to start GAP_MS after
    the last event of the one before."""
    out: list[Event] = []
    cursor = 0
    for events in recordings:
        stamps = [millis(e["timestamp"]) for e in events]
        if not stamps:
            continue
        shift = (cursor - min(stamps)) if out else 0
        out += [{**e, "timestamp": t + shift} for e, t in zip(events, stamps, strict=True)]
        cursor = max(stamps) + shift + GAP_MS
    return out


def millis(timestamp: int | float) -> int | float:
    return timestamp * 1000 if timestamp < SECONDS_BELOW else timestamp


def settle(pid: int, quiet_ms: float = 50, seconds: float = 120) -> None:
    """Wait until the server is idle (under quiet_ms of CPU in 1 s): compaction
    and the processors have done with what was recorded."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = cpu_seconds(pid, None)["server"]
        time.sleep(1)
        if (cpu_seconds(pid, None)["server"] - before) * 1000 < quiet_ms:
            return
    print(f"# the server was still busy after {seconds:.0f} s; measuring anyway", flush=True)


def first_frame(
    browser: Any, state: dict[str, Any], url: str, timeout: float
) -> dict[str, float] | None:
    """Milliseconds from navigation start to the player's first rendered frame
    (``frame``), the poster's (``poster``) and the other MARKS the page got
    to before it, or None."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, storage_state=state)
    context.add_init_script(PROBE)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        origin = float(page.evaluate("performance.timeOrigin"))
        poster: dict[str, float] | None = None
        marks: dict[str, Any] = {}
        deadline = time.monotonic() + timeout
        # Polled from here, not awaited in the page: the poster's document is
        # readable only from outside, and only until the player takes it down.
        while marks.get("frame") is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no player frame in {timeout:.0f} s")
            if poster is None:
                poster = poster_paint(page, origin)
            marks = page.evaluate("window.__replayMarks || {}")
            if marks.get("frame") is None:
                page.wait_for_timeout(POLL_MS)
        found = {name: float(marks[name]) for name in MARKS if marks.get(name) is not None}
        if poster is not None:
            found.update(poster)
            # Drawn, but not seen before poster.js made its box visible.
            found["poster"] = max(poster["poster"], found.get("fitted", 0.0))
        return found
    except Exception as error:  # a timeout, a page that broke: say so, go on
        status = ""
        with contextlib.suppress(Exception):
            status = page.evaluate(
                "() => (document.getElementById('session-replay-status') || {}).textContent || ''"
            )
        reason = str(error).splitlines()[0]
        print(
            f"# no rendered frame within {timeout:.0f} s at {url}: {reason}"
            + (f" (status line: {status.strip()!r})" if status.strip() else ""),
            flush=True,
        )
        return None
    finally:
        context.close()


def first_paint(browser: Any, state: dict[str, Any], url: str, timeout: float) -> float:
    """Milliseconds from navigation start to a page's own first paint, in a
    fresh context as first_frame's."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, storage_state=state)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        script = "() => performance.getEntriesByName('first-paint').length > 0"
        page.wait_for_function(script, timeout=timeout * 1000)
        return float(page.evaluate("performance.getEntriesByName('first-paint')[0].startTime"))
    finally:
        context.close()


def poster_paint(page: Any, origin: float) -> dict[str, float] | None:
    """The poster document's first paint (``poster``), its HTML in
    (``poster_html``) and parsed (``poster_parsed``), in ms from the page's
    navigation start, once its body has content; None before (or without a
    poster)."""
    for frame in page.frames:
        if POSTER_PATH not in frame.url:
            continue
        try:
            seen = frame.evaluate(POSTER_PROBE)
        except Exception:  # not committed yet, or taken down meanwhile
            return None
        if seen["children"] and seen["paint"] is not None:
            shift = float(seen["origin"]) - origin
            marks = {
                name: float(seen[key]) + shift
                for name, key in (
                    ("poster", "paint"),
                    ("poster_asked", "asked"),
                    ("poster_html", "html"),
                    ("poster_parsed", "parsed"),
                )
                if seen.get(key) is not None
            }
            # The server's own durations (Server-Timing: read, html), not times.
            for part in str(seen.get("server") or "").split():
                name, _, value = part.partition("=")
                with contextlib.suppress(ValueError):
                    marks[f"poster_server_{name}"] = float(value)
            return marks
    return None


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def of(runs: list[dict[str, float]], mark: str) -> float:
    """The median of one mark over the runs that got to it."""
    return median([marks[mark] for marks in runs if mark in marks])


def corpus_recordings(corpus: Path) -> list[tuple[str, list[Event]]]:
    """Each recording of the corpus by name, then the joined session; empty
    without recordings."""
    recordings = [(path.stem, load(path)[1]) for path in sorted(corpus.glob("*.json"))]
    if recordings:
        recordings.append(("JOINED (all, end to end)", joined([e for _, e in recordings])))
    return recordings


def server_env() -> dict[str, str]:
    """The demo server's environment: bench/replay_settings.py, this checkout first."""
    paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {
        "DJANGO_SETTINGS_MODULE": "bench.replay_settings",
        "PYTHONPATH": os.pathsep.join([str(REPO), *paths]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help=f"directory of *.json (default {SHARED_CORPUS})")
    parser.add_argument("--runs", type=int, default=5, help="loads per session")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per page")
    args = parser.parse_args()
    corpus = Path(args.corpus) if args.corpus else SHARED_CORPUS
    recordings = corpus_recordings(corpus)
    if not recordings:
        print(f"bench.replay skipped: no *.json recordings in {corpus} (the shared corpus)")
        return

    from tests.browser import chromium, demo_server, login

    env = server_env()
    with (
        tempfile.TemporaryDirectory(prefix="session-replay-bench-replay-") as tmp,
        demo_server(Path(tmp), env) as server,
    ):
        url = f"ws://127.0.0.1:{server.port}{PATH}"
        sessions: list[str] = []
        started = time.monotonic()
        for number, (_, events) in enumerate(recordings):
            sessions.append(asyncio.run(send(url, f"bench-replay-{number}", events)))
        print(
            f"# {len(recordings)} sessions recorded through the door in"
            f" {time.monotonic() - started:.1f} s",
            flush=True,
        )
        assert server.process is not None
        settle(server.process.pid)
        with chromium() as browser:
            context = browser.new_context()
            page = context.new_page()
            login(page, server)
            state = context.storage_state()
            context.close()
            base = f"{server.url}/admin/django_session_replay/replaysession"
            urls = [f"{base}/{sid}/replay/" for sid in sessions]
            first_frame(browser, state, urls[0], args.timeout)  # warm-up: imports, caches
            reference = [
                first_paint(browser, state, f"{server.url}{REFERENCE}", args.timeout)
                for _ in range(args.runs + 1)
            ][1:]
            runs: list[list[dict[str, float]]] = [[] for _ in urls]
            timeouts = 0
            for _ in range(args.runs):
                for number, page_url in enumerate(urls):
                    marks = first_frame(browser, state, page_url, args.timeout)
                    if marks is None:
                        timeouts += 1
                    else:
                        runs[number].append(marks)
        stored = dict(
            server.query("SELECT id, byte_count FROM django_session_replay_replaysession")
        )

    for marks in (m for session in runs for m in session):
        # The first frame the user sees: the poster's, unless the player was first.
        marks["seen"] = min(marks["frame"], marks.get("poster", marks["frame"]))
    print(
        f"{'session':<58} {'events':>6} {'msgpack':>10} {'seen':>5} {'poster':>6}"
        f" {'player':>6} {'page':>5} {'html':>5} {'dcl':>5} {'events':>6} {'p_html':>6}"
        f" {'p_dom':>5} {'fitted':>6} {'p_ask':>5} {'p_read':>6} {'p_ren':>5}"
        "  runs_ms (seen/player)"
    )
    for (name, events), sid, marks in zip(recordings, sessions, runs, strict=True):
        size = stored.get(sid.replace("-", ""), sum(len(msgpack.packb(e)) for e in events))
        shown = " ".join(f"{m['seen']:.0f}/{m['frame']:.0f}" for m in marks) or "-"
        seen, poster, player, page, html, dcl, answered, p_html, p_dom, fitted, asked, read, ren = (
            of(marks, mark)
            for mark in (
                "seen", "poster", "frame", "page", "html", "dcl", "events",
                "poster_html", "poster_parsed", "fitted",
                "poster_asked", "poster_server_read", "poster_server_html",
            )
        )  # fmt: skip
        print(
            f"{name[:58]:<58} {len(events):>6} {size:>10} {seen:>5.0f} {poster:>6.0f}"
            f" {player:>6.0f} {page:>5.0f} {html:>5.0f} {dcl:>5.0f} {answered:>6.0f} {p_html:>6.0f}"
            f" {p_dom:>5.0f} {fitted:>6.0f} {asked:>5.0f} {read:>6.0f} {ren:>5.0f}  {shown}"
        )
    missing = sum(1 for session in runs for m in session if "poster" not in m)
    totals = [
        summary(runs, "frame", "player", args.runs, timeouts, 0),
        summary(runs, "poster", "poster", args.runs, timeouts, missing),
        summary(runs, "seen", "seen", args.runs, timeouts, 0),
    ]
    pages = [m["page"] for session in runs for m in session if "page" in m]
    print(
        f"REFERENCE page={REFERENCE} first_paint_median_ms={median(reference):.0f}"
        f" replay_page_first_paint_median_ms={median(pages):.0f} runs={len(reference)}"
    )
    for line in totals:
        print(line)


def summary(
    runs: list[list[dict[str, float]]],
    mark: str,
    label: str,
    count: int,
    timeouts: int,
    missing: int,
) -> str:
    """The overall and joined medians of one mark against the targets; its
    TOTAL line last."""
    times = [[m[mark] for m in marks if mark in m] for marks in runs]
    singles = [ms for frames in times[:-1] for ms in frames]
    overall = median(singles)
    per_recording = median([median(frames) for frames in times[:-1] if frames])
    joined_ms = median(times[-1])
    ratio = joined_ms / overall
    return "\n".join(
        [
            f"{label}: overall median {overall:.0f} ms over {len(singles)} runs (median of the"
            f" recordings' medians {per_recording:.0f} ms); target <= {TARGET_MEDIAN_MS:.0f}"
            f" ms: {'met' if overall <= TARGET_MEDIAN_MS else 'NOT met'}",
            f"{label}: joined {joined_ms:.0f} ms = {ratio:.2f} x the median; target <="
            f" {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'NOT met'}",
            f"TOTAL frame={label} median_ms={overall:.0f} joined_ms={joined_ms:.0f}"
            f" ratio={ratio:.2f} target_median_ms={TARGET_MEDIAN_MS:.0f}"
            f" target_ratio={TARGET_RATIO} runs={count} timeouts={timeouts} missing={missing}",
        ]
    )


if __name__ == "__main__":
    main()
