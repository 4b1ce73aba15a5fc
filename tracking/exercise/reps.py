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
- input is smoothed by a causal median of the last 3 valid samples; samples that are NaN or
  below ``min_confidence`` are skipped; a gap longer than ``max_gap_s`` abandons a
  repetition in progress and restarts the baseline. A repetition still open when the
  input ends is not counted (partial), nor is one already under way when input starts
  (the baseline starts high and follows the signal down).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from tracking.exercise.holds import HoldTimer

REST, MOVING = 0, 1
#: the resting baseline is the lowest progress over this many seconds
BASELINE_WINDOW_S = 3.0


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
    _last_t: float | None = None

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
        self._buf.clear()
        self._win.clear()
        self._b = None

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

    def update(self, t_s: float, value: float, conf: float, may_start: bool = True) -> Outcome:
        """Feed one sample; ``may_start=False`` keeps a new repetition from starting."""
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
        p = sorted(buf)[1] if len(buf) == 3 else buf[-1]
        if p < 0.0:
            p = 0.0  # beyond the start, away from the target, is just "at the start"
        m = self._m
        if self.state == REST:
            win = self._win  # monotonic deque: the minimum over the last BASELINE_WINDOW_S
            while win and win[-1][1] >= p:
                win.pop()
            win.append((t_s, p))
            while win[0][0] < t_s - BASELINE_WINDOW_S:
                win.popleft()
            self._b = b = win[0][1]
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
            if p >= base + 0.5 * m and may_start:
                self.state = MOVING
                self._floor = None
                self.rep = OpenRep(self._t_low, self.value_of(b), p, t_s, self.value_of(p), conf)
                self.hold.reset()
                started = True
        else:
            rep = self.rep
            assert rep is not None and self._b is not None
            b = self._b
            if p > rep.peak_p:
                rep.peak_p, rep.peak_s, rep.peak_value, rep.peak_conf = p, t_s, self.value_of(p), conf
            if p >= rep.peak_p - 0.1:
                rep.conf_sum += conf
                rep.conf_n += 1
            progress, done = self.hold.update(t_s, p >= self._inside)
            if params.hold_s > 0:  # holds are timed for every repetition, announced for holds
                hold_progress, hold_completed = progress, done
            rep.hold_s = self.hold.best_s
            if p <= b + 0.4 * (rep.peak_p - b):
                rep.end_s = t_s
                self.state, self.rep = REST, None
                self._b, self._t_low = p, t_s
                self._win.clear()
                self._win.append((t_s, p))
                if rep.peak_p - b < m - 1e-9:
                    abandoned = "did not reach the minimum range"
                elif rep.end_s - rep.start_s < params.min_duration_s:
                    abandoned = "too quick to be a repetition"
                else:
                    self.last = rep
                    completed = True
        if started or completed or abandoned or hold_progress or hold_completed:
            return Outcome(started, completed, abandoned, hold_progress, hold_completed)
        return _QUIET


_QUIET = Outcome()
