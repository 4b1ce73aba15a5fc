"""Landmark filtering: visibility gating, One Euro smoothing, gaps and person switches.

Pure numpy. One ``LandmarkFilter`` follows one source, frame by frame (``step``), or
runs over a whole recording (``apply``). Per frame, in this order:

1. **Visibility gating**: a landmark whose visibility is below ``visibility_threshold``
   becomes NaN (its x, y, z and world xyz; the visibility value is kept). A detected
   frame with fewer than ``min_torso_landmarks`` of the 4 torso landmarks left is
   flagged ``FLAG_GATED`` (its remaining landmarks are still passed on).
2. **Person switch**: the torso centroid and size (mean distance of the 4 torso points
   from their centroid, x scaled by the image aspect ratio) are compared with the last
   detected frame, when that one is at most ``switch_window_ms`` old. A centroid jump of
   more than ``switch_jump`` torso sizes, or a size ratio above ``switch_scale``, is a
   switch: that frame and the next ``settle_frames`` detected frames are flagged
   ``FLAG_PERSON_SWITCH`` (a new jump restarts the count) and all smoothing restarts.
   Raw positions of the torso are used here (MediaPipe places hidden torso points well).
3. **One Euro filter** (Casiez et al., CHI 2012) on every coordinate (image x, y, z and
   world x, y, z), with the cutoff ``min_cutoff + beta * |speed|``. Gaps stay NaN: a
   landmark that was NaN in the previous frame starts afresh from its new value, and a
   time gap longer than ``max_gap_ms`` restarts every landmark.

The defaults are chosen from the filter's response, not tuned on recordings: see
docs/tracking.md for the lag and jitter they give on synthetic movement.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from tracking.landmarks import NUM_LANDMARKS, TORSO
from tracking.series import FLAG_GATED, FLAG_PERSON_SWITCH, PoseFrame, PoseSeries

_TORSO = np.array([int(i) for i in TORSO])


@dataclass(frozen=True)
class FilterParams:
    """Settings of ``LandmarkFilter`` (units: Hz, ms, image-normalised units per second)."""

    smooth: bool = True  #: apply the One Euro filter (False: gating and switches only)
    min_cutoff: float = 1.5  #: Hz, cutoff when still: lower = less jitter, more lag
    beta: float = 20.0  #: cutoff gain per unit/s of speed: higher = less lag when moving
    d_cutoff: float = 1.0  #: Hz, cutoff of the speed estimate
    visibility_threshold: float = 0.5  #: MediaPipe's own drawing threshold
    min_torso_landmarks: int = 3  #: fewer visible torso landmarks -> FLAG_GATED
    max_gap_ms: float = 250.0  #: a longer time gap between frames restarts the filter
    switch_jump: float = 1.0  #: centroid jump, in torso sizes, that means another person
    switch_scale: float = 1.6  #: torso size ratio that means another person
    switch_window_ms: float = 1000.0  #: compare only with a detected frame this recent
    settle_frames: int = 5  #: detected frames still flagged after a switch

    def __post_init__(self) -> None:
        for name in ("min_cutoff", "d_cutoff", "max_gap_ms", "switch_jump", "switch_window_ms"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FilterParams.{name} must be positive")
        if self.beta < 0 or self.switch_scale <= 1 or self.settle_frames < 0:
            raise ValueError("FilterParams: beta >= 0, switch_scale > 1, settle_frames >= 0")


def _alpha(cutoff: np.ndarray | float, dt: np.ndarray) -> np.ndarray:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff))
    return 1.0 / (1.0 + tau / dt)


class OneEuro:
    """Vectorised One Euro filter over ``n`` independent values; NaN input resets a value."""

    def __init__(self, n: int, min_cutoff: float, beta: float, d_cutoff: float) -> None:
        self.n, self.min_cutoff, self.beta, self.d_cutoff = n, min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        self._x = np.full(self.n, np.nan)
        self._dx = np.zeros(self.n)
        self._t = np.zeros(self.n)

    def step(self, values: np.ndarray, t_s: float) -> np.ndarray:
        x = np.asarray(values, np.float64).reshape(self.n)
        seen = np.isfinite(x)
        cont = seen & np.isfinite(self._x)
        out = x.copy()
        if cont.any():
            dt = np.maximum(t_s - self._t[cont], 1e-4)
            dx = (x[cont] - self._x[cont]) / dt
            edx = self._dx[cont] + _alpha(self.d_cutoff, dt) * (dx - self._dx[cont])
            cutoff = self.min_cutoff + self.beta * np.abs(edx)
            out[cont] = self._x[cont] + _alpha(cutoff, dt) * (x[cont] - self._x[cont])
            self._dx[cont] = edx
        fresh = seen & ~cont
        self._dx[fresh] = 0.0
        self._x = np.where(seen, out, np.nan)
        self._t[seen] = t_s
        return out


def torso_geometry(xyzv: np.ndarray, aspect: float = 1.0) -> tuple[np.ndarray, float] | None:
    """(centroid (2,), size) of the 4 torso points in aspect-corrected image units, or None."""
    pts = xyzv[_TORSO, :2].astype(np.float64) * (aspect, 1.0)
    if not np.isfinite(pts).all():
        return None
    centre = pts.mean(axis=0)
    size = float(np.linalg.norm(pts - centre, axis=1).mean())
    return centre, max(size, 1e-3)


class LandmarkFilter:
    """Gating, person-switch detection and One Euro smoothing for one source.

    ``aspect`` is the image width / height (landmark x and y are normalised separately).
    """

    def __init__(self, params: FilterParams | None = None, aspect: float = 1.0) -> None:
        self.params = params or FilterParams()
        self.aspect = float(aspect) if aspect > 0 else 1.0
        p = self.params
        self._img = OneEuro(NUM_LANDMARKS * 3, p.min_cutoff, p.beta, p.d_cutoff)
        self._world = OneEuro(NUM_LANDMARKS * 3, p.min_cutoff, p.beta, p.d_cutoff)
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next frame starts afresh."""
        self._img.reset()
        self._world.reset()
        self._last_t: float | None = None
        self._ref: tuple[np.ndarray, float] | None = None
        self._ref_t = -math.inf
        self._settle = 0
        self.switches = 0  #: person switches seen since the last reset

    def _is_switch(self, geom: tuple[np.ndarray, float] | None, t_ms: float) -> bool:
        if geom is None:
            return False
        ref, ref_t = self._ref, self._ref_t
        self._ref, self._ref_t = geom, t_ms
        if ref is None or t_ms - ref_t > self.params.switch_window_ms:
            return False
        jump = float(np.linalg.norm(geom[0] - ref[0])) / ref[1]
        ratio = max(geom[1] / ref[1], ref[1] / geom[1])
        return jump > self.params.switch_jump or ratio > self.params.switch_scale

    def step(self, frame: PoseFrame) -> PoseFrame:
        """The filtered frame (same time and index; flags gain GATED / PERSON_SWITCH)."""
        p = self.params
        t_ms = float(frame.t_ms)
        if self._last_t is not None and t_ms - self._last_t > p.max_gap_ms:
            self._img.reset()
            self._world.reset()
        self._last_t = t_ms
        xyzv = np.array(frame.xyzv, np.float32, copy=True)
        world = None if frame.world is None else np.array(frame.world, np.float32, copy=True)
        flags = int(frame.flags)
        detected = bool(np.isfinite(xyzv[:, 0]).any())
        if detected:
            if self._is_switch(torso_geometry(xyzv, self.aspect), t_ms):
                self.switches += 1
                self._settle = p.settle_frames + 1
                self._img.reset()
                self._world.reset()
            if self._settle > 0:
                flags |= FLAG_PERSON_SWITCH
                self._settle -= 1
            vis = xyzv[:, 3]
            hidden = ~(vis >= p.visibility_threshold)
            xyzv[hidden, :3] = np.nan
            if world is not None:
                world[hidden] = np.nan
            if int((~hidden[_TORSO]).sum()) < p.min_torso_landmarks:
                flags |= FLAG_GATED
        if p.smooth:
            t_s = t_ms / 1000.0
            xyzv[:, :3] = self._img.step(xyzv[:, :3].reshape(-1), t_s).reshape(NUM_LANDMARKS, 3)
            if world is not None:
                world = self._world.step(world.reshape(-1), t_s).reshape(NUM_LANDMARKS, 3)
                world = world.astype(np.float32)
        return PoseFrame(t_ms, xyzv, world, flags, frame.index)

    def apply(self, series: PoseSeries) -> PoseSeries:
        """Filter a whole recording (starts from a reset); the params go in meta.extra."""
        self.reset()
        frames = [self.step(f) for f in series]
        extra = {**series.meta.extra, "filter": dataclasses.asdict(self.params)}
        meta = dataclasses.replace(series.meta, extra=extra)
        if not frames:
            return PoseSeries(series.t_ms, series.xyzv, series.world, series.flags, meta)
        out = PoseSeries.from_frames(frames, meta)
        if series.world is None:
            out = PoseSeries(out.t_ms, out.xyzv, None, out.flags, meta)
        return out


def filter_series(series: PoseSeries, params: FilterParams | None = None) -> PoseSeries:
    """``LandmarkFilter(params, aspect from series.meta).apply(series)``."""
    m = series.meta
    aspect = m.width / m.height if m.width > 0 and m.height > 0 else 1.0
    return LandmarkFilter(params, aspect).apply(series)
