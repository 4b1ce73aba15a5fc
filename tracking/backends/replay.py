"""ReplayBackend: hands back recorded PoseFrames from a PoseSeries, as if a model had just
seen them. Replay of stored sessions and tests run the very same pipeline with it.

``process`` looks the frame up by ``index`` (``match="index"``, the default) or by the
nearest recorded time within half a frame period (``match="time"``; nothing near that
time -> an all-NaN frame). The returned frame keeps its recorded landmarks and flags and
takes the caller's ``t_ms`` and ``index``. ``frames()`` iterates the recording itself.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from tracking.backends.base import BackendBase
from tracking.series import PoseFrame, PoseSeries


class ReplayBackend(BackendBase):
    """A PoseBackend that replays a recorded PoseSeries."""

    name = "replay"

    def __init__(self, series: PoseSeries, match: str = "index") -> None:
        if match not in ("index", "time"):
            raise ValueError(f"match must be 'index' or 'time', got {match!r}")
        self.series = series
        self.match = match
        self.model = f"replay of {series.meta.backend or 'unknown backend'}"
        fps = series.fps
        self._half_period = 500.0 / fps if fps > 0 else 0.0

    def _lookup(self, t_ms: float, index: int) -> int | None:
        n = len(self.series)
        if self.match == "index":
            return index if 0 <= index < n else None
        if n == 0:
            return None
        i = int(np.searchsorted(self.series.t_ms, t_ms))
        best = min((j for j in (i - 1, i) if 0 <= j < n), key=lambda j: abs(self.series.t_ms[j] - t_ms))
        return best if abs(self.series.t_ms[best] - t_ms) <= self._half_period else None

    def process(self, image_bgr: np.ndarray | None, t_ms: float, index: int = -1) -> PoseFrame:
        i = self._lookup(t_ms, index)
        if i is None:
            return PoseFrame.missing(t_ms, index)
        f = self.series[i]
        world = None if f.world is None else f.world.copy()
        return PoseFrame(float(t_ms), f.xyzv.copy(), world, f.flags, index)

    def frames(self) -> Iterator[PoseFrame]:
        """The recorded frames, in order."""
        return iter(self.series)

    def close(self) -> None:
        pass
