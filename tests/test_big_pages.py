"""A page of megabytes, recorded by a real Chromium through daphne and replayed in
admin: its full snapshot and a 2 MB mutation travel as part frames and are
stored whole, exactly as the recorder sent them, with no gap."""

from __future__ import annotations

import json
import signal
import urllib.request
import zlib
from pathlib import Path
from typing import Any

import msgpack
import pytest

from tests.browser import CHROMIUM, chromium, demo_server, login, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}; tests/run installs it"
    ),
]

# Keeps a copy of every frame the recorder sends, for the test to read back.
CAPTURE = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  window.__closes = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (m) => {
        if (typeof m.data !== 'string' && new Uint8Array(m.data).length > 20) {
          window.__closes.push(Array.from(new Uint8Array(m.data)));  // error frames, welcome
        }
      });
      this.addEventListener('close', (e) => window.__closes.push(e.code));
    }
    send(data) {
      if (data instanceof Uint8Array) window.__frames.push(Array.from(data));
      super.send(data);
    }
  };
})();
"""

# About 2 MB of new paragraphs in one mutation, the last one marked.
MUTATE = """
() => {
  const box = document.createElement('div');
  let text = '';
  for (let i = 0; i < 18000; i++) {
    const p = document.createElement('p');
    p.textContent = 'added ' + i + ' ' + Math.random().toString(36).repeat(8);
    box.appendChild(p);
  }
  const last = document.createElement('p');
  last.id = 'mutation-end';
  last.textContent = 'The last added paragraph.';
  box.appendChild(last);
  document.getElementById('manual').appendChild(box);
  return document.getElementsByTagName('*').length;
}
"""


def sent_events(frames: list[list[int]]) -> dict[int, list[dict[str, Any]]]:
    """The batches the recorder sent, by seq, with part streams put back together."""
    batches: dict[int, list[dict[str, Any]]] = {}
    streams: dict[int, list[bytes]] = {}
    for raw in frames:
        frame = msgpack.unpackb(bytes(raw))
        if frame["t"] == "batch":
            z = frame.get("z")
            events = msgpack.unpackb(zlib.decompress(z, -15)) if z else frame["events"]
            batches[frame["seq"]] = events
        elif frame["t"] == "part":
            stream = streams.setdefault(frame["seq"], [])
            if frame["i"] == 0:
                stream.clear()
            stream.append(frame["z"])
            if len(stream) == frame["n"]:
                batches[frame["seq"]] = msgpack.unpackb(zlib.decompress(b"".join(stream), -15))
    return batches


def answers(page: Any) -> list[Any]:
    """The longer frames the recorder received (welcome, error) and its close codes."""
    return [
        c if isinstance(c, int) else msgpack.unpackb(bytes(c))
        for c in page.evaluate("window.__closes")
    ]


def part_count(frames: list[list[int]]) -> int:
    return sum(1 for raw in frames if msgpack.unpackb(bytes(raw))["t"] == "part")


def stored_events(url: str, cookie: str, session_id: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{url}/session-replay/api/sessions/{session_id}/events", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [json.loads(line) for line in response.read().splitlines() if line]


def replayed_manual(browser: Any, server: Any, session_id: str) -> tuple[Any, Any]:
    """Staff's replay page of the session and its player's frame, once the
    frame shows the Manual page's last paragraph."""
    staff = browser.new_page(viewport={"width": 1400, "height": 1000})
    login(staff, server)
    staff.goto(f"{server.url}/admin/django_session_replay/replaysession/{session_id}/replay/")
    frame = staff.frame_locator("#session-replay-player iframe")
    frame.locator("#manual-end").wait_for(timeout=60_000)
    return staff, frame


def key(event: dict[str, Any]) -> tuple[float, str]:
    return (event["timestamp"], json.dumps(event, sort_keys=True))


