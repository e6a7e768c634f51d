"""A title's picture as the app hands it to the browser: a link that is safe to load and the
text that names it, or no link, for which the browser draws a plain placeholder of the same
size (as it does when a link fails to load).

Catalog links are untrusted: only an http(s) link (:func:`calendar_data.text.safe_url`) is
ever given to the browser, and the browser sets it as a property, never as markup.
"""

from __future__ import annotations

from .text import one_line, safe_url


def poster(title: object, image_url: object) -> dict:
    """``{"src": link or None, "alt": "Poster of <title>"}``; ``src`` None: a placeholder."""
    return {"src": safe_url(image_url), "alt": f"Poster of {one_line(title, 80)}"}
