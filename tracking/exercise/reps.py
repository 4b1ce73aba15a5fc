"""Repetition detection on one primary-angle signal: a scalar, causal state machine.

The signal is normalised to progress ``p = (value - start) / (target - start)`` (0 at the
starting position, 1 at the target, whatever the direction). With ``m = min_range / span``:

- progress below 0 (past the start, away from the target) counts as 0;
- at rest the detector tracks a baseline ``b``: the lowest progress over the last 3 s (so a
  changed resting posture is followed, but a slow start of a movement is not);
- a repetition starts when ``p >= b + m / 2``; its start time is the last rest sample with
  ``p <= b + m / 10`` (movement onset). While held back (``may_start=False``: the other side
  is mid-repetition) the start threshold rides on the current value, so only movement made
  after the other side finished can start a repetition (its range is still measured from ``b``);
- it ends when ``p`` falls back to ``b + 0.4 (P - b)`` (``P`` the peak): the way back
  covered 60% of the excursion. It counts when ``P - b >= m`` and it lasted at least
  ``min_duration_s``; otherwise it is abandoned;
- input is de-spiked with one sample of delay: a sample is kept unless it lies beyond both
  neighbours by more than ``SPIKE`` (a tenth of the start-target span), and only then replaced
  by the median of the three (a plain 3-sample median would clip every true extreme). The
  repetition's peak VALUE is read from a 5-sample quadratic Savitzky-Golay smoothing of the
  de-spiked samples, which averages jitter about as much as a 3-sample median but keeps a
  smooth peak's height (its time and all decisions come from the de-spiked samples);
  samples that are NaN or below ``min_confidence`` are skipped; a gap longer than ``max_gap_s`` abandons a
  repetition in progress and restarts the baseline. A repetition still open when the
  input ends is not counted (partial), nor is one already under way when input starts
  (the baseline starts high and follows the signal down).

``relative`` primaries are measured from the patient's own resting reading (the baseline),
which is taken as ``start``: progress below 0 is not clipped, a hold counts within the
tolerance of baseline + span, and the tracker reports the peak as start + (peak - rest).
Without the clip at 0 a lowest-over-3-s baseline would sit on the noise's troughs, so their
baseline is the MEDIAN over the last 3 s at rest, and the tracker averages a relative primary
over ``smooth_s`` (RELATIVE_SMOOTH_S) before counting. After a repetition (counted or not)
a new one can start only once the reading has come back below the start threshold, and for
3 s the baseline stays the rest that repetition started from: the way back may
overshoot (a foot passing below the camera's line of sight dips in the image), and coming
back up from an overshoot is not a repetition; likewise for 3 s after the other side's
repetition held this side back, this side's rest from before it (the standing leg's hip
sags while the other leg is raised; its coming back is not a repetition).

``guessed`` samples (the tracker sets it for a primary read in 3D from an oblique view, or
from a front or side view that does not show its plane, with depth guessed by a one-camera
pose model such as MediaPipe: ``views.reads_guessed_depth``) are likewise averaged
over GUESSED_SMOOTH_S: that depth jitters by several degrees from frame to frame (about 3 deg
per frame for the trunk's lateral lean from 45 degrees on the virtual patient with MediaPipe-like
depth noise), enough to cut a long hold into many "repetitions" at the 60% way-back rule. Their
peak is the averaged one (no Savitzky-Golay height).
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from tracking.exercise.holds import HoldTimer

REST, MOVING = 0, 1
#: the resting baseline is the lowest progress over this many seconds
BASELINE_WINDOW_S = 3.0
#: a sample beyond both neighbours by more than this (progress units) is a spike
SPIKE = 0.1
#: relative primaries are averaged over this many seconds (causal) before counting
RELATIVE_SMOOTH_S = 0.3
#: and so is a sample read from depth the pose model guessed (``update(guessed=True)``)
GUESSED_SMOOTH_S = 0.3
#: a relative primary may start a repetition only this long after the signal was (re)acquired:
#: a pose model's first frames after it finds the person settle over a few frames (MediaPipe's
#: foot line about 0.3 s), and the rest's median over at least this long outvotes them
RELATIVE_MIN_REST_S = 0.8


def tangent(deg: float) -> float:
    """100 * tan of an angle in degrees: a primary counted through its tangent (the spec's
    ``tangent``, ExerciseTracker); NaN beyond 85 degrees."""
    return 100.0 * math.tan(math.radians(deg)) if abs(deg) < 85.0 else float("nan")


def untangent(t: float) -> float:
    """The angle in degrees whose ``tangent`` is ``t``."""
    return math.degrees(math.atan(t / 100.0))


def tangent_limits(start: float, target: float, min_range: float,
                   tolerance: float) -> tuple[float, float, float, float]:
    """A primary's start, target, minimum range and tolerance (degrees) as the detector of
    its ``tangent`` sees them: the ranges measured from the start and back from the target."""
    sgn = 1.0 if target > start else -1.0
    start_t, target_t = tangent(start), tangent(target)
    return (start_t, target_t, abs(tangent(start + sgn * min_range) - start_t),
            abs(target_t - tangent(target - sgn * tolerance)))


def despike3(prev: float, mid: float, nxt: float) -> float:
    """``mid`` unless it lies beyond both neighbours by more than SPIKE, else the median."""
    lo, hi = (prev, nxt) if prev <= nxt else (nxt, prev)
    if lo - SPIKE <= mid <= hi + SPIKE:
        return mid
    return lo if mid < lo else hi


def despike(x: np.ndarray) -> np.ndarray:
    """``despike3`` over a series, causal with one sample of delay (as RepDetector reads it):
    out[i] = despike3(x[i-2], x[i-1], x[i]); the first two samples are taken as they are."""
    x = np.asarray(x, np.float64)
    out = x.copy()
    if x.size >= 3:
        a, m, c = x[:-2], x[1:-1], x[2:]
        lo, hi = np.minimum(a, c), np.maximum(a, c)
        out[2:] = np.where(m < lo - SPIKE, lo, np.where(m > hi + SPIKE, hi, m))
    return out


#: 5-point quadratic Savitzky-Golay smoothing weights (value at the centre sample)
SG5 = (-3 / 35, 12 / 35, 17 / 35, 12 / 35, -3 / 35)


def clean(x: np.ndarray) -> np.ndarray:
    """``despike`` then the 5-point Savitzky-Golay smoothing, as RepDetector reads a series:
    out[i] is the smoothed value three samples back (the latest de-spiked value while fewer
    than 5 are available)."""
    d = despike(x)
    out = d.copy()
    if d.size >= 6:  # d[i] is the de-spiked sample i-1 (d[0], d[1] taken as they are)
        sg = sum(w * d[k:d.size - 4 + k] for k, w in enumerate(SG5))
        out[4:] = sg
    return out


def smooth_causal(t_s: np.ndarray, x: np.ndarray, window_s: float) -> np.ndarray:
    """Causal moving average of ``x`` over the last ``window_s`` seconds (as RepDetector with
    ``smooth_s``); ``window_s`` <= 0 returns ``x``."""
    x = np.asarray(x, np.float64)
    if window_s <= 0 or x.size == 0:
        return x
    t = np.asarray(t_s, np.float64)
    c = np.concatenate([[0.0], np.cumsum(x)])
    first = np.searchsorted(t, t - window_s, side="right")  # samples within (t - w, t]
    i = np.arange(x.size)
    return (c[i + 1] - c[first]) / (i + 1 - first)


@dataclass(frozen=True)
class RepParams:
    start: float
    target: float
    min_range: float
    tolerance: float = 10.0
    hold_s: float = 0.0
    min_duration_s: float = 0.3
    max_gap_s: float = 1.0
    min_confidence: float = 0.3
    relative: bool = False  #: measured from the resting baseline, not from ``start``
    smooth_s: float = 0.0  #: > 0: causal moving average over this many seconds (after de-spiking)


@dataclass(frozen=True)
class Outcome:
    """What one update produced (the tracker turns these into events)."""

    started: bool = False
    completed: bool = False
    abandoned: str = ""
    hold_progress: bool = False
    hold_completed: bool = False


@dataclass
class OpenRep:
    """The repetition in progress (or the one just finished)."""

    start_s: float
    start_value: float
    peak_p: float
    peak_s: float
    peak_value: float
    peak_conf: float
    end_s: float = 0.0
    hold_s: float = 0.0
    conf_sum: float = 0.0
    conf_n: int = 0
    peak_sg: float = float("-inf")  #: highest Savitzky-Golay-smoothed progress
    averaged: bool = False  #: some sample of it was averaged (``smooth_s`` or ``guessed``)


@dataclass
class RepDetector:
    params: RepParams
    state: int = REST
    rep: OpenRep | None = None
    last: OpenRep | None = None  #: the last completed repetition
    hold: HoldTimer = field(init=False)
    _buf: list = field(default_factory=list)
    _b: float | None = None
    _b_value: float = 0.0
    _t_low: float = 0.0
    _floor: float | None = None
    last_value: float = float("nan")
    _win: deque = field(default_factory=deque)
    _avg: deque = field(default_factory=deque)  #: (t, p) within smooth_s
    _dsp: list = field(default_factory=list)  #: the last 5 de-spiked samples
    _rest_hold: tuple = ()  #: relative: (until t, rest) the baseline may not fall below
    _held_rest: float | None = None  #: relative: the rest when the other side took over
    _armed: bool = True  #: relative: back near the rest since the last repetition ended
    _last_t: float | None = None
    _acquired_t: float | None = None  #: when the signal was (re)acquired (relative primaries)

    def __post_init__(self) -> None:
        self.hold = HoldTimer(self.params.hold_s)
        span = self.params.target - self.params.start
        self._span = span
        self._m = self.params.min_range / abs(span)
        self._inside = 1.0 - self.params.tolerance / abs(span)

    def progress(self, value: float) -> float:
        return (value - self.params.start) / self._span

    def value_of(self, p: float) -> float:
        return self.params.start + p * self._span

    def _reset(self) -> None:
        self._acquired_t = None
        self._buf.clear()
        self._dsp.clear()
        self._win.clear()
        self._avg.clear()
        self._b = None

    @property
    def rest_value(self) -> float | None:
        """The resting baseline as a value (None before any reading)."""
        return None if self._b is None else self.value_of(self._b)

    @property
    def confirmed(self) -> bool:
        """In a repetition that has already covered the minimum range."""
        return (self.state == MOVING and self.rep is not None and self._b is not None
                and self.rep.peak_p - self._b >= self._m - 1e-9)

    def cancel(self) -> None:
        """Drop the repetition in progress (the other side is the one moving); the signal
        must come back to rest before this detector can start again."""
        self.state, self.rep = REST, None
        self._floor = self.progress(self.last_value) if self.last_value == self.last_value else None

    def update(self, t_s: float, value: float, conf: float, may_start: bool = True,
               guessed: bool = False) -> Outcome:
        """Feed one sample; ``may_start=False`` keeps a new repetition from starting;
        ``guessed``: the sample was read from depth the pose model guessed (averaged over
        GUESSED_SMOOTH_S like a relative primary, see the module docstring)."""
        started = completed = hold_progress = hold_completed = False
        abandoned = ""
        params = self.params
        if not (value == value) or conf < params.min_confidence:  # NaN or unreliable
            if self._last_t is not None and t_s - self._last_t > params.max_gap_s:
                if self.state == MOVING:
                    abandoned = "lost sight of the movement"
                    self.state, self.rep = REST, None
                self._reset()
                self._last_t = None
            return Outcome(abandoned=abandoned) if abandoned else _QUIET
        if self._last_t is not None and t_s - self._last_t > params.max_gap_s:
            if self.state == MOVING:
                abandoned = "lost sight of the movement"
                self.state, self.rep = REST, None
            self._reset()
        self._last_t = t_s
        self.last_value = value
        buf = self._buf
        buf.append((value - params.start) / self._span)
        if len(buf) > 3:
            del buf[0]
        p = despike3(buf[0], buf[1], buf[2]) if len(buf) == 3 else buf[-1]
        dsp = self._dsp  # the smoothed copy the peak's height is read from (two samples later)
        dsp.append(p)
        if len(dsp) > 5:
            del dsp[0]
        if len(dsp) == 5:
            w0, w1, w2, w3, w4 = SG5
            sg = w0 * dsp[0] + w1 * dsp[1] + w2 * dsp[2] + w3 * dsp[3] + w4 * dsp[4]
        else:
            sg = p
        window = params.smooth_s if params.smooth_s > 0 else GUESSED_SMOOTH_S
        avg = self._avg  # kept for every sample, so a switch to averaging has its history
        avg.append((t_s, p))
        while avg[0][0] <= t_s - window:
            avg.popleft()
        averaged = params.smooth_s > 0 or guessed
        p_sample = p  # de-spiked, not averaged: the rest's median takes single samples
        if self._acquired_t is None:
            self._acquired_t = t_s
        if averaged:
            p = sum(x for _, x in avg) / len(avg)
        if p < 0.0 and not params.relative:
            p = 0.0  # beyond the start, away from the target, is just "at the start"
        m = self._m
        if self.state == REST:
            win = self._win
            if params.relative:  # the median over the last BASELINE_WINDOW_S (noise-proof)
                win.append((t_s, p_sample))  # averaging first would smear a bad frame over many
                while win[0][0] < t_s - BASELINE_WINDOW_S:
                    win.popleft()
                vals = sorted(x for _, x in win)
                b = vals[len(vals) // 2]
                if not may_start:  # the other side's repetition may drag this side's reading
                    if self._held_rest is None:
                        self._held_rest = b
                    self._rest_hold = (t_s + BASELINE_WINDOW_S, self._held_rest)
                else:
                    self._held_rest = None
                if self._rest_hold and t_s <= self._rest_hold[0]:
                    b = self._rest_hold[1]  # an overshoot, a drag or a false start is no new rest
            else:  # monotonic deque: the minimum over the last BASELINE_WINDOW_S
                while win and win[-1][1] >= p:
                    win.pop()
                win.append((t_s, p))
                while win[0][0] < t_s - BASELINE_WINDOW_S:
                    win.popleft()
                b = win[0][1]
            self._b = b
            if p <= b + 0.1 * m:
                self._t_low = t_s
            # held back (the other side is mid-repetition): the start threshold rides on the
            # current value, so movement made while held back does not count towards a start
            floor = self._floor
            if not may_start:
                floor = p
            elif floor is not None:
                floor = None if p <= b else min(floor, p)
            self._floor = floor
            base = b if floor is None else max(b, floor)
            if p < b + 0.5 * m:
                self._armed = True
            settled = not params.relative or t_s - self._acquired_t >= RELATIVE_MIN_REST_S
            if p >= base + 0.5 * m and may_start and self._armed and settled:
                self.state = MOVING
                self._floor = None
                self.rep = OpenRep(self._t_low, self.value_of(b), p, t_s, self.value_of(p), conf,
                                   averaged=averaged)
                self.hold.reset()
                started = True
        else:
            rep = self.rep
            assert rep is not None and self._b is not None
            b = self._b
            rep.averaged = rep.averaged or averaged
            if p > rep.peak_p:
                rep.peak_p, rep.peak_s, rep.peak_value, rep.peak_conf = p, t_s, self.value_of(p), conf
            if sg > rep.peak_sg:
                rep.peak_sg = sg
            if p >= rep.peak_p - 0.1:
                rep.conf_sum += conf
                rep.conf_n += 1
            progress, done = self.hold.update(t_s, (p - b if params.relative else p) >= self._inside)
            if params.hold_s > 0:  # holds are timed for every repetition, announced for holds
                hold_progress, hold_completed = progress, done
            rep.hold_s = self.hold.best_s
            if p <= b + 0.4 * (rep.peak_p - b):
                rep.end_s = t_s
                self.state, self.rep = REST, None
                if params.relative:  # the rest stays; re-armed once back near it
                    self._rest_hold, self._armed = (t_s + BASELINE_WINDOW_S, b), False
                self._b, self._t_low = p, t_s
                self._win.clear()
                self._win.append((t_s, p))
                if rep.peak_p - b < m - 1e-9:
                    abandoned = "did not reach the minimum range"
                elif rep.end_s - rep.start_s < params.min_duration_s:
                    abandoned = "too quick to be a repetition"
                else:
                    if not rep.averaged and rep.peak_sg > float("-inf"):  # the peak's height
                        rep.peak_value = self.value_of(max(rep.peak_sg, 0.0) if not params.relative
                                                       else rep.peak_sg)
                    self.last = rep
                    completed = True
        if started or completed or abandoned or hold_progress or hold_completed:
            return Outcome(started, completed, abandoned, hold_progress, hold_completed)
        return _QUIET


_QUIET = Outcome()
