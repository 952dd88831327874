"""The poster's serializer of rrweb's node tree (poster/html.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from django_session_replay.poster.html import HEAD_EXTRA, to_html

ids = iter(range(1, 10**9))


def el(tag: str, attrs: dict[str, Any] | None = None, *kids: dict[str, Any], **extra: Any) -> dict:
    return {
        "type": 2,
        "tagName": tag,
        "attributes": attrs or {},
        "childNodes": list(kids),
        "id": next(ids),
        **extra,
    }


def txt(content: str, **extra: Any) -> dict:
    return {"type": 3, "textContent": content, "id": next(ids), **extra}


def doc(*body: dict[str, Any], head: list[dict[str, Any]] | None = None, doctype: bool = True):
    kids = [{"type": 1, "name": "html", "publicId": "", "systemId": "", "id": next(ids)}]
    html = el("html", {}, el("head", {}, *(head or [])), el("body", {}, *body))
    return {"type": 0, "childNodes": [*kids, html] if doctype else [html], "id": next(ids)}


class Tokens(HTMLParser):
    """What a browser's tokenizer would read, near enough: start tags with
    their attributes, and text (character references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def tokens(markup: str) -> Tokens:
    parser = Tokens()
    parser.feed(markup)
    parser.close()
    return parser


def body_of(*nodes: dict[str, Any]) -> str:
    markup = to_html(doc(*nodes))
    return markup.split("<body>", 1)[1].rsplit("</body>", 1)[0]


def test_a_document_with_its_doctype_and_the_replayers_rules_in_its_head() -> None:
    markup = to_html(doc(el("p", {"class": "a"}, txt("Hi"))))
    assert markup == (
        f'<!DOCTYPE html><html><head>{HEAD_EXTRA}</head><body><p class="a">Hi</p></body></html>'
    )


def test_without_a_doctype_the_page_stays_in_quirks_mode_and_gets_the_rules_first() -> None:
    node = {"type": 0, "childNodes": [el("html", {}, el("body", {}, txt("x")))]}
    assert to_html(node) == f"{HEAD_EXTRA}<html><body>x</body></html>"


def test_a_public_doctype_is_kept_without_what_would_end_it() -> None:
    node = {
        "type": 0,
        "childNodes": [
            {"type": 1, "name": "html", "publicId": '-//W3C//DTD "x">', "systemId": "http://s"}
        ],
    }
    assert to_html(node).startswith('<!DOCTYPE html PUBLIC "-//W3C//DTD x" "http://s">')


def test_text_and_attributes_are_escaped() -> None:
    markup = body_of(el("p", {"title": '"><script>alert(1)</script>'}, txt("<b>&amp;</b>")))
    assert markup == (
        '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "&lt;b&gt;&amp;amp;&lt;/b&gt;</p>"
    )


def test_scripts_noscript_base_meta_and_embedded_objects_are_left_out() -> None:
    markup = to_html(
        doc(
            el("script", {"src": "https://evil.example/x.js"}, txt("alert(1)")),
            el("noscript", {}, txt("<img src=x>")),
            el("object", {"data": "x.swf"}),
            el("embed", {"src": "x.swf"}),
            el("svg", {}, el("script", {}, txt("alert(2)"), isSVG=True), isSVG=True),
            el("p", {}, txt("kept")),
            head=[
                el("meta", {"http-equiv": "refresh", "content": "0;url=https://evil.example"}),
                el("meta", {"http-equiv": "Content-Security-Policy", "content": "x"}),
                el("base", {"href": "https://evil.example/"}),
                el("link", {"rel": "preconnect", "href": "https://evil.example"}),
                el("link", {"rel": "prefetch", "href": "https://evil.example/x.js"}),
            ],
        )
    )
    lowered = markup.replace(HEAD_EXTRA, "").lower()
    for gone in ("script", "noscript", "<meta", "<base", "<object", "<embed", "evil", "alert"):
        assert gone not in lowered
    assert "<p>kept</p>" in markup


def test_handlers_and_script_urls_are_dropped() -> None:
    markup = body_of(
        el(
            "a",
            {
                "href": " JaVa\tScRiPt:alert(1)",
                "onclick": "alert(1)",
                "ONMOUSEOVER": "alert(2)",
                "class": "link",
            },
            txt("go"),
        ),
        el("form", {"action": "vbscript:msgbox(1)"}),
        el("iframe", {"src": "https://evil.example/", "srcdoc": "<script>x</script>"}),
        el("input", {"autofocus": True, "value": "v", "formaction": "javascript:x"}),
        el("a", {"href": "https://example.com/ok"}, txt("ok")),
    )
    assert markup == (
        '<a class="link">go</a><form></form><iframe></iframe><input value="v">'
        '<a href="https://example.com/ok">ok</a>'
    )


def test_names_no_dom_could_hold_are_dropped() -> None:
    markup = body_of(
        el('p onload="x"', {}, txt("tag")),
        el("p", {'a" onload="alert(1)': "v", "x>y": "v", "ok-name": "v"}, txt("attr")),
    )
    assert markup == '<p ok-name="v">attr</p>'


def test_attribute_values_of_every_json_type() -> None:
    markup = body_of(
        el("input", {"checked": True, "disabled": False, "maxlength": 5, "step": 0.5, "x": None})
    )
    assert markup == '<input checked="" maxlength="5" step="0.5">'


def test_an_inlined_stylesheet_link_becomes_a_style_element() -> None:
    css = "a { color: red }"
    markup = to_html(
        doc(
            head=[
                el("link", {"rel": "stylesheet", "href": "https://x/a.css", "_cssText": css}),
                el("link", {"rel": "stylesheet", "media": "print", "_cssText": css}),
                el("link", {"rel": "stylesheet", "href": "https://x/b.css"}),
            ]
        )
    )
    assert f"<style>{css}</style>" in markup
    assert f'<style media="print">{css}</style>' in markup
    assert '<link rel="stylesheet" href="https://x/b.css">' in markup
    assert "_cssText" not in markup and "a.css" not in markup


def test_a_style_elements_cssText_is_its_text_and_cannot_close_it() -> None:
    css = 'a::after { content: "</style><script>alert(1)</script>" } b > i { color: red }'
    markup = to_html(doc(head=[el("style", {"_cssText": css}, txt("stale", isStyle=True))]))
    style = markup.split(HEAD_EXTRA, 1)[1]
    assert style.startswith("<style>a::after") and "stale" not in style
    assert "</style><script>" not in style
    assert "b > i" in style  # raw text: CSS is not entity-escaped
    parsed = tokens(markup)
    assert [tag for tag, _ in parsed.starts] == ["html", "head", "style", "style", "body"]


def test_the_text_of_a_style_is_raw_text_too() -> None:
    markup = to_html(doc(head=[el("style", {}, txt("p > a { x: '</STYLE >' }", isStyle=True))]))
    assert "<style>p > a { x: '<\\/STYLE >' }</style>" in markup


def test_blocked_elements_become_sized_placeholders() -> None:
    markup = body_of(
        el("div", {"class": "rr-block", "rr_width": "300px", "rr_height": "150.5px"}),
        el("img", {"class": "rr-block", "style": "border: 0;", "rr_width": "10px"}),
        el("div", {"rr_width": "100%;background:url(https://evil.example)"}),
    )
    assert markup == (
        '<div class="rr-block" style="width:300px;height:150.5px"></div>'
        '<img class="rr-block" style="border: 0;width:10px"><div></div>'
    )
    assert ".rr-block{background:currentColor}" in HEAD_EXTRA


def test_a_canvas_shows_its_data_url_and_an_inlined_image_its_own() -> None:
    pixels = "data:image/png;base64,iVBORw0KGgo="
    markup = body_of(
        el("canvas", {"width": 30, "height": 20, "rr_dataURL": pixels}),
        el("img", {"src": "https://x/a.png", "rr_dataURL": pixels}),
        el("canvas", {"rr_dataURL": "javascript:alert(1)"}),
    )
    assert markup == (
        '<canvas width="30" height="20" style="background:url(&quot;'
        f'{pixels}&quot;) 0 0/100% 100%"></canvas>'
        f'<img src="{pixels}"><canvas></canvas>'
    )


def test_a_data_url_cannot_end_its_css_string() -> None:
    markup = body_of(el("canvas", {"rr_dataURL": 'data:image/png,") ;x:url("y'}))
    style = tokens(markup).starts[0][1]["style"] or ""
    assert style == 'background:url("data:image/png,\\22 ) ;x:url(\\22 y") 0 0/100% 100%'


def test_svg_keeps_its_markup_and_self_closes_empty_elements() -> None:
    markup = body_of(
        el(
            "svg",
            {"viewBox": "0 0 10 10", "xmlns": "http://www.w3.org/2000/svg"},
            el("path", {"d": "M0 0L10 10"}, isSVG=True),
            el("style", {}, txt("path > x { fill: red }"), isSVG=True),
            el(
                "foreignObject",
                {"width": 10},
                el("style", {}, txt("p > a {}")),
                el("br"),
                isSVG=True,
            ),
            el("a", {"xlink:href": "javascript:alert(1)"}, isSVG=True),
            isSVG=True,
        )
    )
    assert markup == (
        '<svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><path d="M0 0L10 10">'
        "</path><style>path &gt; x { fill: red }</style>"
        '<foreignObject width="10"><style>p > a {}</style><br></foreignObject><a></a></svg>'
    )


def test_a_textarea_shows_its_value() -> None:
    markup = body_of(el("textarea", {"value": "</textarea><b>x"}, txt("old")))
    assert markup == "<textarea>&lt;/textarea&gt;&lt;b&gt;x</textarea>"


def test_raw_text_elements_that_could_swallow_the_page_are_pre() -> None:
    assert body_of(el("xmp", {}, txt("<b>")), el("plaintext", {})) == (
        "<pre>&lt;b&gt;</pre><pre></pre>"
    )
    assert body_of(el("noembed", {}, txt("x")), el("noframes", {}, txt("y"))) == ""


def test_comments_and_cdata_draw_nothing() -> None:
    node = el(
        "p",
        {},
        {"type": 5, "textContent": "--><script>alert(1)</script>"},
        {"type": 4, "textContent": ""},
        txt("x"),
    )
    assert body_of(node) == "<p>x</p>"


def test_an_iframe_recorded_with_its_document_gets_it_as_srcdoc() -> None:
    inner = doc(el("p", {"onclick": "x"}, txt('a "b" <c>')), el("script", {}, txt("x")))
    markup = body_of(el("iframe", {"src": "https://x/frame", "width": 50}, inner))
    attrs = tokens(markup).starts[0][1]
    assert attrs["width"] == "50" and "src" not in attrs
    srcdoc = attrs["srcdoc"] or ""
    assert srcdoc.startswith("<!DOCTYPE html><html><head>")
    assert '<p>a "b" &lt;c&gt;</p>' in srcdoc and "<script" not in srcdoc


def test_nested_documents_stop_at_a_depth() -> None:
    node = doc(el("p", {}, txt("deepest")))
    for _ in range(10):
        node = doc(el("iframe", {}, node))
    assert "deepest" not in to_html(node)
    assert to_html(node).count('srcdoc="') == 1  # the others are escaped inside it


def test_a_shadow_root_is_declarative() -> None:
    host = el(
        "my-card",
        {},
        el("b", {}, txt("inside"), isShadow=True),
        txt("light"),
        isShadowHost=True,
    )
    assert body_of(host) == (
        '<my-card><template shadowrootmode="open"><b>inside</b></template>light</my-card>'
    )


def test_a_deep_tree_does_not_exhaust_the_stack() -> None:
    node = txt("bottom")
    for _ in range(50_000):
        node = el("div", {}, node)
    markup = body_of(node)
    assert markup.count("<div>") == 50_000 and "bottom" in markup


def test_malformed_nodes_are_skipped() -> None:
    node = el("p", {}, "not a node", {"type": 3}, {"type": 2}, {"type": 99}, txt("ok"))  # type: ignore[arg-type]
    node["attributes"] = ["not", "a", "mapping"]
    assert body_of(node) == "<p>ok</p>"


# -- random text cannot break out of the markup --------------------------------

# Text rich in what markup is made of.
markup_text = st.text(
    alphabet=st.sampled_from(list("<>/&\"'=-!`; \t\nabcsSTYLEtyleRIPTscript:on[]CDATA?")),
    max_size=60,
) | st.text(max_size=40)


@given(content=markup_text, value=markup_text, css=markup_text)
def test_random_text_stays_text(content: str, value: str, css: str) -> None:
    node = doc(
        el("p", {"title": value, "data-x": value}, txt(content)),
        el("textarea", {"value": value}),
        head=[el("style", {}, txt(css, isStyle=True)), el("title", {}, txt(content))],
    )
    parsed = tokens(to_html(node))
    tags = [tag for tag, _ in parsed.starts]
    assert tags == ["html", "head", "style", "style", "title", "body", "p", "textarea"]
    p_attrs = parsed.starts[6][1]
    assert p_attrs == {"title": value, "data-x": value}
    text = "".join(parsed.data)
    assert content in text and value in text


@given(value=markup_text)
def test_random_attribute_names_never_add_a_handler(value: str) -> None:
    markup = body_of(el("p", {value: "x", f"on{value}": "alert(1)"}))
    for _, attrs in tokens(markup).starts:
        assert not any(name.startswith("on") for name in attrs)
        assert all(v != "alert(1)" for v in attrs.values())
