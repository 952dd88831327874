"""Form fields Django already knows are sensitive, as a selector the recorder masks.

Three sources: the fields a view names with Django's ``sensitive_post_parameters``
(``request.sensitive_post_parameters``, set before the view renders its form, on
GET as on POST; ``"__ALL__"`` for every field), the names in
``SESSION_REPLAY["MASK_FIELDS"]``, and any widget rendered with the
``data-session-replay-mask`` attribute. Password inputs are masked whatever this
says. With ``MASK_ALL_INPUTS`` on (the default) every input is masked already;
with it off, the recorder blocks these fields (replayed as empty boxes), so
their values still never leave the browser.
"""

from __future__ import annotations

from typing import Any

from django_session_replay.conf import conf

WIDGET_ATTRIBUTE = "data-session-replay-mask"
ALL_FIELDS = "input:not([type=hidden i]), textarea, select"


def _quoted(name: str) -> str:
    """A CSS string for an attribute selector (names may hold any character)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def sensitive_selector(request: Any) -> str:
    """The CSS selector of the sensitive fields on the page this request renders."""
    names = set(conf.MASK_FIELDS)
    declared = getattr(request, "sensitive_post_parameters", None)
    if declared == "__ALL__":
        return f"{ALL_FIELDS}, [{WIDGET_ATTRIBUTE}]"
    if isinstance(declared, list | tuple):
        names.update(str(name) for name in declared)
    selectors = [f"[name={_quoted(name)}]" for name in sorted(names)]
    return ", ".join([*selectors, f"[{WIDGET_ATTRIBUTE}]"])
