"""Fault tolerance in a real browser: the delivery guarantee of docs/protocol.md
("every batch the recorder captured is stored exactly once") under server
crashes, a lost network, quick navigations and a second tab.

The page emits ``SessionReplay.track("tick", {"n": k})`` for k = 1..N while it
also mutates the DOM. The next tick number lives in the tab's sessionStorage,
written in the same task as the ``track`` call, so the count survives
navigations and every number is emitted exactly once; a second tab gets its own
range (tests/faults_harness.js is the page side). Afterwards the stored events
are read straight from the server's SQLite file and chunk files, and every tick
must be there exactly once, in order, in a single session. Each test prints its
numbers (run with -s).

Chunk objects are read from the demo's MEDIA_ROOT, or from the S3 server when the
full test stack (tox -e full) exported one; the first scenario records enough to
pass COMPACT_TAIL_BYTES, so the server writes one while it is being killed.
"""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import msgpack
import pytest
import zstandard

from tests import s3
from tests.browser import CHROMIUM, DemoServer, chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.faults,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

TICK_MS = 40  # one tick (and one DOM mutation) every 40 ms while a range is open
PAGES = ["/", "/products/", "/signup/"]
DELIVERY_TIMEOUT = 60  # seconds for the server to hold everything after emission stops
STABLE = 6  # seconds without progress (and nothing held in a tab) that end the wait early

# The page-side harness (tick emitter and socket log), run in every document of
# the context before the page's own scripts: tests/faults_harness.js.
HARNESS = Path(__file__).with_name("faults_harness.js")
EMITTER = f"window.__faultsTickMs = {TICK_MS};\n" + HARNESS.read_text()


# --- the server's store, read from its files ------------------------------------------


@dataclass
class Tick:
    window: str
    seq: int
    position: int
    n: int
    timestamp: float


@dataclass
class Store:
    sessions: int = 0
    raw_bytes: int = 0  # of the recorded events, as msgpack
    batches: int = 0
    chunks: int = 0
    orphan_files: int = 0
    gaps: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    seq_holes: dict[str, list[int]] = field(default_factory=dict)


def unpack_chunk(blob: bytes) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = msgpack.unpackb(
        zstandard.ZstdDecompressor().decompress(blob), raw=False
    )
    return events


def unpack_batch(payload: bytes) -> list[dict[str, Any]]:
    """A batch row's payload: raw deflate of msgpack, as the recorder sent it."""
    events: list[dict[str, Any]] = msgpack.unpackb(zlib.decompress(payload, -15), raw=False)
    return events


def read_store(server: DemoServer) -> Store:
    """Every stored event of the server: batches' payloads in SQLite, chunk files."""
    with closing(sqlite3.connect(server.db_path, timeout=20)) as db:
        sessions = db.execute(
            "SELECT COUNT(*), SUM(byte_count) FROM django_session_replay_replaysession"
        )
        session_count, raw_bytes = sessions.fetchone()
        batches = db.execute(
            "SELECT window, seq, payload FROM django_session_replay_batch"
        ).fetchall()
        chunks = db.execute(
            "SELECT window, seq_first, key FROM django_session_replay_chunk"
        ).fetchall()
    store = Store(
        sessions=session_count,
        raw_bytes=raw_bytes or 0,
        batches=len(batches),
        chunks=len(chunks),
    )
    parts = [(window, seq, unpack_batch(payload)) for window, seq, payload in batches if payload]
    parts += [
        (window, first, unpack_chunk(chunk_bytes(server, key))) for window, first, key in chunks
    ]
    store.orphan_files = len(set(chunk_files(server)) - {key for _, _, key in chunks})
    for window, seq, events in sorted(parts, key=lambda part: (part[0], part[1])):
        for position, event in enumerate(events):
            data = event.get("data") if event.get("type") == 5 else None
            if not isinstance(data, dict):
                continue
            if data.get("tag") == "tick":
                n = data["payload"]["n"]
                store.ticks.append(Tick(window, seq, position, n, event["timestamp"]))
            elif data.get("tag") == "session-replay-gap":
                store.gaps.append(data.get("payload") or {})
    seqs: dict[str, set[int]] = {}
    for window, seq, _ in batches:
        seqs.setdefault(window, set()).add(seq)
    for window, held in seqs.items():
        holes = sorted(set(range(1, max(held) + 1)) - held)
        if holes:
            store.seq_holes[window] = holes
    return store


