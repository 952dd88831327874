"""``{% session_replay_recorder %}``: the recorder's script and its configuration."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

from django_session_replay.conf import conf
from django_session_replay.privacy.fields import sensitive_selector
from django_session_replay.privacy.modes import MASK_CLASS
from django_session_replay.privacy.optout import opt_out
from django_session_replay.recorder import recorder_config

register = template.Library()


@register.simple_tag(takes_context=True)
def session_replay_recorder(
    context: template.Context,
    *,
    sample_rate: float | str | None = None,
    autostart: bool | None = None,
    mask_text_selector: str | None = None,
    block_selector: str | None = None,
    record_canvas: bool | None = None,
    record_cross_origin_iframes: bool | None = None,
    privacy: str | None = None,
    record_console: bool | None = None,
    record_errors: bool | None = None,
    record_network: bool | None = None,
    record_performance: bool | None = None,
    record_interactions: bool | None = None,
) -> str:
    if not conf.ENABLED:
        return ""
    config = recorder_config(
        sample_rate=conf.SAMPLE_RATE if sample_rate is None else sample_rate,
        autostart=conf.AUTOSTART if autostart is None else autostart,
        mask_text_selector=mask_text_selector or conf.MASK_TEXT_SELECTOR,
        block_selector=block_selector or conf.BLOCK_SELECTOR,
        record_canvas=conf.RECORD_CANVAS if record_canvas is None else record_canvas,
        record_cross_origin_iframes=(
            conf.RECORD_CROSS_ORIGIN_IFRAMES
            if record_cross_origin_iframes is None
            else record_cross_origin_iframes
        ),
        privacy=privacy,  # "strict", "balanced" or "relaxed"; anything else: the setting
        # None: the RECORD_* setting of the same name
        record_console=record_console,
        record_errors=record_errors,
        record_network=record_network,
        record_performance=record_performance,
        record_interactions=record_interactions,
    )
    # Fields Django knows are sensitive (sensitive_post_parameters, MASK_FIELDS,
    # the widget attribute): masked, or blocked when MASK_ALL_INPUTS is off.
    config["sensitiveSelector"] = sensitive_selector(context.get("request"))
    # The loader (recorder.js) fetches the rest after the page's load event;
    # rendered here so hashed static names (ManifestStaticFilesStorage) hold.
    config["main"] = static("django_session_replay/recorder-main.js")
    refused = opt_out(context.get("request"))
    if refused:  # the recorder then keeps an inert API and writes nothing
        config["optOut"] = refused
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


@register.filter(name="session_replay_mask")
def session_replay_mask(value: object) -> SafeString:
    """``{{ form.cleaned_data.username|session_replay_mask }}``: text a view renders
    from what a visitor typed (masked in its input) stays masked on the next page."""
    return format_html('<span class="{}">{}</span>', MASK_CLASS, value)
