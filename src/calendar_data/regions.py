"""Regions: the ISO 3166-1 alpha-2 codes a catalog's ``region`` may hold, and a title's
release dates by region (the Title page shows the lag between countries)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

#: Every officially assigned ISO 3166-1 alpha-2 code.
ISO_3166_ALPHA2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
WORLDWIDE = "Worldwide"


def is_region_code(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code (upper case, as stored)."""
    return code in ISO_3166_ALPHA2


def release_dates_by_region(releases: Iterable[Mapping]) -> pd.DataFrame:
    """The earliest release date in each region among ``releases`` (one title's rows),
    earliest first: columns ``region`` (``Worldwide`` for releases without one),
    ``release_date`` and ``services`` (those releasing there on that date). Undated releases
    are left out."""
    frame = pd.DataFrame(
        [
            (row["region"] or WORLDWIDE, row["release_date"], row["service"])
            for row in releases
            if row["release_date"] is not None
        ],
        columns=["region", "release_date", "services"],
    )
    first = frame.groupby("region")["release_date"].transform("min")
    earliest = frame[frame["release_date"] == first]
    table = earliest.groupby(["region", "release_date"], as_index=False)["services"].agg(
        lambda services: ", ".join(sorted(set(services)))
    )
    return table.sort_values(["release_date", "region"], ignore_index=True)
