"""Tracking results -> game events. The game (HUD, feedback, scenes, recorder) only sees these.

``Bridge.step(frame, t_s)`` feeds one PoseFrame to the exercise tracker (the engine's streaming
``ExerciseTracker`` for the exercise's spec) and answers with game events; it adds presence
events (the patient left / came back) for the automatic pause.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from game.feedback import FaultReading, stars_for_score
from tracking.landmarks import Landmark as L
from tracking.series import PoseFrame


# -- game events --------------------------------------------------------------------------
@dataclass(frozen=True)
class AngleReading:
    """The primary angle now, and how far it is from start (0) to target (1)."""
    angle_deg: float
    progress: float


@dataclass(frozen=True)
class RepCompleted:
    rep: int  #: 1-based count in this set
    score: float  #: 0-100
    range_deg: float  #: range of motion reached (degrees, or the measure's unit)
    stars: int
    reasons: tuple[str, ...] = ()
    side: str = ""
    result: Any = None  #: the engine's RepResult (for the recorder), when the engine made it


@dataclass(frozen=True)
class FaultsSeen:
    """Faults seen in this frame (possibly none): input for the cue selector."""
    faults: tuple[FaultReading, ...]


@dataclass(frozen=True)
class HoldProgress:
    elapsed_s: float
    target_s: float


@dataclass(frozen=True)
class HoldCompleted:
    held_s: float


@dataclass(frozen=True)
class PersonLost:
    pass


@dataclass(frozen=True)
class PersonFound:
    pass


GameEvent = (AngleReading | RepCompleted | FaultsSeen | HoldProgress | HoldCompleted | PersonLost
             | PersonFound)


# -- angles -------------------------------------------------------------------------------
def torso_visible(frame: PoseFrame, min_vis: float = 0.5) -> bool:
    """A shoulder and a hip are seen inside the picture (a side view hides the far side)."""
    def seen(lm: L) -> bool:
        p = frame.xyzv[int(lm)]
        return bool(np.isfinite(p[:2]).all() and (not np.isfinite(p[3]) or p[3] >= min_vis)
                    and -0.02 < p[0] < 1.02 and -0.02 < p[1] < 1.02)
    return (seen(L.LEFT_SHOULDER) or seen(L.RIGHT_SHOULDER)) and \
        (seen(L.LEFT_HIP) or seen(L.RIGHT_HIP))


# -- the exercise engine, wrapped for the game --------------------------------------------
SEVERITY_PRIORITY = {"major": 1, "moderate": 2, "minor": 3}


def primary_names(spec: Any, side: str | None) -> tuple[str, ...]:
    """The measure name(s) of a spec's primary angle for ``side`` (both sides if None)."""
    from tracking.angles import ANGLES, SIDED, resolve
    base = spec.primary.angle
    if base in ANGLES and base not in SIDED:
        return (base,)
    if side in ("left", "right"):
        return (resolve(base, side[0]),)
    return tuple(SIDED[base]) if base in SIDED else (base,)


def _finite_mean(vals: list[float]) -> float:
    ok = [v for v in vals if math.isfinite(v)]
    return sum(ok) / len(ok) if ok else float("nan")


