"""The app's custom components in an AppTest run, found by name: the calendar page draws
several (the calendar, its "+N more" drawer's, its style sheet, Mine's device storage,
posters)."""

from __future__ import annotations

CALENDAR = "calendar_data.calendar"
DAY_DRAWER = "calendar_data.day_drawer"


def component(scope, name: str = CALENDAR):
    """The first component named ``name`` in ``scope`` (an AppTest or a block), or None."""
    named = (c for c in scope.get("bidi_component") if c.proto.component_name == name)
    return next(named, None)


def components_named(scope, name: str) -> list:
    return [c for c in scope.get("bidi_component") if c.proto.component_name == name]
