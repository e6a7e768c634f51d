"""What each API's terms ask of a catalog made from its data: the licence and the attribution
that travel in the catalog's metadata and are shown wherever its data is. ``build`` gives them
back to rows that name the source when a file that carries no metadata (a CSV or JSON export)
is built again."""

from __future__ import annotations

from ..catalog import SourceInfo
from .tmdb_releases import SITE_URL
from .tmdb_releases import SOURCE as TMDB_NAME
from .tvmaze_releases import SOURCE as TVMAZE_NAME

NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."
JUSTWATCH_CREDIT = "Streaming availability (where to watch) provided by JustWatch."
TVMAZE = SourceInfo(
    name=TVMAZE_NAME,
    licence="CC BY-SA 4.0",
    attribution="Data from TVmaze (https://www.tvmaze.com), licensed CC BY-SA 4.0",
    url="https://www.tvmaze.com",
)
TMDB = SourceInfo(
    name=TMDB_NAME,
    licence="TMDB API Terms of Use (non-commercial use with attribution)",
    attribution=f"{NOTICE} {JUSTWATCH_CREDIT}",
    url=SITE_URL,
)
BY_NAME = {source.name: source for source in (TVMAZE, TMDB)}
