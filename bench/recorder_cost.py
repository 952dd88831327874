"""The recorder's main-thread cost on a long page, in Chromium.

    python -m bench.recorder_cost [--paragraphs N] [--runs R] [--no-worker] [--privacy MODE]

Serves the example project (daphne ``runserver``, temporary SQLite) and loads
its Manual page (``/manual/?paragraphs=N``: 30,000 paragraphs are 3.5 MB of
HTML and about 91,000 nodes) R times with the recorder and R times with
``recorder.js`` answered empty, each in a fresh browser context. Per load it
reads Chromium's own counters (CDP ``Performance.getMetrics``: ScriptDuration
and TaskDuration) once the recording has been acknowledged, and the longest
task (``PerformanceObserver`` long tasks). The recorder's cost is the
difference of the medians. ``--no-worker`` hides ``Worker`` from the page, so the
recorder encodes large snapshots on the main thread (its fallback where a CSP
forbids the worker); ``--privacy`` serves the demo in that privacy mode
(``balanced`` by default: every text node goes through the digit and e-mail
patterns). Last line: ``TOTAL nodes= html_bytes=
script_ms_with= script_ms_without= added_script_ms= longest_task_ms_with=
longest_task_ms_without=``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

from tests.browser import chromium, demo_server

OBSERVE = """
window.__longest = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
}).observe({ type: 'longtask', buffered: true });
"""


NO_WORKER = "delete window.Worker;"


def load(browser: Any, url: str, recorder: bool, worker: bool = True) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    if not worker:
        context.add_init_script(NO_WORKER)
    if not recorder:
        context.route("**/recorder.js", lambda route: route.fulfill(body="", status=200))
    page = context.new_page()
    page.add_init_script(OBSERVE)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    response = page.goto(url)
    assert response is not None
    if recorder:
        # Acknowledged: the snapshot went out (in parts) and came back as acks.
        page.wait_for_function(
            "() => window.SessionReplay && window.SessionReplay.sessionId", timeout=60_000
        )
        page.wait_for_function(
            "() => !Object.keys(sessionStorage).some((k) => k.startsWith('sr:b:'))",
            timeout=60_000,
        )
    page.wait_for_timeout(2500)  # a flush interval and the last compression
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    figures = {
        "script_ms": metrics["ScriptDuration"] * 1000,
        "task_ms": metrics["TaskDuration"] * 1000,
        "longest_ms": float(page.evaluate("window.__longest")),
        "nodes": float(
            page.evaluate(
                "document.getElementsByTagName('*').length + "
                "document.evaluate('count(//text())', document, null, 1, null).numberValue"
            )
        ),
        "html_bytes": float(len(response.body())),
    }
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-worker", action="store_true", help="no Worker on the page")
    parser.add_argument("--privacy", choices=["strict", "balanced", "relaxed"], default="balanced")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        demo_server(Path(tmp), {"DEMO_PRIVACY_MODE": args.privacy}) as server,
        chromium() as browser,
    ):
        url = f"{server.url}/manual/?paragraphs={args.paragraphs}"
        load(browser, url, True)  # warm-up: caches, JIT, the server's first request
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _ in range(args.runs):
            for recorder in (True, False):
                figures = load(browser, url, recorder, worker=not args.no_worker)
                runs[recorder].append(figures)
                label = "with" if recorder else "without"
                print(
                    f"{label:8} script_ms={figures['script_ms']:.0f} "
                    f"task_ms={figures['task_ms']:.0f} longest_task_ms={figures['longest_ms']:.0f}",
                    flush=True,
                )

    def median(recorder: bool, name: str) -> float:
        return statistics.median(f[name] for f in runs[recorder])

    first = runs[True][0]
    print(
        f"TOTAL privacy={args.privacy} worker={int(not args.no_worker)} "
        f"nodes={first['nodes']:.0f} "
        f"html_bytes={first['html_bytes']:.0f} "
        f"script_ms_with={median(True, 'script_ms'):.0f} "
        f"script_ms_without={median(False, 'script_ms'):.0f} "
        f"added_script_ms={median(True, 'script_ms') - median(False, 'script_ms'):.0f} "
        f"longest_task_ms_with={median(True, 'longest_ms'):.0f} "
        f"longest_task_ms_without={median(False, 'longest_ms'):.0f}"
    )


if __name__ == "__main__":
    main()
