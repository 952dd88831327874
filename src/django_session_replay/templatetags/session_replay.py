"""``{% session_replay_recorder %}``: the recorder's script and its configuration."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

from django_session_replay import protocol
from django_session_replay.conf import conf

register = template.Library()


@register.simple_tag(takes_context=True)
def session_replay_recorder(
    context: template.Context,
    *,
    sample_rate: float | None = None,
    autostart: bool | None = None,
    mask_text_selector: str | None = None,
    block_selector: str | None = None,
) -> str:
    if not conf.ENABLED:
        return ""
    config = recorder_config(
        sample_rate=conf.SAMPLE_RATE if sample_rate is None else sample_rate,
        autostart=conf.AUTOSTART if autostart is None else autostart,
        mask_text_selector=mask_text_selector or conf.MASK_TEXT_SELECTOR,
        block_selector=block_selector or conf.BLOCK_SELECTOR,
    )
    nonce = context.get("csp_nonce") or getattr(context.get("request"), "csp_nonce", None)
    script = format_html(
        '<script src="{}" defer{}></script>',
        static("django_session_replay/recorder.js"),
        format_html(' nonce="{}"', nonce) if nonce else "",
    )
    data = json_script(config, "session-replay-config")
    if nonce:  # json_script has no nonce argument; inert JSON needs none, but strict CSPs log it
        data = SafeString(data.replace("<script ", f'<script nonce="{nonce}" ', 1))
    return format_html("{}{}", data, script)


def recorder_config(
    *,
    sample_rate: float,
    autostart: bool,
    mask_text_selector: str | None,
    block_selector: str | None,
) -> dict[str, Any]:
    return {
        "v": protocol.VERSION,
        "ws": conf.WEBSOCKET_PATH,
        "ingest": conf.INGEST_URL or reverse("session_replay:ingest"),
        "key": conf.SITE_KEY,
        "autostart": autostart,
        "sampleRate": max(0.0, min(1.0, float(sample_rate))),
        "maskAllInputs": conf.MASK_ALL_INPUTS,
        "maskTextSelector": mask_text_selector,
        "blockSelector": block_selector,
        "flushIntervalMs": conf.FLUSH_INTERVAL_MS,
        "flushBytes": conf.FLUSH_BYTES,
        "maxFrameBytes": conf.MAX_FRAME_BYTES,
        "maxBufferBytes": conf.MAX_BUFFER_BYTES,
        "idleTimeoutMs": conf.IDLE_TIMEOUT * 1000,
        "maxDurationMs": conf.MAX_DURATION * 1000,
        "checkoutEveryNms": conf.CHECKOUT_EVERY_MS,
    }