def s3_endpoint(server: DemoServer) -> str | None:
    """Where the demo keeps its chunks when the full test stack exported an S3
    server (tox -e full), else None: they are files under its MEDIA_ROOT."""
    return server.env.get("S3_ENDPOINT_URL") or None


def chunk_bytes(server: DemoServer, key: str) -> bytes:
    endpoint = s3_endpoint(server)
    if endpoint is None:
        return (server.media / key).read_bytes()
    body = s3.client(endpoint).get_object(Bucket=server.env["S3_BUCKET"], Key=key)["Body"]
    data: bytes = body.read()
    return data


def chunk_files(server: DemoServer) -> list[str]:
    """Keys of the chunk objects of this server's sessions."""
    endpoint = s3_endpoint(server)
    if endpoint is None:
        paths = server.media.rglob("*.msgpack.zst")
        return [path.relative_to(server.media).as_posix() for path in paths]
    rows = read_rows(server, "SELECT id FROM django_session_replay_replaysession")
    sessions = {str(UUID(row[0])) for row in rows}
    keys = s3.list_keys(endpoint, server.env["S3_BUCKET"])
    return [key for key in keys if any(f"/{session}/" in key for session in sessions)]


def stored_tick_count(server: DemoServer) -> int:
    try:
        return len({tick.n for tick in read_store(server).ticks})
    except sqlite3.OperationalError:  # busy beyond the timeout: ask again later
        return -1


# --- the browser side ------------------------------------------------------------------


def tab_state(page: Any) -> dict[str, Any] | None:
    """The tab's tick counter and recorder buffer, or None while it navigates."""
    try:
        state: dict[str, Any] | None = page.evaluate(
            "() => window.__ticks ? window.__ticks.state() : null"
        )
        return state
    except Exception:  # the execution context went away with a navigation
        return None


def window_id(page: Any) -> str:
    state = tab_state(page)
    assert state is not None, "the tab is not on a recorded page"
    return str(state["win"])


def open_ticks(page: Any, first: int, last: int, pad: int = 0) -> None:
    page.wait_for_function("() => window.__ticks && window.SessionReplay")
    page.evaluate("(a) => window.__ticks.open(...a)", [first, last, pad])


