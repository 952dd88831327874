"""rrweb's serialized node tree (a full snapshot's ``data.node``) as static HTML.

The output is shown in an iframe that runs no script (``sandbox``, and a CSP
of its own), but the recording is visitor-supplied, so the markup is made
safe here as well: no ``<script>``, ``<noscript>``, ``<base>``, ``<meta>``
(``http-equiv`` refreshes and policies), ``<object>`` or ``<embed>``; no
``on*`` handler, no ``javascript:`` or ``vbscript:`` URL in any attribute;
tag and attribute names that could not have come from a DOM are dropped;
text and attribute values are escaped, and a ``<style>``'s raw text cannot
close its element.

What rrweb's replayer does on rebuild and a static page must say in markup:
``_cssText`` (a stylesheet rrweb inlined) becomes a ``<style>``'s text;
``rr_width``/``rr_height`` (an element blocked from recording) size a
placeholder, painted as the replayer paints one; ``rr_dataURL`` is a canvas's
pixels (its background here) or an inlined image's source; a textarea's
``value`` is its text; an iframe recorded with its document inline gets it as
``srcdoc``; a shadow root becomes a declarative ``<template shadowrootmode>``.

Comments and CDATA sections are left out: they draw nothing. The tree is
walked with an explicit stack, not recursion, so a deep page cannot exhaust
Python's stack.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DOCUMENT, DOCUMENT_TYPE, ELEMENT, TEXT, CDATA, COMMENT = range(6)

# Elements never written: they run or load code, redirect, set policies, or
# show text only when scripts are off (as they are in the poster's frame).
DROPPED = frozenset({"script", "noscript", "base", "meta", "object", "embed", "applet", "portal"})
# Elements whose content the HTML parser takes as raw text to the end of the
# document or to a closing tag we cannot guarantee: written as <pre> instead.
AS_PRE = frozenset({"xmp", "plaintext", "listing"})
# Parsed as raw text too, and only shown when frames or embeds are off.
SKIPPED = frozenset({"noembed", "noframes"})
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)

TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._:-]{0,99}")
# What the HTML tokenizer reads as one attribute name (less "<", to be plain).
ATTR_NAME = re.compile(r"[^\s\"'<>/=\x00-\x1f\x7f-\x9f]{1,200}")
DOCTYPE_NAME = re.compile(r"[A-Za-z0-9]{1,40}")
# The URL parser drops these before it reads a scheme ("java\tscript:" runs).
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
CSS_LENGTH = re.compile(r"\d{1,6}(\.\d{1,4})?px")
DATA_IMAGE = re.compile(r"data:image/[A-Za-z0-9.+-]{1,40}[;,]", re.IGNORECASE)
STYLE_END = re.compile(r"</(style)", re.IGNORECASE)

# The rules rrweb's replayer adds to every rebuilt document (a blocked element
# is a box of the text colour); ours go into the recorded <head>.
REPLAYER_RULES = ".rr-block{background:currentColor}noscript{display:none!important}"
HEAD_EXTRA = f"<style>{REPLAYER_RULES}</style>"
# An iframe recorded with its document inline nests another; deeper ones stay empty.
MAX_NESTED_DOCUMENTS = 4


@dataclass(frozen=True)
class Context:
    svg: bool = False  # inside an SVG element (foreign content)
    raw_style: bool = False  # the text of an HTML <style>: raw text, not escaped


Item = tuple[Mapping[str, Any], Context] | str


def to_html(node: Mapping[str, Any], depth: int = 0) -> str:
    """The document (or any node) as HTML; a Document gets a <!DOCTYPE> only
    when it had one, so a quirks-mode page stays in quirks mode."""
    out: list[str] = []
    head_done = False
    stack: list[Item] = [(node, Context())]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        current, context = item
        kind = current.get("type")
        if kind == DOCUMENT:
            stack.extend((child, context) for child in reversed(children(current)))
        elif kind == DOCUMENT_TYPE:
            out.append(doctype(current))
        elif kind == TEXT:
            out.append(text(current, context))
        elif kind == ELEMENT:
            head_done = element(current, context, out, stack, depth) or head_done
        # CDATA, comments and unknown types draw nothing.
    if not head_done and node.get("type") == DOCUMENT:
        # No <head> recorded: before everything but the doctype, the parser
        # opens one for it.
        at = 1 if out and out[0].startswith("<!DOCTYPE") else 0
        out.insert(at, HEAD_EXTRA)
    return "".join(out)


def children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    nodes = node.get("childNodes")
    if not isinstance(nodes, list):
        return []
    return [child for child in nodes if isinstance(child, Mapping)]


def doctype(node: Mapping[str, Any]) -> str:
    name = node.get("name")
    name = name if isinstance(name, str) and DOCTYPE_NAME.fullmatch(name) else "html"
    public, system = (quoted_id(node.get(key)) for key in ("publicId", "systemId"))
    if public:
        return f'<!DOCTYPE {name} PUBLIC "{public}"' + (f' "{system}">' if system else ">")
    if system:
        return f'<!DOCTYPE {name} SYSTEM "{system}">'
    return f"<!DOCTYPE {name}>"


def quoted_id(value: Any) -> str:
    """A doctype's public or system id, without what would end it."""
    return re.sub(r"[\"'<>\x00-\x1f]", "", value) if isinstance(value, str) else ""


