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
to its first rendered frame: the first animation frame at which the player's
replay iframe (``#session-replay-player .replayer-wrapper iframe``, the only
thing of the page this bench knows) holds a document whose body (or, without
one, root element) has child nodes, ``performance.now()`` in the page. A page
that shows none within S seconds (default 30) is reported and left out.

Prints the runs and median per recording, the overall median (of every run of
every recording), the joined session's median and joined/median, against the
targets of issue 13 (median <= 250 ms, joined <= 1.3 x the median). Last line:
``TOTAL median_ms= joined_ms= ratio= target_median_ms=250 target_ratio=1.3
runs= timeouts=``.
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
    if (rendered()) {
      const nav = performance.getEntriesByType('navigation')[0];
      marks.html = nav ? nav.responseEnd : undefined;
      marks.dcl = nav && nav.domContentLoadedEventEnd ? nav.domContentLoadedEventEnd : undefined;
      marks.frame = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
""".replace("__FRAME__", json.dumps(FRAME))
MARKS = ("frame", "html", "dcl", "events")  # what PROBE notes, in ms from navigation start


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
    """Milliseconds from navigation start to the first rendered frame (``frame``)
    and to the other MARKS the page got to before it, or None."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, storage_state=state)
    context.add_init_script(PROBE)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        page.wait_for_function(
            "() => window.__replayMarks && window.__replayMarks.frame !== undefined",
            timeout=timeout * 1000,
            polling=100,
        )
        marks: dict[str, Any] = page.evaluate("window.__replayMarks")
        return {name: float(marks[name]) for name in MARKS if marks.get(name) is not None}
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


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def of(runs: list[dict[str, float]], mark: str) -> float:
    """The median of one mark over the runs that got to it."""
    return median([marks[mark] for marks in runs if mark in marks])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help=f"directory of *.json (default {SHARED_CORPUS})")
    parser.add_argument("--runs", type=int, default=5, help="loads per session")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per page")
    args = parser.parse_args()
    corpus = Path(args.corpus) if args.corpus else SHARED_CORPUS
    files = sorted(corpus.glob("*.json"))
    if not files:
        print(f"bench.replay skipped: no *.json recordings in {corpus} (the shared corpus)")
        return

    from tests.browser import chromium, demo_server, login

    recordings = [(path.stem, load(path)[1]) for path in files]
    recordings.append(("JOINED (all, end to end)", joined([events for _, events in recordings])))
    paths = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.replay_settings",
        "PYTHONPATH": os.pathsep.join([str(REPO), *paths]),
    }
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

    print(
        f"{'session':<58} {'events':>6} {'msgpack':>10} {'median_ms':>9}"
        f" {'html':>5} {'dcl':>5} {'events':>6}  runs_ms (first frame)"
    )
    for (name, events), sid, marks in zip(recordings, sessions, runs, strict=True):
        size = stored.get(sid.replace("-", ""), sum(len(msgpack.packb(e)) for e in events))
        shown = " ".join(f"{m['frame']:.0f}" for m in marks) or "-"
        html, dcl, answered = (of(marks, name) for name in ("html", "dcl", "events"))
        print(
            f"{name[:58]:<58} {len(events):>6} {size:>10} {of(marks, 'frame'):>9.0f}"
            f" {html:>5.0f} {dcl:>5.0f} {answered:>6.0f}  {shown}"
        )
    times = [[m["frame"] for m in marks] for marks in runs]
    singles = [ms for frames in times[:-1] for ms in frames]
    overall = median(singles)
    per_recording = median([median(frames) for frames in times[:-1] if frames])
    joined_ms = median(times[-1])
    ratio = joined_ms / overall
    print(
        f"overall median {overall:.0f} ms over {len(singles)} runs (median of the recordings'"
        f" medians {per_recording:.0f} ms); target <= {TARGET_MEDIAN_MS:.0f} ms:"
        f" {'met' if overall <= TARGET_MEDIAN_MS else 'NOT met'}"
    )
    print(
        f"joined {joined_ms:.0f} ms = {ratio:.2f} x the median; target <= {TARGET_RATIO}:"
        f" {'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(
        f"TOTAL median_ms={overall:.0f} joined_ms={joined_ms:.0f} ratio={ratio:.2f}"
        f" target_median_ms={TARGET_MEDIAN_MS:.0f} target_ratio={TARGET_RATIO}"
        f" runs={args.runs} timeouts={timeouts}"
    )


if __name__ == "__main__":
    main()
