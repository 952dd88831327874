"""Page views: the recorder's ``session-replay-page`` custom events.

The recorder adds one at each page load and each single-page-app navigation
(docs/recording.md, "Page views"). Anything else in the payload is ignored; a
malformed one is skipped, never stored half-read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django_session_replay.privacy.patterns import scrub_text
from django_session_replay.privacy.scrub import scrub_url

TAG = "session-replay-page"
NAVS = frozenset({"load", "push", "replace", "pop", "hash"})
# Lengths as the hello frame's page fields (wire/frames.py) and the model's label.
MAX_URL = 4096
MAX_TITLE = 512


@dataclass(frozen=True)
class PageView:
    ts: int
    url: str
    title: str
    referrer: str
    nav: str

    @property
    def is_load(self) -> bool:
        return self.nav == "load"


def _text(value: Any, limit: int) -> str:
    return value[:limit].replace("\x00", "") if isinstance(value, str) else ""


def page_views(events: Iterable[dict[str, Any]]) -> Iterator[PageView]:
    for event in events:
        data = event.get("data")
        timestamp = event.get("timestamp")
        if not isinstance(data, dict) or data.get("tag") != TAG:
            continue
        payload = data.get("payload")
        if not isinstance(payload, dict) or payload.get("nav") not in NAVS:
            continue
        if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
            continue
        url = scrub_text(scrub_url(_text(payload.get("url"), MAX_URL)))
        if not url:
            continue
        yield PageView(
            ts=int(timestamp),
            url=url,
            title=scrub_text(_text(payload.get("title"), MAX_TITLE)),
            referrer=scrub_text(scrub_url(_text(payload.get("referrer"), MAX_URL))),
            nav=str(payload["nav"]),
        )
