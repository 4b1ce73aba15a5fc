"""Tracking results -> game events. The game (HUD, feedback, scenes, recorder) only sees these.

``Bridge.step(frame, t_s)`` feeds one PoseFrame to the exercise tracker and answers with
game events. The tracker is H2's streaming ``ExerciseTracker`` when it is installed; until
then (and for exercises it does not know) a small local tracker counts repetitions of one
named joint angle with hysteresis and checks a few named faults, so the game is playable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

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
    range_deg: float  #: range reached
    stars: int
    reasons: tuple[str, ...] = ()


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
def joint_angle(xyz: np.ndarray, a: int, b: int, c: int) -> float:
    """Angle a-b-c at b in degrees (NaN when a point is missing)."""
    v1, v2 = xyz[a] - xyz[b], xyz[c] - xyz[b]
    n = float(np.linalg.norm(v1) * np.linalg.norm(v2))
    if not math.isfinite(n) or n < 1e-9:
        return float("nan")
    return math.degrees(math.acos(float(np.clip(v1 @ v2 / n, -1.0, 1.0))))


def _points(frame: PoseFrame) -> np.ndarray:
    return frame.world if frame.world is not None and np.isfinite(frame.world).any() \
        else frame.xyzv[:, :3]


def torso_visible(frame: PoseFrame, min_vis: float = 0.5) -> bool:
    idx = [int(i) for i in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)]
    v = frame.xyzv[idx]
    if not np.isfinite(v[:, :2]).all() or np.nan_to_num(v[:, 3], nan=1.0).min() < min_vis:
        return False
    return bool(((v[:, :2] > -0.02) & (v[:, :2] < 1.02)).all())  # inside the picture


# -- the local tracker (until H2's engine covers the exercise) -----------------------------
@dataclass(frozen=True)
class LocalExercise:
    """One exercise the local tracker knows: a primary angle (mean of both sides), start and
    target values, a hold at the target and named faults."""
    id: str
    name: str
    angle: Callable[[np.ndarray], float]
    start_deg: float
    target_deg: float
    hold_s: float = 0.0
    faults: tuple[tuple[FaultReading, Callable[[np.ndarray], bool]], ...] = ()


def _mean(*vals: float) -> float:
    ok = [v for v in vals if math.isfinite(v)]
    return sum(ok) / len(ok) if ok else float("nan")


def _abduction(p: np.ndarray) -> float:
    return _mean(joint_angle(p, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_ELBOW),
                 joint_angle(p, L.RIGHT_HIP, L.RIGHT_SHOULDER, L.RIGHT_ELBOW))


def _knee_flexion(p: np.ndarray) -> float:
    return 180.0 - _mean(joint_angle(p, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                         joint_angle(p, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))


def _elbows_bent(p: np.ndarray) -> bool:
    return min(joint_angle(p, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
               joint_angle(p, L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST)) < 145.0


def _side_lean(p: np.ndarray) -> bool:
    sh = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    hip = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    d = sh - hip
    return abs(math.degrees(math.atan2(abs(d[0]), abs(d[1]) + 1e-9))) > 10.0


LOCAL_EXERCISES: dict[str, LocalExercise] = {
    "arm_raise": LocalExercise(
        "arm_raise", "Arm raises", _abduction, 25.0, 150.0, 1.0,
        ((FaultReading("elbows_bent", "Keep your arms straight", 1), _elbows_bent),
         (FaultReading("side_lean", "Stand up tall", 2), _side_lean))),
    "squat": LocalExercise(
        "squat", "Mini squats", _knee_flexion, 15.0, 70.0, 0.0,
        ((FaultReading("side_lean", "Keep your weight even", 2), _side_lean),)),
}


@dataclass
class LocalTracker:
    """Counts repetitions of ``exercise.angle``: a rep starts when the angle leaves the
    start zone and counts when it returns after reaching 60 % of the way to the target."""
    exercise: LocalExercise
    target_fraction: float = 1.0  #: the level's share of the target range
    reps: int = 0
    _peak: float = float("nan")
    _in_rep: bool = False
    _hold_since: float | None = None
    _held: float = 0.0
    _hold_done: bool = False
    _faults_in_rep: set[str] = field(default_factory=set)

    @property
    def target_deg(self) -> float:
        e = self.exercise
        return e.start_deg + (e.target_deg - e.start_deg) * self.target_fraction

    def step(self, frame: PoseFrame, t_s: float) -> list[Any]:
        e, p = self.exercise, _points(frame)
        ang = e.angle(p)
        if not math.isfinite(ang):
            return []
        span = self.target_deg - e.start_deg
        prog = (ang - e.start_deg) / span if span else 0.0
        out: list[Any] = [AngleReading(ang, prog)]
        faults = tuple(f for f, check in e.faults if check(p))
        out.append(FaultsSeen(faults))
        if not self._in_rep and prog > 0.25:
            self._in_rep, self._peak, self._held, self._hold_done = True, ang, 0.0, False
            self._faults_in_rep = set()
        if self._in_rep:
            self._peak = max(self._peak, ang)
            self._faults_in_rep |= {f.fault for f in faults}
            if e.hold_s > 0 and prog >= 0.9:
                self._hold_since = t_s if self._hold_since is None else self._hold_since
                self._held = max(self._held, t_s - self._hold_since)
                out.append(HoldProgress(min(self._held, e.hold_s), e.hold_s))
                if self._held >= e.hold_s and not self._hold_done:
                    self._hold_done = True
                    out.append(HoldCompleted(self._held))
            else:
                self._hold_since = None
            if prog < 0.15:
                self._in_rep = False
                peak_prog = (self._peak - e.start_deg) / span if span else 0.0
                if peak_prog >= 0.6:
                    self.reps += 1
                    out.append(self._score(peak_prog))
        return out

    def _score(self, peak_prog: float) -> RepCompleted:
        e = self.exercise
        reasons = []
        score = 100.0 * min(1.0, peak_prog)
        if peak_prog < 0.95:
            reasons.append(f"reached {peak_prog:.0%} of the target range")
        if e.hold_s > 0 and self._held < e.hold_s:
            score -= 15.0 * (1 - self._held / e.hold_s)
            reasons.append(f"held {self._held:.1f} of {e.hold_s:.1f} s")
        for f in sorted(self._faults_in_rep):
            score -= 15.0
            reasons.append(f"fault: {f}")
        score = max(0.0, min(100.0, score))
        return RepCompleted(self.reps, round(score, 1), round(self._peak - e.start_deg, 1),
                            stars_for_score(score), tuple(reasons))


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
        events: list[Any] = []
        visible = frame is not None and torso_visible(frame)
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


def make_tracker(exercise_id: str, target_fraction: float = 1.0) -> Any:
    """The tracker for an exercise id (KeyError with the known ids when unknown)."""
    if exercise_id not in LOCAL_EXERCISES:
        raise KeyError(f"unknown exercise {exercise_id!r}; known: {', '.join(LOCAL_EXERCISES)}")
    return LocalTracker(LOCAL_EXERCISES[exercise_id], target_fraction)