@dataclass
class SpecTracker:
    """The engine's streaming ``ExerciseTracker`` for one set (one side of a "both" exercise), plus
    what the HUD needs each frame: the primary angle and the faults active now (a FormFault
    from the engine has already persisted its minimum time; it stays active ``fault_hold_s``).
    """
    spec: Any
    side: str | None = None
    targets: dict[str, float] = field(default_factory=dict)
    width: int = 0
    height: int = 0
    fault_hold_s: float = 2.0
    reps: int = 0
    engine: Any = None
    #: the pose backend of the frames (``SeriesMeta.backend``): depth cameras and the virtual
    #: patient have their faults judged from any view, a one-camera model only where it can see
    backend: str = ""
    _active: dict[str, tuple[float, FaultReading]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from tracking.exercise.tracker import ExerciseTracker
        self.engine = ExerciseTracker(self.spec, self.targets or None, self.width, self.height,
                                      side=self.side)
        self.names = primary_names(self.spec, self.side)

    @property
    def target_deg(self) -> float:
        return float(self.targets.get("target", self.spec.primary.target))

    def progress(self, value: float) -> float:
        if hasattr(self.engine, "progress"):  # the measure the engine counts (view primaries)
            return float(self.engine.progress(value))
        p = self.spec.primary
        span = self.target_deg - p.start
        return (value - p.start) / span if span else 0.0

    def primary_value(self, frame: PoseFrame) -> float:
        from tracking.kinematics import frame_angles
        vals = frame_angles(frame, self.names, "any", self.width, self.height)
        return _finite_mean([v for v, c in vals.values() if c >= 0.3])

    def step(self, frame: PoseFrame, t_s: float) -> list[Any]:
        out: list[Any] = []
        events = self.engine.step(frame, self.backend)
        last = getattr(self.engine, "last_primary", None)  # the engine's own reading
        if last is not None:
            val = _finite_mean([v for v, c in last.values() if c >= 0.3])
        else:
            val = self.primary_value(frame)
        if math.isfinite(val):
            out.append(AngleReading(val, self.progress(val)))
        for ev in events:
            kind = type(ev).__name__
            if kind == "FormFault":
                self._active[ev.name] = (t_s, FaultReading(
                    ev.name, ev.cue, SEVERITY_PRIORITY.get(ev.severity, 2), confirmed=True))
            elif kind == "HoldProgress":
                out.append(HoldProgress(ev.elapsed_s, ev.target_s))
            elif kind == "HoldCompleted":
                out.append(HoldCompleted(ev.held_s))
            elif kind == "RepCompleted":
                r = ev.rep
                self.reps += 1
                out.append(RepCompleted(self.reps, round(float(r.score), 1),
                                        round(float(r.rom_deg), 1), stars_for_score(r.score),
                                        tuple(r.reasons), ev.side, r))
        self._active = {k: v for k, v in self._active.items() if t_s - v[0] < self.fault_hold_s}
        out.append(FaultsSeen(tuple(f for _, f in self._active.values())))
        return out


# -- the bridge ---------------------------------------------------------------------------
@dataclass
class Bridge:
    """Feeds frames to a tracker; adds presence events (lost after ``lost_after_s`` without
    a visible torso, found again after ``found_after_s`` of seeing one)."""
    tracker: Any
    lost_after_s: float = 1.0
    found_after_s: float = 0.5
    present: bool = True
    _last_seen: float | None = None
    _seen_since: float | None = None

    def step(self, frame: PoseFrame | None, t_s: float) -> list[Any]:
        """``frame`` None means "no new result yet" (live tracking runs at its own pace)."""
        events: list[Any] = []
        if frame is None:
            return events
        visible = torso_visible(frame)
        if visible:
            self._last_seen = t_s
            self._seen_since = t_s if self._seen_since is None else self._seen_since
            if not self.present and t_s - self._seen_since >= self.found_after_s:
                self.present = True
                events.append(PersonFound())
        else:
            self._seen_since = None
            last = self._last_seen if self._last_seen is not None else t_s
            if self._last_seen is None:
                self._last_seen = t_s
            if self.present and t_s - last >= self.lost_after_s:
                self.present = False
                events.append(PersonLost())
        if visible and self.present and frame is not None:
            events.extend(self.tracker.step(frame, t_s))
        return events


def make_tracker(exercise_id: str, side: str | None = None,
                 targets: dict[str, float] | None = None, width: int = 0,
                 height: int = 0, backend: str = "") -> SpecTracker:
    """The tracker for an exercise id of the library (InputError naming the known ids)."""
    from tracking.exercise.library import get_spec
    return SpecTracker(get_spec(exercise_id), side, dict(targets or {}), width, height,
                       backend=backend)
