"""A one-line progress bar on stderr for long offline runs (shown only on a terminal,
or when asked)."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(done)`` redraws at most every ``interval_s``; ``close()`` ends the line."""

    def __init__(self, total: int | None, label: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None, interval_s: float = 0.2, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.total, self.label, self.interval_s, self.width = total, label, interval_s, width
        self._start = time.monotonic()
        self._last_draw = -float("inf")
        self._done = 0
        self._drawn = False

    def update(self, done: int) -> None:
        self._done = done
        now = time.monotonic()
        if self.enabled and now - self._last_draw >= self.interval_s:
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self._done / max(now - self._start, 1e-9)
        if self.total:
            frac = min(self._done / self.total, 1.0)
            bar = "#" * int(frac * self.width) + "-" * (self.width - int(frac * self.width))
            text = f"{self.label} [{bar}] {frac:4.0%} {self._done}/{self.total} frames {rate:5.1f} fps"
        else:
            text = f"{self.label} {self._done} frames {rate:5.1f} fps"
        self.stream.write("\r" + text)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
