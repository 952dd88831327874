"""Text that never leaves the page, nor is stored by the server: e-mail
addresses, card numbers (those that pass the Luhn check), bearer tokens and
whatever ``SCRUB_PATTERNS`` adds, in console text and network URLs and bodies.

The recorder applies them (it receives ``SCRUB_PATTERNS`` as ``scrubPatterns``,
built-in names as they are); the server applies them again to the text it
copies into the timeline, so an older or foreign client cannot store that
text there either. Replacements are the
recorder's: ``[email]``, ``[card]``, ``Bearer [token]``, ``[redacted]``.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from django_session_replay.conf import conf

# The recorder's built-ins (frontend/src/scrub.js), each with its replacement:
# digit runs count as card numbers only when they pass the Luhn check.
EMAIL_TEXT = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.ASCII)  # scrub.js's
# EMAIL_TEXT tries every start in a run of word characters (3.7 ms on 1,000 of
# them): scrub_emails finds its matches from each @ instead, in one pass.
LOCAL = frozenset(string.ascii_letters + string.digits + "_.+%-")
DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.ASCII)
CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b", re.ASCII)
BEARER = re.compile(r"\b(Bearer\s+)[\w.~+/=-]+", re.IGNORECASE | re.ASCII)
BUILTINS = ("email", "card", "bearer")
REPLACEMENT = "[redacted]"
# Always "[redacted]" in recorded network headers, whatever the settings say.
REDACTED_HEADERS = (
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
    "x-api-key",
    "x-csrftoken",
    "x-csrf-token",
    "x-xsrf-token",
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
)


def sources() -> list[str]:
    """What the recorder is told (``scrubPatterns``): built-in names and the
    regular expressions of ``SCRUB_PATTERNS``."""
    return conf.SCRUB_PATTERNS


def redacted_headers() -> list[str]:
    names = [*REDACTED_HEADERS, *(name.lower() for name in conf.NETWORK_REDACT_HEADERS)]
    return list(dict.fromkeys(names))


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns if pattern not in BUILTINS)


def _card(match: re.Match[str]) -> str:
    return "[card]" if luhn(re.sub(r"\D", "", match.group())) else match.group()


def scrub_emails(text: str) -> str:
    """``text`` with EMAIL_TEXT's matches (leftmost first) replaced by [email]:
    each @ looks back over its own run of address characters only, and the
    domain is matched from it (frontend/src/scrub.js does the same)."""
    out: list[str] = []
    pos = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > pos and text[start - 1] in LOCAL:
            start -= 1
        domain = DOMAIN.match(text, at + 1) if start < at else None
        if domain:
            out += (text[pos:start], "[email]")
            pos = domain.end()
            at = text.find("@", pos)
        else:
            at = text.find("@", at + 1)
    return "".join(out) + text[pos:] if out else text


def scrub_text(text: str) -> str:
    """``text`` as the recorder would have sent it: the built-ins named in
    ``SCRUB_PATTERNS`` and its own patterns replaced."""
    named = conf.SCRUB_PATTERNS
    if "email" in named:
        text = scrub_emails(text)
    if "card" in named:
        text = CARD.sub(_card, text)
    if "bearer" in named:
        text = BEARER.sub(r"\1[token]", text)
    for pattern in _compiled(tuple(named)):
        text = pattern.sub(REPLACEMENT, text)
    return text