def test_a_page_of_megabytes_records_whole_and_replays_in_admin(tmp_path: Path) -> None:
    # Opened paused (DEMO_AUTOPLAY=0): the test plays it on itself.
    with demo_server(tmp_path, {"DEMO_AUTOPLAY": "0"}) as server, chromium() as browser:
        visitor = browser.new_page(viewport={"width": 1200, "height": 800})
        visitor.add_init_script(CAPTURE)
        response = visitor.goto(server.url + "/manual/?paragraphs=30000")
        assert response is not None
        html_bytes = len(response.body())
        nodes = visitor.evaluate("document.getElementsByTagName('*').length")
        text_nodes = visitor.evaluate(
            "document.evaluate('count(//text())', document, null, 1, null).numberValue"
        )
        assert html_bytes >= 3_000_000
        assert nodes + text_nodes >= 60_000
        visitor.wait_for_function("() => window.SessionReplay && window.SessionReplay.sessionId")
        session_id = visitor.evaluate("window.SessionReplay.sessionId")
        visitor.wait_for_timeout(500)
        visitor.evaluate(MUTATE)
        cookie = server.login_cookie()

        def delivered() -> bool:
            sent = sent_events(visitor.evaluate("window.__frames"))
            stored = stored_events(server.url, cookie, session_id)
            return len(sent) > 2 and len(stored) == sum(len(b) for b in sent.values())

        wait_until(delivered, timeout=90, what="every sent event stored")
        frames = visitor.evaluate("window.__frames")
        closes = answers(visitor)
        assert not [c for c in closes if isinstance(c, int) or c["t"] == "error"], closes
        sent = [event for _, batch in sorted(sent_events(frames).items()) for event in batch]
        stored = stored_events(server.url, cookie, session_id)
        assert sorted(stored, key=key) == sorted(sent, key=key)
        assert part_count(frames) >= 4  # the snapshot and the mutation went in parts
        assert not [e for e in stored if e["type"] == 5 and "gap" in e["data"].get("tag", "")]
        snapshot = max((e for e in stored if e["type"] == 2), key=lambda e: len(json.dumps(e)))
        assert len(json.dumps(snapshot)) > 3_000_000, "the full snapshot was stored as one event"
        mutation = max((e for e in stored if e["type"] == 3), key=lambda e: len(json.dumps(e)))
        assert len(json.dumps(mutation)) > 2_000_000, "the mutation was stored as one event"
        visitor.close()

        staff, frame = replayed_manual(browser, server, session_id)
        assert frame.locator("#manual-end").inner_text() == "The end of the manual."
        # Played on, the player reaches the mutation too.
        staff.get_by_role("button", name="Play", exact=True).click()
        frame.locator("#mutation-end").wait_for(state="attached", timeout=60_000)
        assert frame.locator("#mutation-end").inner_text() == "The last added paragraph."


# Lets the first part frame of a stream go, then holds back every later frame
# while window.__holdParts is set (the recorder believes they were sent), as a
# network that stalls between two parts.
HOLD_PARTS = """
(() => {
  const send = WebSocket.prototype.send;
  const PART = [0xa1, 0x74, 0xa4, 0x70, 0x61, 0x72, 0x74]; // "t": "part"
  const isPart = (d) => d instanceof Uint8Array && PART.every((b, i) => d[i + 1] === b);
  window.__holdParts = true;
  window.__partsSent = 0;
  WebSocket.prototype.send = function (data) {
    if (window.__holdParts && window.__partsSent > 0) return;
    if (isPart(data)) window.__partsSent++;
    return send.call(this, data);
  };
})();
"""


@pytest.mark.faults
def test_a_server_killed_between_the_parts_of_a_5_mb_snapshot(tmp_path: Path) -> None:
    with demo_server(tmp_path) as server, chromium() as browser:
        visitor = browser.new_page(viewport={"width": 1200, "height": 800})
        visitor.add_init_script(CAPTURE)
        visitor.add_init_script(HOLD_PARTS)
        visitor.goto(server.url + "/manual/?paragraphs=45000")
        visitor.wait_for_function("() => window.__partsSent > 0", timeout=60_000)
        visitor.wait_for_timeout(1000)  # the first part is read by the server
        server.kill(signal.SIGKILL)
        assert server.query(
            "SELECT count(*) FROM django_session_replay_batch WHERE event_count = 1 AND seq > 1"
        ) == [(0,)], "nothing of a batch in parts is stored before its last part"
        visitor.evaluate("window.__holdParts = false")
        server.start()
        session_id = visitor.evaluate("window.SessionReplay.sessionId")
        cookie = server.login_cookie()

        def snapshots() -> list[dict[str, Any]]:
            stored = stored_events(server.url, cookie, session_id)
            return [e for e in stored if e["type"] == 2]

        try:
            wait_until(lambda: len(snapshots()) > 0, timeout=90, what="the snapshot stored")
        except AssertionError as timed_out:
            raise AssertionError(f"{timed_out}; the server said {answers(visitor)}") from None
        visitor.wait_for_timeout(2000)  # anything re-sent twice would be in by now
        (snapshot,) = snapshots()
        assert len(json.dumps(snapshot)) > 5_000_000
        frames = visitor.evaluate("window.__frames")
        parts = [f for f in map(msgpack.unpackb, map(bytes, frames)) if f["t"] == "part"]
        assert parts and parts[0]["n"] >= 2, "the snapshot went in several parts"
        sent = sent_events(frames)
        assert [e for batch in sent.values() for e in batch if e["type"] == 2] == [snapshot]
        visitor.close()

        staff, frame = replayed_manual(browser, server, session_id)
