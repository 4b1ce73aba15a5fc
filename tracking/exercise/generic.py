"""The generic counter (``--exercise auto``): count repetitions of a movement with no spec.

1. Candidate signals: every measure of the angle table (as the image shows it, and in 3D)
   plus the vertical and horizontal image trajectories of the main landmarks (in torso
   lengths). Frames below 0.3 confidence are gaps; a signal needs 80% of frames valid and a
   spread (5th to 95th percentile) of at least ``MIN_SALIENCE`` (8) times its jitter.
2. Each signal is gap-filled, smoothed (centred 0.2 s moving average) and linearly
   detrended. Its periodicity is the highest peak of its normalised autocorrelation at a lag
   between ``MIN_PERIOD_S`` (0.6 s) and half the series (the shortest lag within 85% of the
   best peak, so alternate repetitions do not double the period), times its mean
   confidence. Signals scoring at least half the best vote for their period (periods within
   15% agree); the strongest signal of the most supported period wins and is counted
   after subtracting its one-period moving average (slow drifts). Series too short for two cycles, or with no
   periodicity above ``MIN_PERIODICITY``, fall back to the signal whose range stands
   furthest above its frame-to-frame noise (a single repetition).
3. Counting: the signal is scaled by its spread (5th to 95th percentile) and a repetition
   is a complete excursion from the resting side (the side where the series starts, ends and
   mostly stays) past 65% of the spread and back below 35%, lasting at least half of
   ``MIN_PERIOD_S`` and ending at least ``MIN_PERIOD_S`` (and half the detected period)
   after the previous one. An excursion still open at the end is not counted, nor (with three
   or more counted) a first or last one lasting under half the median: the series began or
   ended inside it.
No parameter was fitted to a clip: the values are round numbers from the principles above
(human repetitions last over 0.6 s; a repetition crosses most of the movement's spread).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tracking.angles import ANGLES
from tracking.exercise.events import RepResult
from tracking.kinematics import angles
from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries

MIN_PERIOD_S = 0.6
MAX_PERIOD_S = 12.0
MIN_PERIODICITY = 0.3
MIN_VALID = 0.8
#: a movement's spread must be this many times its frame-to-frame jitter
MIN_SALIENCE = 8.0
SCALE_WINDOW_S = 3.0
#: an autocorrelation peak this close to the best one, at a shorter lag, is the true period
OCTAVE = 0.7
#: signals at least this periodic (relative to the most periodic one) vote on the period
RIVAL = 0.5
#: periods within this fraction of each other are the same period
PERIOD_MATCH = 0.15
ENTER, EXIT = 0.65, 0.35
#: Measures that carry a movement (compensation measures such as pelvic drop are left out).
GENERIC_MEASURES = ("knee_flexion", "hip_flexion", "elbow_flexion", "shoulder_flexion",
                    "shoulder_abduction", "shoulder_elevation", "hip_abduction",
                    "trunk_forward_lean", "hip_height")
TRAJECTORY_POINTS = (L.NOSE, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST,
                     L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)
ACROSS_POINTS = (L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_KNEE,
                 L.RIGHT_KNEE)


@dataclass(frozen=True)
class GenericResult:
    signal: str
    periodicity: float  #: autocorrelation at the chosen period (0 when the fallback chose)
    period_s: float
    reps: tuple[RepResult, ...]
    incomplete_at_end: bool

    @property
    def count(self) -> int:
        return len(self.reps)

    def describe(self) -> dict[str, Any]:
        return {"signal": self.signal, "periodicity": round(self.periodicity, 3),
                "period_s": round(self.period_s, 3)}


def candidate_signals(series: PoseSeries) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (values (T,), confidence (T,)) for every candidate signal."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    names = [n for n in ANGLES if ANGLES[n].base in GENERIC_MEASURES]
    for src in ("image", "world"):
        if src == "world" and series.world is None:
            continue
        for n, r in angles(series, names, "any", source=src).items():
            out[f"{n}@{src}"] = (r.value_deg, r.confidence)
    W = float(series.meta.width or 1)
    H = float(series.meta.height or 1)
    xy = series.xyzv[:, :, :2].astype(np.float64) * np.array([W, H])
    vis = np.nan_to_num(series.xyzv[:, :, 3].astype(np.float64))
    sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    hp = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    torso = np.linalg.norm(sh - hp, axis=1)
    if not np.isfinite(torso).any():
        return out
    # body size per frame (torso length averaged over SCALE_WINDOW_S): the person may walk
    # towards the camera; the long window keeps the movement itself out of the scale
    ok = np.isfinite(torso)
    idx = np.arange(len(torso))
    scale = _moving_average(np.interp(idx, idx[ok], torso[ok]),
                            max(1, int(round(SCALE_WINDOW_S * (series.fps or 30.0)))))
    for p in TRAJECTORY_POINTS:
        out[f"{p.name.lower()}_height@image"] = (-xy[:, p, 1] / scale, vis[:, p])
        if p in ACROSS_POINTS:
            out[f"{p.name.lower()}_across@image"] = (xy[:, p, 0] / scale, vis[:, p])
    for label, pt, (a, b) in (("mid_hip", hp, (L.LEFT_HIP, L.RIGHT_HIP)),
                              ("mid_shoulder", sh, (L.LEFT_SHOULDER, L.RIGHT_SHOULDER))):
        out[f"{label}_height@image"] = (-pt[:, 1] / scale, np.minimum(vis[:, a], vis[:, b]))
    return out


def _moving_average(x: np.ndarray, k: int) -> np.ndarray:
    """Centred moving average over ``k`` samples (edges padded with the edge value)."""
    if k <= 1 or len(x) < 2:
        return x
    pad = np.pad(x, (k // 2, k - 1 - k // 2), mode="edge")
    return np.convolve(pad, np.ones(k) / k, mode="valid")


def _prepare(v: np.ndarray, c: np.ndarray, fps: float) -> np.ndarray | None:
    ok = np.isfinite(v) & (c >= 0.3)
    if ok.mean() < MIN_VALID or ok.sum() < 4:
        return None
    idx = np.arange(len(v))
    x = np.interp(idx, idx[ok], v[ok])
    return _moving_average(x, max(1, int(round(0.2 * fps))))


def _periodicity(x: np.ndarray, fps: float) -> tuple[float, float]:
    """(strength, period_s): the highest normalised autocorrelation peak in the allowed lags."""
    n = len(x)
    y = x - np.polyval(np.polyfit(np.arange(n), x, 1), np.arange(n))
    var = float(np.dot(y, y))
    lo, hi = int(np.ceil(MIN_PERIOD_S * fps)), min(int(MAX_PERIOD_S * fps), n // 2)
    if var <= 1e-12 or hi <= lo + 1:
        return 0.0, 0.0
    f = np.fft.rfft(y, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[: hi + 2] / var
    ac = ac * n / (n - np.arange(len(ac)))  # unbiased: a lag sees fewer pairs
    peaks = [k for k in range(max(lo, 1), hi + 1) if ac[k] >= ac[k - 1] and ac[k] >= ac[k + 1]]
    if not peaks:
        return 0.0, 0.0
    top = max(float(ac[k]) for k in peaks)
    if top <= 0:
        return 0.0, 0.0
    # the shortest lag nearly as strong as the best: avoid counting every other repetition
    lag = next(k for k in peaks if ac[k] >= OCTAVE * top)
    return min(float(ac[lag]), 1.0), lag / fps


def _noise(raw: np.ndarray) -> float:
    """Robust standard deviation of frame-to-frame jitter (from second differences)."""
    return 1.4826 * float(np.median(np.abs(np.diff(raw, 2)))) / np.sqrt(6.0) if len(raw) > 3 else 0.0


def _spread(x: np.ndarray) -> float:
    return float(np.percentile(x, 95) - np.percentile(x, 5))


def _salience(raw: np.ndarray, x: np.ndarray) -> float:
    """One excursion's height above the start-to-end line, over the raw signal's noise."""
    n = len(x)
    k = max(1, n // 10)
    base = np.linspace(x[:k].mean(), x[-k:].mean(), n)
    excursion = float(np.max(np.abs(x - base)))
    return excursion / (_noise(raw) + 1e-9 * (1.0 + excursion))


def count_cycles(x: np.ndarray, t_s: np.ndarray,
                 period_s: float = 0.0) -> tuple[list[tuple[int, int, int]], bool]:
    """Complete excursions from the resting side: [(start, peak, end) indices], open_at_end.

    Successive repetitions end at least MIN_PERIOD_S and half the signal's period apart.
    """
    min_gap = max(MIN_PERIOD_S, 0.5 * period_s)
    lo, hi = np.percentile(x, 5), np.percentile(x, 95)
    if hi - lo <= 1e-9:
        return [], False
    z = (x - lo) / (hi - lo)
    if (z[0] + z[-1] + np.median(z)) / 3.0 > 0.5:  # rests high: count the dips
        z = 1.0 - z
    out: list[tuple[int, int, int]] = []
    state, start, peak = 0, -1, 0
    last_low = 0 if z[0] < 0.5 else -1  # a series may start a little into its first repetition
    for i, v in enumerate(z):
        if state == 0:
            if v < EXIT:
                last_low = i
            elif v > ENTER and last_low >= 0:
                state, start, peak = 1, last_low, i
        else:
            if v > z[peak]:
                peak = i
            if v < EXIT:
                # an excursion is about half a cycle; whole cycles last at least MIN_PERIOD_S
                if (t_s[i] - t_s[start] >= 0.5 * MIN_PERIOD_S
                        and (not out or t_s[i] - t_s[out[-1][2]] >= min_gap)):
                    out.append((start, peak, i))
                state, last_low = 0, i
    if len(out) >= 3:  # an end excursion under half the usual length: the series cut into it
        dur = [t_s[b] - t_s[a] for a, _, b in out]
        half = 0.5 * float(np.median(dur))
        if dur[-1] < half:
            out.pop()
        if dur[0] < half:
            out.pop(0)
    return out, state == 1


def count_generic(series: PoseSeries) -> GenericResult:
    """Find the repeating signal and count its complete cycles."""
    fps = series.fps or 30.0
    t = series.t_ms / 1000.0
    periodic: list[tuple[float, float, str, np.ndarray]] = []
    fallback: tuple[float, str, np.ndarray] | None = None
    for name, (v, c) in candidate_signals(series).items():
        v, c = np.asarray(v, np.float64), np.asarray(c, np.float64)
        x = _prepare(v, c, fps)
        if x is None:
            continue
        ok = np.isfinite(v) & (c >= 0.3)
        raw = np.interp(np.arange(len(v)), np.flatnonzero(ok), v[ok])
        if _spread(x) < MIN_SALIENCE * _noise(raw):
            continue  # no movement above the frame-to-frame jitter
        strength, period = _periodicity(x, fps)
        conf = float(np.mean(c[np.isfinite(v)]))
        periodic.append((strength * conf, period, name, x))
        sal = _salience(raw, x) * conf
        if fallback is None or sal > fallback[0]:
            fallback = (sal, name, x)
    if not periodic or fallback is None:
        return GenericResult("", 0.0, 0.0, (), False)
    top = max(p[0] for p in periodic)
    if top >= MIN_PERIODICITY:
        # the period most of the strongly periodic signals agree on, then its strongest signal
        rivals = [p for p in periodic if p[0] >= RIVAL * top and p[1] > 0]
        support = [sum(q[0] for q in rivals if abs(q[1] - p[1]) <= PERIOD_MATCH * p[1]) for p in rivals]
        chosen = rivals[int(np.argmax(support))]
        cluster = [q for q in rivals if abs(q[1] - chosen[1]) <= PERIOD_MATCH * chosen[1]]
        strength, period, name, x = max(cluster, key=lambda p: p[0])
        # remove slow drifts (walking towards the camera, settling): subtract a one-period mean
        x = x - _moving_average(x, max(2, int(round(period * fps))))
    else:
        strength, period, name, x = 0.0, 0.0, fallback[1], fallback[2]
    cycles, open_end = count_cycles(x, t, period)
    base = name.split("@")[0]  # heights and sideways positions are in torso lengths
    unit = ANGLES[base].unit if base in ANGLES else "torso"
    reps = tuple(RepResult(i + 1, "", float(t[a]), float(t[b]), float(t[p]), float(x[p]),
                           float(abs(x[p] - x[a])), 1.0, float("nan"), 0.0, (), None,
                           (f"counted on {name}",), unit, name)
                 for i, (a, p, b) in enumerate(cycles))
    return GenericResult(name, strength, period, reps, open_end)
