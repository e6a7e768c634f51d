"""The Browse page under AppTest: what the table shows and where the downloads are."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def browse_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/browse.py").run()
    assert not at.exception, at.exception
    return at


def test_missing_values_leave_their_cells_empty(catalog):
    """A missing value (an unknown runtime, an undated release's date) is a blank cell, not
    "None" (Streamlit's default)."""
    at = browse_page(service="Hulu")
    table = at.dataframe[0]
    assert table.value["Date"].isna().any()
    assert table.proto.HasField("placeholder")  # unset, Streamlit draws "None"
    assert table.proto.placeholder == ""


def test_followed_titles_rows_are_marked_and_a_follow_marks_them_at_once(catalog):
    at = browse_page(follow="test-title-3")
    frame = at.dataframe[0].value
    assert list(frame.columns)[0] == "Followed"
    assert set(frame.loc[frame["Followed"] == "★", "Title"]) == {"Test Show 3"}
    at.selectbox(key="follow_pick").select("test-title-5").run()
    at.button(key="follow_picked").click().run()
    frame = at.dataframe[0].value
    assert set(frame.loc[frame["Followed"] == "★", "Title"]) == {"Test Show 3", "Test Show 5"}
