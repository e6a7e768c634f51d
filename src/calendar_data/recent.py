"""A thread-safe cache of the most recently used values, each computed once (:class:`Recent`).

The live catalog keeps its versions, its zones' day indexes, its selections and its derived
frames in one each.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Computation:
    """A key being computed: its lock, and how many callers are computing or awaiting it (the
    entry goes when the last leaves, so no caller ever starts a computation beside another)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    callers: int = 0


class Recent:
    """A thread-safe cache of the most recently used values, at most ``entries`` of them and,
    when ``rows`` is given, at most that many in all as ``size`` counts them (the newest is
    always kept).

    Sessions asking for the same missing key at once wait for one computation: under load,
    many sessions open the same month together, and each computing it would multiply both
    the work and the memory held at the peak. A computation that fails is not kept: the next
    caller in line computes it again, alone.
    """

    def __init__(
        self, entries: int, rows: int | None = None, size: Callable[[Any], int] = len
    ) -> None:
        self._values: OrderedDict = OrderedDict()
        self._entries, self._rows, self._size = entries, rows, size
        self._lock = threading.Lock()
        self._computing: dict[Any, _Computation] = {}

    def get(self, key, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            computation = self._computing.setdefault(key, _Computation())
            computation.callers += 1
        try:
            with computation.lock:  # other keys are computed meanwhile
                with self._lock:
                    if key in self._values:  # computed by whoever held the key before
                        self._values.move_to_end(key)
                        return self._values[key]
                value = compute()
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > max(1, self._entries) or self._too_many_rows():
                        self._values.popitem(last=False)
                return value
        finally:
            with self._lock:
                computation.callers -= 1
                if not computation.callers:
                    del self._computing[key]

    def peek(self, key) -> Any | None:
        """The value kept for ``key``, or None: nothing is computed or awaited."""
        with self._lock:
            return self._values.get(key)

    def _too_many_rows(self) -> bool:
        if self._rows is None or len(self._values) < 2:
            return False
        return sum(self._size(value) for value in self._values.values()) > self._rows


def held_rows(value: Any) -> int:
    """The rows ``value`` holds: a frame's, table's or array's length, summed over the parts
    of a tuple or a dataclass (a number or a flag among them holds none)."""
    if dataclasses.is_dataclass(value):
        value = tuple(getattr(value, part.name) for part in dataclasses.fields(value))
    if isinstance(value, tuple):
        return sum(held_rows(part) for part in value)
    return len(value) if hasattr(value, "__len__") and not isinstance(value, str) else 0