def wait_for_ticks(page: Any, upto: int, timeout: float) -> None:
    """Until the tab has emitted every tick up to `upto` (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = tab_state(page)
        if state and state["next"] > upto:
            return
        time.sleep(0.2)
    raise AssertionError(f"the tab did not emit up to tick {upto}: {tab_state(page)}")


def wait_for_delivery(server: DemoServer, pages: list[Any], expected: int) -> str:
    """Until the server holds `expected` distinct ticks and no tab holds an
    unacknowledged batch; or until nothing has changed for STABLE seconds with
    no tab holding anything (then nothing more will come and the assertions
    tell what is missing); at most DELIVERY_TIMEOUT seconds."""
    started = time.monotonic()
    stable_since, last_count = started, -1
    while time.monotonic() - started < DELIVERY_TIMEOUT:
        states = [tab_state(page) for page in pages]
        idle = all(state is not None and state["held"] == 0 for state in states)
        count = stored_tick_count(server)
        if count != last_count or not idle:
            stable_since, last_count = time.monotonic(), count
        if idle and (count >= expected or time.monotonic() - stable_since > STABLE):
            # One more flush interval: whatever might still come would show up.
            time.sleep(2.5)
            outcome = "complete" if count >= expected else "stalled"
            return f"delivery {outcome} after {time.monotonic() - started:.1f}s"
        time.sleep(0.5)
    return f"delivery NOT complete after {DELIVERY_TIMEOUT}s: tabs {states}"


def socket_summary(page: Any) -> str:
    state = tab_state(page) or {"ws": []}
    opens = sum(1 for _, entry in state["ws"] if entry == "open")
    closes = Counter(entry.split()[1] for _, entry in state["ws"] if entry.startswith("close"))
    return f"sockets opened={opens} closes={dict(closes)}"


def beacon_count(server: DemoServer) -> int:
    return server.log.read_text(errors="replace").count("HTTP POST /session-replay/api/ingest")


def server_summary(server: DemoServer) -> str:
    """What daphne logged: recorder sockets, beacons (HTTP door), failures."""
    text = server.log.read_text(errors="replace")
    sockets = text.count("WebSocket CONNECT /ws/session-replay/")
    beacons = Counter(re.findall(r"HTTP POST /session-replay/api/ingest (\d+)", text))
    failures = text.count("Traceback")
    return f"server: sockets={sockets} beacons={dict(beacons)} tracebacks={failures}"


# --- the verdict -----------------------------------------------------------------------


def verify(
    name: str,
    server: DemoServer,
    generated: int,
    notes: list[str],
    windows: list[tuple[str, range]] | None = None,
) -> None:
    """Every tick 1..generated stored exactly once, increasing within its window,
    all in one session (and, given `windows`, each window holding exactly its
    tab's ticks); prints the numbers either way."""
    store = read_store(server)
    counts = Counter(tick.n for tick in store.ticks)
    expected = range(1, generated + 1)
    missing = [n for n in expected if not counts[n]]
    duplicates = {n: c for n, c in sorted(counts.items()) if c > 1}
    unexpected = sorted(n for n in counts if n not in expected)
    by_window: dict[str, list[Tick]] = {}
    for tick in store.ticks:
        by_window.setdefault(tick.window, []).append(tick)
    disorder = [
        (window[:8], a.n, b.n)
        for window, ticks in by_window.items()
        for a, b in zip(ticks, ticks[1:], strict=False)
        if b.n <= a.n
    ]
    print(
        f"\n[{name}] ticks generated={generated} stored={len(store.ticks)} "
        f"unique={len(counts)} missing={len(missing)} "
        f"duplicates={sum(duplicates.values()) - len(duplicates)} out-of-order={len(disorder)} "
        f"sessions={store.sessions} windows={len(by_window)} "
        f"bytes={store.raw_bytes / 1e6:.2f}MB batches={store.batches} "
        f"chunks={store.chunks} orphan-chunk-files={store.orphan_files} "
        f"gap-markers={len(store.gaps)}"
    )
    for note in [*notes, server_summary(server)]:
        print(f"  {note}")
    if missing:
        print(f"  missing ticks: {ranges(missing)}")
    for n in list(duplicates)[:10]:
        copies = [t for t in store.ticks if t.n == n]
        same = len({t.timestamp for t in copies}) == 1
        where = ", ".join(f"{t.window[:8]}#{t.seq}[{t.position}]" for t in copies)
        print(f"  duplicate tick {n}: {where} ({'one event' if same else 'emitted again'})")
    if disorder:
        print(f"  out of order (window, previous, next): {disorder[:10]}")
    if store.gaps:
        print(f"  gap markers: {store.gaps[:10]}")
    if store.seq_holes:
        print(f"  seq holes per window: {store.seq_holes}")
    for window, ticks in by_window.items() if windows else ():
        tabs = [i + 1 for i, (_, own) in enumerate(windows) if any(t.n in own for t in ticks)]
        print(f"  window {window[:8]}: {len(ticks)} ticks, emitted by tab(s) {tabs}")

    assert store.sessions == 1, f"{store.sessions} sessions recorded, expected one"
    assert not missing, f"{len(missing)} of {generated} ticks lost: {ranges(missing)}"
    assert not duplicates, f"ticks stored more than once: {duplicates}"
    assert not unexpected, f"ticks never emitted were stored: {unexpected[:20]}"
    assert not disorder, f"ticks out of order within a window: {disorder[:10]}"
    if windows is not None:
        ids = [window for window, _ in windows]
        assert len(set(ids)) == len(ids), f"tabs share a window id: {ids}"
        for window, own in windows:
            stored = [t.n for t in by_window.get(window, [])]
            assert stored == list(own), f"window {window} does not hold exactly its tab's ticks"


def ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans[:20])
    return text + (" ..." if len(spans) > 20 else "")


