"""Making untrusted catalog strings safe to show.

Every catalog string may carry HTML, markdown, Streamlit's colour or LaTeX syntax, control or
bidirectional-override characters, or megabytes of text. These helpers turn them into inert,
bounded text; only http(s) URLs survive as links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: C0/C1 controls (but tab and newline), zero-width and bidirectional-control characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
#: Characters that could end or reshape a markdown link target, percent-encoded in one.
_LINK_TARGET = str.maketrans(
    {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", "`": "%60"}
)
#: Characters markdown (and Streamlit's directives) give meaning to. ``/`` is escaped because
#: Streamlit turns ``:material/name:`` into an icon before it parses the escapes.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~=^&/])")
#: What turns a sentence into markup: links, images, HTML, code, emphasis, tables, LaTeX, and
#: the colon opening a directive or an icon (``:red[``, ``:material/x:``). An emoji code
#: (``:smile:``) may still show as its emoji: harmless, and escaping every colon would not read.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#|!$~^&/]|:(?=\S))")


def clean(value: object, limit: int = 300) -> str:
    """Plain, printable text of at most ``limit`` characters (``…`` marks a cut)."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", str(value))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def one_line(value: object, limit: int = 120) -> str:
    """:func:`clean` text with each run of whitespace made one space."""
    return clean(" ".join(clean(value, limit * 2).split()), limit)


def escape_markdown(value: object, limit: int = 300) -> str:
    """Text that ``st.markdown`` and widget labels show literally."""
    text = clean(value, limit)
    return _MARKDOWN.sub(r"\\\1", text).replace("\n", "  \n")


def escape_message(value: object, limit: int = 600) -> str:
    """A one-line message the app composed around untrusted values, safe for ``st.info`` and
    friends. Sentence punctuation (``. , ' + - =``) stays bare, so the message reads the same
    in AppTest and logs; everything that makes markup is escaped."""
    return _MARKUP.sub(r"\\\1", one_line(value, limit))


def safe_url(value: object) -> str | None:
    """The URL if it is a well-formed http(s) URL, else ``None``."""
    if not isinstance(value, str) or len(value) > 2048:
        return None
    if _INVISIBLE.search(value) or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return value


def markdown_link(label: object, url: object) -> str:
    """A markdown link whose label and target cannot escape it; plain text when unsafe."""
    target = safe_url(url)
    text = escape_markdown(label, 120)
    if target is None:
        return text
    return f"[{text}]({target.translate(_LINK_TARGET)})"