def text(node: Mapping[str, Any], context: Context) -> str:
    content = node.get("textContent")
    if not isinstance(content, str):
        return ""
    if context.raw_style:
        return style_text(content)
    return html.escape(content, quote=False)


def style_text(css: str) -> str:
    """CSS as a <style>'s raw text: only "</style" could end it early, and
    "<\\/style" reads the same to CSS (an escaped solidus)."""
    return STYLE_END.sub(r"<\\/\1", css)


def element(
    node: Mapping[str, Any], context: Context, out: list[str], stack: list[Item], depth: int
) -> bool:
    """Writes the element's start tag and stacks its content and end tag.
    True when it was the document's <head> (which got HEAD_EXTRA)."""
    tag = node.get("tagName")
    if not isinstance(tag, str) or not TAG_NAME.fullmatch(tag):
        return False
    name = tag.lower()
    raw = node.get("attributes")
    attrs: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    svg = context.svg or node.get("isSVG") is True or name == "svg"
    if name in DROPPED or name in SKIPPED:
        return False
    css = attrs.get("_cssText")
    if name == "link":
        if isinstance(css, str):  # an inlined stylesheet: rrweb rebuilds it as <style>
            media = attrs.get("media")
            opening = f'<style media="{attr(media)}">' if isinstance(media, str) else "<style>"
            out.append(f"{opening}{style_text(css)}</style>")
            return False
        rel = attrs.get("rel")
        if not (isinstance(rel, str) and "stylesheet" in rel.lower().split()):
            return False  # preconnect, prefetch, icons: nothing a poster draws
    if name in AS_PRE and not svg:
        name = tag = "pre"
    written = [(key, value) for key, value in attributes(name, attrs, svg)]
    out.append(f"<{tag}" + "".join(pair(key, value) for key, value in written) + ">")
    if name in VOID and not svg:
        return False
    kids = children(node)
    inner = Context(svg=svg and name != "foreignobject", raw_style=name == "style" and not svg)
    if name == "style" and isinstance(css, str):
        kids, content = [], style_text(css) if inner.raw_style else html.escape(css, quote=False)
        out.append(content)
    elif name == "textarea" and isinstance(attrs.get("value"), str):
        kids = []
        out.append(html.escape(attrs["value"], quote=False))
    elif name == "iframe":
        document = next((kid for kid in kids if kid.get("type") == DOCUMENT), None)
        if document is not None and depth < MAX_NESTED_DOCUMENTS:
            # The start tag is written: put srcdoc into it.
            out[-1] = out[-1][:-1] + pair("srcdoc", to_html(document, depth + 1)) + ">"
        kids = []  # an iframe's markup children are never its document
    stack.append(f"</{tag}>")
    light = [kid for kid in kids if kid.get("isShadow") is not True]
    shadow = [kid for kid in kids if kid.get("isShadow") is True]
    stack.extend((kid, inner) for kid in reversed(light))
    if shadow and not svg:
        stack.append("</template>")
        stack.extend((kid, Context()) for kid in reversed(shadow))
        stack.append('<template shadowrootmode="open">')
    is_head = name == "head" and not svg
    if is_head:
        out.append(HEAD_EXTRA)
    return is_head


def attributes(name: str, attrs: Mapping[str, Any], svg: bool) -> list[tuple[str, str]]:
    """The attributes to write, as (name, unescaped value)."""
    written: list[tuple[str, str]] = []
    style_extra: list[str] = []
    for key, value in attrs.items():
        if not isinstance(key, str) or not ATTR_NAME.fullmatch(key):
            continue
        lower = key.lower()
        if value is None or value is False:
            continue
        if value is True:
            value = ""
        elif isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            continue
        if lower in ("rr_width", "rr_height"):
            if CSS_LENGTH.fullmatch(value):
                style_extra.append(f"{lower[3:]}:{value}")
            continue
        if lower == "rr_dataurl":
            if not DATA_IMAGE.match(value):
                continue
            if name == "img":
                written.append(("src", value))
            else:  # a canvas: its pixels as its background
                style_extra.append(f'background:url("{css_string(value)}") 0 0/100% 100%')
            continue
        if lower.startswith(("on", "rr_", "_")) or lower == "autofocus":
            continue
        if name == "iframe" and lower in ("src", "srcdoc"):
            continue  # the recorded document, if any, is its srcdoc
        if name == "textarea" and lower == "value":
            continue  # its text
        if name == "img" and lower == "src" and isinstance(attrs.get("rr_dataURL"), str):
            continue
        if script_url(value):
            continue
        written.append((key, value))
    if style_extra:
        style = next((value for key, value in written if key.lower() == "style"), "")
        written = [(key, value) for key, value in written if key.lower() != "style"]
        joined = ";".join(filter(None, [style.strip().rstrip(";"), *style_extra]))
        written.append(("style", joined))
    return written


def script_url(value: str) -> bool:
    return URL_IGNORED.sub("", value).lower().startswith(SCRIPT_SCHEMES)


def css_string(value: str) -> str:
    """Text inside a CSS double-quoted string."""
    return re.sub(r'["\\\n\r\f]', lambda m: f"\\{ord(m.group()):x} ", value)


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def pair(key: str, value: str) -> str:
    return f' {key}="{attr(value)}"'