def read_page_count(server: DemoServer) -> int:
    rows = read_rows(server, "SELECT page_count FROM django_session_replay_replaysession")
    return sum(row[0] for row in rows)


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, copied for every test (migrate takes seconds)."""
    server = DemoServer(tmp_path_factory.mktemp("template"))
    server.prepare()
    return server.db_path


@contextmanager
def fresh_server(workdir: Path, template: Path) -> Iterator[DemoServer]:
    # The recorder's buffer outlasts the outages: a reconnect may wait out a
    # backoff of up to 30 s (transport.js), in which ~100 KB/s of ticks would
    # pass the default 2 MiB and be dropped by design (an overflow gap).
    server = DemoServer(workdir, {"DEMO_MAX_BUFFER_BYTES": str(8 * 1024 * 1024)})
    shutil.copy(template, server.db_path)
    server.start()
    try:
        yield server
    finally:
        server.kill(signal.SIGKILL)


@contextmanager
def recording(workdir: Path, template: Path) -> Iterator[tuple[DemoServer, Any]]:
    """A fresh server and a browser context whose pages all run the emitter."""
    with fresh_server(workdir, template) as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        context.add_init_script(EMITTER)
        try:
            yield server, context
        finally:
            context.close()


def recording_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
    return page


# --- killing the server at chosen moments ----------------------------------------------


def wait_for_a_send(page: Any) -> None:
    sent = page.evaluate("window.__sent")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and page.evaluate("window.__sent") == sent:
        time.sleep(0.002)


def frozen(server: DemoServer) -> Any:
    """The server process, stopped (SIGSTOP) outside of any write transaction."""
    process = server.process
    assert process is not None
    process.send_signal(signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while batch_count(server) < 0 and time.monotonic() < deadline:
        step(process)
    return process


def step(process: Any) -> None:
    """Lets a stopped server run for a fraction of a millisecond."""
    process.send_signal(signal.SIGCONT)
    time.sleep(0.0001)
    process.send_signal(signal.SIGSTOP)


def kill_with_a_batch_unread(page: Any, server: DemoServer) -> str:
    """The recorder sends a batch to a frozen server, which is then SIGKILLed:
    the batch never got stored."""
    frozen(server)
    wait_for_a_send(page)
    server.kill(signal.SIGKILL)
    return held_versus_stored(page, server)


def kill_between_commit_and_ack(page: Any, server: DemoServer) -> str:
    """The recorder sends a batch to a frozen server, which is let run a fraction
    of a millisecond at a time until the batch is committed, then SIGKILLed:
    the batch is stored, and its ack (usually) never left."""
    process = frozen(server)
    before = batch_count(server)
    wait_for_a_send(page)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and batch_count(server) <= before:
        step(process)
    server.kill(signal.SIGKILL)
    return held_versus_stored(page, server)


def batch_count(server: DemoServer) -> int:
    """Stored batches, or -1 while the (frozen) server holds the write lock."""
    try:
        with closing(sqlite3.connect(server.db_path, timeout=0.05)) as db:
            return int(db.execute("SELECT COUNT(*) FROM django_session_replay_batch").fetchone()[0])
    except sqlite3.OperationalError:
        return -1


def held_versus_stored(page: Any, server: DemoServer) -> str:
    state = tab_state(page) or {"heldSeqs": []}
    stored = {row[0] for row in read_rows(server, "SELECT seq FROM django_session_replay_batch")}
    held = set(state["heldSeqs"])
    return f"held {sorted(held)}: stored unacked {sorted(held & stored)}"


def read_rows(server: DemoServer, sql: str) -> list[Any]:
    with closing(sqlite3.connect(server.db_path, timeout=20)) as db:
        return db.execute(sql).fetchall()


def wait_for_welcome(page: Any, since_ms: float, timeout: float = 45) -> float:
    """Until the tab has a socket opened after `since_ms` that got an answer;
    returns when (ms since the epoch) that socket opened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = [(at, entry) for at, entry in (tab_state(page) or {"ws": []})["ws"] if at >= since_ms]
        entries = [entry for _, entry in log]
        if "open" in entries and "recv" in entries[entries.index("open") :]:
            return float(next(at for at, entry in log if entry == "open"))
        time.sleep(0.1)
    raise AssertionError("the recorder did not reconnect to the restarted server")


