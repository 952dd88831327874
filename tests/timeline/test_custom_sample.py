"""A custom event's data is kept as its first MAX_CUSTOM_DETAIL bytes of JSON;
the large ones are clipped before they are serialised (moments.clipped), and
what is kept must be exactly what serialising the whole value would keep."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from django_session_replay.privacy.patterns import scrub_text
from django_session_replay.timeline.moments import MAX_CUSTOM_DETAIL, sample, scrub_json


def whole_then_cut(value: Any) -> Any:
    """The rule, spelled the slow way: serialise all of it, then cut."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown.encode()) <= MAX_CUSTOM_DETAIL:
        return scrub_json(value)
    return scrub_text(shown.encode()[:MAX_CUSTOM_DETAIL].decode(errors="ignore"))


# Keys and text long enough, and escapes and wide characters enough, that the
# cut falls inside strings, keys, numbers and nested containers.
text = st.text(alphabet=st.sampled_from('ab"\\\n\x01é€😀 '), max_size=300)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=12)
        | st.dictionaries(text | st.integers().map(str), inner, max_size=12)
    ),
    max_leaves=80,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_a_clipped_sample_is_the_whole_values_sample(value: Any) -> None:
    assert sample(value) == whole_then_cut(value)


def test_a_megabyte_of_spans_keeps_its_first_kilobyte() -> None:
    spans = [
        {"op": "resource.script", "description": f"https://cdn/{n}.js" * 20} for n in range(5000)
    ]
    kept = sample(spans)
    assert kept == whole_then_cut(spans)
    assert isinstance(kept, str) and kept.startswith('[{"op": "resource.script"')
    assert len(kept.encode()) <= MAX_CUSTOM_DETAIL


def test_a_small_value_is_kept_as_itself() -> None:
    assert sample({"plan": "pro", "seats": [1, 2.5, None, True]}) == {
        "plan": "pro",
        "seats": [1, 2.5, None, True],
    }
