"""The text of the demo's "manual" page: a long reference page of made-up
prose, generated (the same every time) to try recording a page of megabytes."""

from __future__ import annotations

import random
from dataclasses import dataclass

WORDS = [
    "session",
    "replay",
    "record",
    "frame",
    "batch",
    "snapshot",
    "mutation",
    "node",
    "storage",
    "chunk",
    "compaction",
    "cursor",
    "scroll",
    "click",
    "input",
    "mask",
    "privacy",
    "visitor",
    "window",
    "tab",
    "page",
    "server",
    "socket",
    "acknowledge",
    "durable",
    "offline",
    "network",
    "console",
    "error",
    "timeline",
    "viewport",
    "stylesheet",
    "element",
    "attribute",
    "checkout",
    "delivery",
    "protocol",
]
PER_SECTION = 50


@dataclass(frozen=True)
class Section:
    number: int
    paragraphs: list[str]


def manual(paragraphs: int) -> list[Section]:
    """``paragraphs`` paragraphs of about 100 characters, 50 to a section."""
    rng = random.Random(paragraphs)
    texts = [
        " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(paragraphs)
    ]
    return [
        Section(start // PER_SECTION + 1, texts[start : start + PER_SECTION])
        for start in range(0, paragraphs, PER_SECTION)
    ]