# --- the scenarios ---------------------------------------------------------------------


def test_server_killed_and_restarted_three_times(tmp_path: Path, template_db: Path) -> None:
    started = time.monotonic()
    with recording(tmp_path, template_db) as (server, context):
        page = recording_page(context, server.url + "/")
        # ~5 KB of DOM text per tick: the session passes COMPACT_TAIL_BYTES (2 MiB)
        # while recording, so the server also writes chunk files between the kills.
        open_ticks(page, 1, 1_000_000, pad=5000)
        kills, reconnects = [], []
        for i in range(3):
            time.sleep(2.5)  # recording and delivering
            if i == 0:  # a batch stored but not acknowledged
                kills.append(kill_between_commit_and_ack(page, server))
            elif i == 1:  # a batch sent, not stored
                kills.append(kill_with_a_batch_unread(page, server))
            else:  # at an arbitrary moment
                server.kill(signal.SIGKILL)
                kills.append(held_versus_stored(page, server))
            time.sleep(1.5)  # ticks keep coming, the recorder keeps retrying
            restarting = time.time() * 1000
            server.start()  # same port, same database
            up = time.time() * 1000
            reconnects.append(round((wait_for_welcome(page, restarting) - up) / 1000, 1))
        time.sleep(3)
        generated = page.evaluate("window.__ticks.stop()")
        delivery = wait_for_delivery(server, [page], generated)
        verify(
            "server SIGKILLed and restarted x3",
            server,
            generated,
            [
                f"at each kill: {kills}",
                f"recorder reconnected {reconnects}s after the server was up again; "
                f"{socket_summary(page)}",
                f"{delivery}, test took {time.monotonic() - started:.1f}s",
            ],
        )


def test_browser_offline_for_thirty_seconds(tmp_path: Path, template_db: Path) -> None:
    """Chromium's offline emulation stalls an open WebSocket instead of cutting
    it: frames sent meanwhile sit in the browser. Near the end of the offline
    window the visitor follows a link, which fails, so the page holding the
    stalled frames goes away. Its page-hide beacon does get out (the emulation
    does not hold back a keepalive request of a page being unloaded) but carries
    at most ~60 KB: ticks carry 400 random characters each, so most of the
    backlog can only come back from the recorder's sessionStorage copy, re-sent
    by the next page."""
    started = time.monotonic()
    with recording(tmp_path, template_db) as (server, context):
        page = recording_page(context, server.url + "/")
        open_ticks(page, 1, 1_000_000, pad=400)
        time.sleep(2)
        context.set_offline(True)
        offline_at = time.time() * 1000
        stored_before = batch_count(server)
        time.sleep(25)  # ticks keep coming over a stalled socket
        state = tab_state(page) or {"next": 0, "heldSeqs": []}
        before_link, held_before_link = state["next"] - 1, state["heldSeqs"]
        page.evaluate("(url) => window.__ticks.leave(url)", "/products/")
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            page.wait_for_url("**/products/")  # the tab shows the browser's error page
        time.sleep(5)
        beacons_offline = beacon_count(server)
        stored_offline = batch_count(server) - stored_before
        context.set_offline(False)
        online_at = time.time() * 1000
        page.goto(server.url + "/products/")
        page.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        time.sleep(3)  # ticks resume from the tab's counter
        generated = page.evaluate("window.__ticks.stop()")
        delivery = wait_for_delivery(server, [page], generated)
        log = (tab_state(page) or {"ws": []})["ws"]
        offline = [entry for at, entry in log if offline_at <= at < online_at]
        verify(
            "offline 30 s",
            server,
            generated,
            [
                f"ticks emitted before the link followed offline={before_link}; while offline "
                f"the socket logged {dict(Counter(offline))}"
                + ("" if any("close" in entry for entry in offline) else " (stalled, not cut)"),
                f"batches the tab held just before the link={len(held_before_link)}; "
                f"stored while offline (beacons: {beacons_offline})={stored_offline}",
                socket_summary(page),
                f"{delivery}, test took {time.monotonic() - started:.1f}s",
            ],
        )


