"""Making untrusted catalog strings safe to show.

Every catalog string may carry HTML, markdown, Streamlit's colour or LaTeX syntax, control or
bidirectional-override characters, or megabytes of text. These helpers turn them into inert,
bounded text; only http(s) URLs survive as links.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

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

#: Characters no link may hold: controls, spaces of every kind, invisible and bidi characters.
#: Written so that Python's ``re`` and Arrow's RE2 read the pattern below the same way.
_NOT_IN_URL = (
    "\\x00-\\x20\\x7f-\\xa0\u061c\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000"
    "\ufeff\ufff9-\ufffb"
)
#: What a link must be, everywhere: an absolute http(s) URL with a host (a name or a bracketed
#: IPv6 address), an optional user and port, and nothing invisible. :func:`safe_url` checks one
#: value with it and :func:`safe_urls` whole Arrow columns (the catalog loader's check).
SAFE_URL_PATTERN = (
    "(?i)^https?://"
    f"([^{_NOT_IN_URL}/?#@\\[\\]]*@)?"
    f"(\\[[0-9a-f:.]+\\]|[^{_NOT_IN_URL}/?#@\\[\\]:]+)"
    "(:[0-9]*)?"
    f"([/?#][^{_NOT_IN_URL}]*)?$"
)
_SAFE_URL = re.compile(SAFE_URL_PATTERN)
MAX_URL_LENGTH = 2048
#: A URI's ``user:password@`` part.
_CREDENTIALS = re.compile(r"([a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def clean(value: object, limit: int = 300) -> str:
    """Plain, printable text of at most ``limit`` characters (``…`` marks a cut)."""
    if value is None:
        return ""
    text = visible(str(value))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def visible(text: str) -> str:
    """``text`` without its control, zero-width and bidirectional-control characters."""
    return _INVISIBLE.sub("", text)


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
    """The URL if it is a well-formed http(s) URL (see :data:`SAFE_URL_PATTERN`), else ``None``."""
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        return None
    return value if _SAFE_URL.fullmatch(value) else None


def safe_urls(links: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """:func:`safe_url` of a whole text column: true where the link is safe, null where null."""
    short = pc.less_equal(pc.utf8_length(links), MAX_URL_LENGTH)
    return pc.and_(short, pc.match_substring_regex(links, SAFE_URL_PATTERN))


def quoted(value: object, limit: int = 40) -> str:
    """``value`` as Python writes it (``'Nope+'``, ``[1, 2]``) for a message, long values cut
    to about ``limit`` characters (``…`` marks a cut)."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit] + "…")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counted(count: int, noun: str) -> str:
    """``1 change``, ``2 changes``, ``1,024 changes``: a count and its noun, plural but for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def releases_matching(count: int) -> str:
    """``1 release matches``, ``4 releases match``."""
    return counted(count, "release") + (" matches" if count == 1 else " match")


def without_credentials(text: str) -> str:
    """``text`` with the user and password of every URI in it hidden
    (``s3://KEY:SECRET@bucket`` -> ``s3://***@bucket``): for messages anyone may read."""
    return _CREDENTIALS.sub(r"\1***@", text)


def first_line(error: BaseException) -> str:
    """The gist of an exception for a one-line message: the first line of what it says (at
    most 300 characters), or its type when it says nothing."""
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


def markdown_link(label: object, url: object) -> str:
    """A markdown link whose label and target cannot escape it; plain text when unsafe."""
    target = safe_url(url)
    text = escape_markdown(label, 120)
    if target is None:
        return text
    return f"[{text}]({target.translate(_LINK_TARGET)})"


def slug(value: object) -> str:
    """``Disney+ Hotstar`` -> ``disney-hotstar``: accents folded, anything but ``a-z0-9`` a
    hyphen; for file names and ids."""
    ascii_text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
