"""A session's browser, OS and device type, parsed from its user agent once,
when the session starts, with ua-parser (uap-core's rules, kept up to date on
PyPI as ``ua-parser-builtins``).

The device type is our own small rule over what ua-parser finds, first match wins:

1. ``bot``: ua-parser's device family ``Spider``, or the text says bot,
   crawler, spider or slurp;
2. ``tablet``: an iPad, a device whose family or brand says tablet (or a
   Kindle), or Android without ``Mobile`` in the text (Android tablets leave
   it out, as Google asks them to);
3. ``mobile``: a phone OS (iOS, Android, Windows Phone, ...) or ``Mobile`` in the text;
4. ``desktop``: a desktop OS (Windows, macOS, Linux, ChromeOS, the BSDs);
5. ``other``: the rest (an empty or unknown user agent).

An iPad that asks for desktop sites (iPadOS's default) sends a Mac's user
agent and is counted as a desktop: nothing in the text tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ua_parser

MAX_NAME = 64  # the model's browser and os columns
BOT = re.compile(r"bot\b|crawl|spider|slurp", re.IGNORECASE)
PHONE_OS = frozenset(
    {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Firefox OS", "Symbian OS"}
)
DESKTOP_OS = ("Windows", "Mac OS X", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS")
DESKTOP_OS_ALSO = ("FreeBSD", "OpenBSD", "NetBSD", "Arch Linux", "Mint", "openSUSE")


@dataclass(frozen=True)
class Client:
    browser: str
    os: str
    device: str  # desktop, mobile, tablet, bot or other


@lru_cache(maxsize=1024)  # a site's visitors share few user agents
def parse(user_agent: str) -> Client:
    result = ua_parser.parse(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    os = result.os.family if result.os else ""
    return Client(browser[:MAX_NAME], os[:MAX_NAME], device_type(result))


def device_type(result: ua_parser.Result) -> str:
    text = result.string
    family = result.device.family if result.device else ""
    brand = (result.device.brand or "") if result.device else ""
    os = result.os.family if result.os else ""
    if family == "Spider" or BOT.search(text):
        return "bot"
    if (
        "iPad" in family
        or "tablet" in family.lower()
        or "tablet" in brand.lower()
        or "Kindle" in family
        or (os == "Android" and "Mobile" not in text)
    ):
        return "tablet"
    if os in PHONE_OS or "Mobile" in text:
        return "mobile"
    if os.startswith(DESKTOP_OS) or os.startswith(DESKTOP_OS_ALSO):
        return "desktop"
    return "other"