def test_ten_quick_navigations_one_after_a_burst(tmp_path: Path, template_db: Path) -> None:
    started = time.monotonic()
    with recording(tmp_path, template_db) as (server, context):
        page = recording_page(context, server.url + "/")
        open_ticks(page, 1, 1_000_000)
        time.sleep(1)
        burst = 0
        for i in range(10):
            target = server.url + PAGES[(i + 1) % len(PAGES)]
            if i == 4:
                # 200 ticks in one task, then away before any flush or ack.
                burst = page.evaluate(
                    "([count, url]) => window.__ticks.burstThenLeave(count, url)", [200, target]
                )
                page.wait_for_url(target)
                page.wait_for_load_state()
            else:
                page.goto(target)
            time.sleep(0.3)
        time.sleep(2)
        generated = page.evaluate("window.__ticks.stop()")
        delivery = wait_for_delivery(server, [page], generated)
        pages = read_page_count(server)
        verify(
            "10 quick navigations, one right after a 200-tick burst",
            server,
            generated,
            [
                f"burst={burst} recorded page loads={pages}",
                socket_summary(page),
                f"{delivery}, test took {time.monotonic() - started:.1f}s",
            ],
        )
        assert burst == 200
        assert pages == 11


@pytest.mark.parametrize("opened_by", ["user", "window.open"])
def test_second_tab_joins_the_session(tmp_path: Path, template_db: Path, opened_by: str) -> None:
    """The visitor opens a second tab (same context: shared localStorage); it
    joins the session as a window of its own while the first tab goes on.
    `user`: a fresh tab. `window.open`: the page opens it, which (like
    <a target=_blank rel=opener> and "Duplicate tab") gives the new tab a copy
    of the opener's sessionStorage."""
    first_range = range(1, 401)  # 16 s of ticks in the first tab
    second_range = range(401, 701)  # 12 s in the second, while the first goes on
    started = time.monotonic()
    with recording(tmp_path, template_db) as (server, context):
        first = recording_page(context, server.url + "/")
        open_ticks(first, first_range[0], first_range[-1])
        time.sleep(3)
        if opened_by == "user":
            second = context.new_page()
            second.goto(server.url + "/products/")
        else:
            with context.expect_page() as opened:
                first.evaluate("() => window.__ticks.openWindow('/products/')")
            second = opened.value
        second.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        open_ticks(second, second_range[0], second_range[-1])
        time.sleep(4)
        second.goto(server.url + "/signup/")  # the second tab moves on mid-range
        wait_for_ticks(first, first_range[-1], timeout=40)
        wait_for_ticks(second, second_range[-1], timeout=40)
        delivery = wait_for_delivery(server, [first, second], second_range[-1])
        session_ids = {
            first.evaluate("window.SessionReplay.sessionId"),
            second.evaluate("window.SessionReplay.sessionId"),
        }
        first_window, second_window = window_id(first), window_id(second)
        verify(
            f"second tab joins (opened by {opened_by})",
            server,
            second_range[-1],
            [
                f"session ids seen by the tabs={len(session_ids)} window ids: first "
                f"{first_window[:8]} second {second_window[:8]}",
                f"first tab {socket_summary(first)}; second tab {socket_summary(second)}",
                f"{delivery}, test took {time.monotonic() - started:.1f}s",
            ],
            windows=[(first_window, first_range), (second_window, second_range)],
        )
        assert len(session_ids) == 1
