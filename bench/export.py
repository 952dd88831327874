"""Size of a session's export (``GET …/sessions/{id}/export.html``) against
what the session takes in storage.

    python -m bench.export [CORPUS_DIR]

Serves the example project as bench.replay does (daphne ``runserver``,
temporary SQLite, bench/replay_settings.py), records each recording of the
corpus (default ``../shared/corpus``; the bench says so and stops if it is
absent) through the WebSocket door, then the joined session (every recording
end to end, bench.replay.corpus_recordings), waits for the server to be idle, compacts
every batch into chunks (``manage.py session_replay_compact --all``, as once
the sessions have ended) and downloads each session's export as staff
(Chromium logs in; the download goes through the same cookies). Prints, per session, the
events' msgpack bytes (``byte_count``), the compressed chunks in storage (the
sum of ``Chunk.stored_bytes``), the export's bytes and the export gzipped
(``gzip -6``, what a web server or a mail attachment would make of it), with
the export's ratio to each, then a ``TOTAL`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import tempfile
import time
from pathlib import Path

from bench.common import SHARED_CORPUS
from bench.ingest import PATH
from bench.replay import corpus_recordings, server_env, settle
from bench.storage import send


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help=f"directory of *.json (default {SHARED_CORPUS})")
    args = parser.parse_args()
    corpus = Path(args.corpus) if args.corpus else SHARED_CORPUS
    recordings = corpus_recordings(corpus)
    if not recordings:
        print(f"bench.export skipped: no *.json recordings in {corpus} (the shared corpus)")
        return

    from tests.browser import chromium, demo_server, login

    env = server_env()
    rows: list[tuple[str, int, int, int, int, int, float]] = []
    with (
        tempfile.TemporaryDirectory(prefix="session-replay-bench-export-") as tmp,
        demo_server(Path(tmp), env) as server,
    ):
        url = f"ws://127.0.0.1:{server.port}{PATH}"
        sessions = [
            asyncio.run(send(url, f"bench-export-{number}", events))
            for number, (_, events) in enumerate(recordings)
        ]
        assert server.process is not None
        settle(server.process.pid)
        # Every batch in a chunk, as once the sessions have ended.
        server.manage("session_replay_compact", "--all")
        stored = dict(
            server.query(
                "SELECT session_id, SUM(stored_bytes) FROM django_session_replay_chunk"
                " GROUP BY session_id"
            )
        )
        recorded = dict(
            server.query("SELECT id, byte_count FROM django_session_replay_replaysession")
        )
        with chromium() as browser:
            context = browser.new_context()
            login(context.new_page(), server)
            for (name, events), sid in zip(recordings, sessions, strict=True):
                started = time.perf_counter()
                answer = context.request.get(
                    f"{server.url}/session-replay/api/sessions/{sid}/export.html", timeout=120_000
                )
                seconds = time.perf_counter() - started
                if answer.status != 200:
                    raise SystemExit(f"{name}: the export answered {answer.status}")
                body = answer.body()
                key = sid.replace("-", "")
                rows.append(
                    (
                        name,
                        len(events),
                        int(recorded.get(key, 0)),
                        int(stored.get(key, 0)),
                        len(body),
                        len(gzip.compress(body, 6)),
                        seconds,
                    )
                )
            context.close()

    print(
        f"{'session':<58} {'events':>6} {'msgpack':>10} {'stored':>9} {'export':>10}"
        f" {'export.gz':>9} {'÷stored':>7} {'÷msgpack':>8} {'gz÷stored':>9} {'s':>5}"
    )
    for name, count, packed, chunks, size, zipped, seconds in rows:
        print(
            f"{name[:58]:<58} {count:>6} {packed:>10} {chunks:>9} {size:>10} {zipped:>9}"
            f" {size / chunks:>7.1f} {size / packed:>8.2f} {zipped / chunks:>9.2f} {seconds:>5.2f}"
        )
    singles = rows[:-1]
    size = sum(r[4] for r in singles)
    chunks = sum(r[3] for r in singles)
    packed = sum(r[2] for r in singles)
    zipped = sum(r[5] for r in singles)
    print(
        f"TOTAL sessions={len(singles)} export_bytes={size} stored_bytes={chunks}"
        f" msgpack_bytes={packed} export_gz_bytes={zipped} export_over_stored={size / chunks:.1f}"
        f" export_over_msgpack={size / packed:.2f} gz_over_stored={zipped / chunks:.2f}"
    )


if __name__ == "__main__":
    main()
