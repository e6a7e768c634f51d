"""Untrusted catalog text made inert and bounded; only http(s) URLs become links."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_data.text import (
    clean,
    escape_markdown,
    first_line,
    markdown_link,
    one_line,
    quoted,
    safe_url,
    safe_urls,
    slug,
)

#: Characters markdown or Streamlit (colour directives, LaTeX, emoji codes) give meaning to.
SPECIAL = set("\\`*_{}[]()<>#+-.!|:$~=^&")
INVISIBLE = [
    "\u202e",  # right-to-left override
    "\u202a",
    "\u2066",  # left-to-right isolate
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u061c",  # Arabic letter mark
    "\ufeff",  # byte order mark
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\x7f",
    "\x85",
]


def unescaped_specials(escaped: str) -> str:
    """Special characters left without a backslash in front of them."""
    bare = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    return "".join(c for c in bare if c in SPECIAL)


def unescape(escaped: str) -> str:
    return re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL).replace("  \n", "\n")


# --------------------------------------------------------------------------- clean


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_clean_strips_control_and_bidi_characters(char):
    assert clean(f"abc{char}def{char}") == "abcdef"


def test_clean_keeps_tabs_newlines_and_ordinary_unicode():
    assert clean("a\tb\nc — Kōhaku 🎬 שלום") == "a\tb\nc — Kōhaku 🎬 שלום"


def test_clean_truncates_with_an_ellipsis_at_the_limit():
    assert clean("x" * 10, limit=10) == "x" * 10
    assert clean("x" * 11, limit=10) == "x" * 9 + "…"
    assert len(clean("y" * 1_000_000)) == 300
    assert clean("word " * 100, limit=11) == "word word…"  # no space before the mark


def test_clean_of_none_and_non_strings():
    assert clean(None) == ""
    assert clean(42) == "42"


def test_one_line_collapses_whitespace_and_marks_cuts():
    assert one_line("  a \n\t b  \u202e c ") == "a b c"
    assert one_line("t" * 1_000_000, 20) == "t" * 19 + "…"
    assert len(one_line("a b " * 1000, 50)) == 50


# --------------------------------------------------------------------------- escape_markdown

HOSTILE_MARKDOWN = [
    "[x](javascript:alert(1))",
    "![](http://tracker/pixel.gif)",
    ":red[boom] :smile:",
    "$x^2$ and $$\\int$$",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** __bold__ *it* _it_ ~~gone~~",
    "# heading",
    "- item",
    "+ item",
    "1. item",
    "|a|b|\n|-|-|",
    "`code` ```fence```",
    "&amp; &#60;",
    "> quote",
    "Title\n===",
    "\\*not bold\\*",
    "https://auto.link www.example.com",
    "{{ template }}",
]


@pytest.mark.parametrize("hostile", HOSTILE_MARKDOWN)
def test_escape_markdown_leaves_no_special_character_bare(hostile):
    escaped = escape_markdown(hostile)
    assert unescaped_specials(escaped) == ""
    assert unescape(escaped) == hostile


def test_escape_markdown_examples():
    assert escape_markdown("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert escape_markdown(":red[boom]") == r"\:red\[boom\]"
    assert escape_markdown("1. item") == r"1\. item"


def test_escape_markdown_keeps_line_breaks_as_hard_breaks():
    assert escape_markdown("one\ntwo") == "one  \ntwo"


def test_escape_markdown_strips_invisible_characters_and_bounds_length():
    assert escape_markdown("a\u202eb\u2066c") == "abc"
    assert len(escape_markdown("[" * 1_000_000, limit=100)) <= 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_escape_markdown_property(text):
    escaped = escape_markdown(text, limit=1000)
    assert unescaped_specials(escaped) == ""
    assert unescape(escaped) == clean(text, limit=1000)


# --------------------------------------------------------------------------- safe_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.netflix.com/title/81083008",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/Path?q=1#frag",
        "https://example.com/a_(b)",
        "https://user@example.com:8443/x",
        "http://[::1]:8080/",
    ],
)
def test_safe_url_accepts_http_and_https(url):
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "vbscript:msgbox",
        "/relative/path",
        "relative.html",
        "//evil.com",
        "https:///nohost",
        "https://",
        "https://@/",
        "http://[::1",  # unbalanced bracket: urlsplit itself raises
        "https://example.com/a b",
        "https://example.com/\ta",
        "https://example.com/\nx",
        "https://exa\u202emple.com",
        "https://example.com/\x00",
        "https://example.com/" + "a" * 2048,
        "",
        None,
        42,
        b"https://example.com",
    ],
)
def test_safe_url_rejects(url):
    assert safe_url(url) is None


#: Text near the edge of a URL: schemes, separators, brackets, spaces and invisible characters.
URL_PIECES = st.sampled_from(
    [
        "http",
        "s",
        "://",
        "/",
        "?",
        "#",
        "@",
        ":",
        "[",
        "]",
        ".",
        "a",
        "1",
        "%",
        "\\",
        " ",
        "\t",
        "\n",
        "\x00",
        "\x85",
        "\xa0",
        "\u200b",
        "\u202e",
        "\u3000",
        "\ufeff",
        "é",
        "(",
        "<",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(URL_PIECES, max_size=12).map("".join), min_size=1, max_size=30))
def test_safe_urls_of_a_column_agree_with_safe_url(texts):
    """The catalog loader (Arrow) and the app (Python) keep exactly the same links."""
    links = ["https://" + text for text in texts] + texts + [None]
    expected = [None if link is None else safe_url(link) is not None for link in links]
    assert safe_urls(pa.array(links, pa.string())).to_pylist() == expected


def test_safe_urls_refuses_overlong_links():
    link = "https://example.com/" + "a" * 2048
    assert safe_urls(pa.array([link, link[:2048]])).to_pylist() == [False, True]


# --------------------------------------------------------------------------- markdown_link


def test_markdown_link():
    assert markdown_link("Trailer", "https://example.com/t") == "[Trailer](https://example.com/t)"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:,x", None, "//evil.com"])
def test_markdown_link_is_plain_text_for_unsafe_urls(url):
    link = markdown_link("Click [me]", url)
    assert link == r"Click \[me\]"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a)[x](javascript:alert(1)",
        "https://example.com/<script>",
        "https://example.com/x\\",
        "https://example.com/`code",
        "https://en.wikipedia.org/wiki/Lost_(TV_series)",
    ],
)
def test_markdown_link_target_cannot_break_out(url):
    link = markdown_link("Label](javascript:alert(1))", url)
    label, target = re.fullmatch(r"\[(.*)\]\((.*)\)", link).groups()
    assert unescaped_specials(label) == ""
    # Nothing in the target can close it, open a tag or code span, or escape the last ")".
    assert not set(target) & set("()<>\\` ")
    assert target.startswith("https://")


def test_markdown_link_label_is_bounded():
    assert len(markdown_link("x" * 10_000, "https://example.com")) < 300


# --------------------------------------------------------------------------- slug


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Disney+ Hotstar", "disney-hotstar"),
        ("France Télévisions", "france-televisions"),
        ("  Apple TV+  ", "apple-tv"),
        ("BBC One/Two", "bbc-one-two"),
        ("東京", ""),
        ("", ""),
    ],
)
def test_slug(value, expected):
    assert slug(value) == expected


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nope+", "'Nope+'"),
        ("x" * 50, "'" + "x" * 40 + "…'"),
        ("a\nb", "'a\\nb'"),
        (list(range(30)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …"),
        (7, "7"),
    ],
)
def test_quoted(value, expected):
    assert quoted(value) == expected


def test_first_line():
    assert first_line(ValueError("bad file\nwith details")) == "bad file"
    assert first_line(ValueError("x" * 500)) == "x" * 300
    assert first_line(KeyError()) == "KeyError"


def test_credentials_in_a_uri_are_hidden_from_messages():
    from calendar_data.text import without_credentials

    message = "s3://AKIA:s3cr3t@bucket/catalog: no such file; see https://u:p@host/x"
    assert without_credentials(message) == (
        "s3://***@bucket/catalog: no such file; see https://***@host/x"
    )
    local = "data/catalog.parquet: truncated"
    assert without_credentials(local) == local
