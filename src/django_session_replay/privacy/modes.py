"""Privacy modes: what the recorder masks before anything leaves the page.

- ``strict``: every input, all page text and all media (images, video, audio,
  canvas, embeds: blocked, replayed as empty boxes of their size), as Sentry.
- ``balanced`` (the default): every input; in page text, digits, e-mail
  addresses and whatever ``MASK_TEXT_PATTERNS`` matches; media kept.
- ``relaxed``: every input only.

In every mode a masked value never keeps its length (an input becomes a
fixed run of asterisks, a masked word ``***``), password fields are always
masked and hidden inputs never leave the page. The recorder applies the
mode (frontend/src/masking.js); this module renders what it needs.
"""

from __future__ import annotations

from typing import Any

from django_session_replay.conf import conf

MODES = ("strict", "balanced", "relaxed")
# Text rendered with the session_replay_mask template filter: masked whole in
# every mode (a username typed into a masked input, echoed by the next page).
MASK_CLASS = "session-replay-mask"
# Replayed as a box of the element's size (rrweb's block), never fetched.
MEDIA = "img, picture, video, audio, canvas, svg image, object, embed"
# In balanced mode, besides MASK_TEXT_PATTERNS. JavaScript RegExp syntax, no flags.
DIGITS = r"\d+"
EMAIL = r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}"


def mode_config(mode: str | None) -> dict[str, Any]:
    """The recorder's ``privacy`` key: the mode and, for balanced, its patterns
    (e-mail first, so an address is masked whole before its digits are)."""
    chosen = mode if mode in MODES else conf.PRIVACY_MODE
    config: dict[str, Any] = {"mode": chosen, "patterns": []}
    if chosen == "balanced":
        config["patterns"] = [EMAIL, DIGITS, *conf.MASK_TEXT_PATTERNS]
    if chosen == "strict":
        config["blockMedia"] = MEDIA
    return config
