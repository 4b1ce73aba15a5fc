"""Typed records of the session store: frozen dataclasses, numbers and strings only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

#: Session status values.
RECORDING = "recording"
FINISHED = "finished"
INTERRUPTED = "interrupted"
STATUSES = (RECORDING, FINISHED, INTERRUPTED)

#: Pain check-in moments.
PAIN_BEFORE = "before"
PAIN_AFTER = "after"


def local_datetime(epoch_s: float, utc_offset_min: int) -> datetime:
    """The wall-clock time where the session happened."""
    return datetime.fromtimestamp(epoch_s, timezone(timedelta(minutes=utc_offset_min)))


@dataclass(frozen=True)
class Patient:
    """A patient known by a pseudonymous id (no name is required)."""

    id: str
    display_name: str = ""
    created_at: float = 0.0  #: epoch seconds
    notes: str = ""


@dataclass(frozen=True)
class PlanExercise:
    """One exercise of a therapist's plan."""

    exercise_id: str
    sets: int
    reps: int
    target_angle_deg: float | None = None  #: the range to aim for (the exercise's primary angle)
    hold_s: float | None = None  #: hold at the target, seconds
    max_reps: int | None = None  #: cap: never ask for more repetitions per set
    max_target_angle_deg: float | None = None  #: cap: never ask for more range than this
    max_level: int | None = None  #: cap: highest difficulty level the game may reach
    side: str = "both"  #: "left", "right" or "both"
    cpt: str = ""  #: billing-support code override ("97110" or "97530"); "" = from category
    notes: str = ""


@dataclass(frozen=True)
class Plan:
    """A therapist's prescription for one patient."""

    id: str
    patient_id: str
    title: str
    exercises: tuple[PlanExercise, ...]
    days_per_week: int
    start_date: str = ""  #: ISO date the plan starts ("" = when imported)
    therapist: str = ""
    notes: str = ""
    source: str = ""  #: file the plan came from

    def exercise(self, exercise_id: str) -> PlanExercise | None:
        return next((e for e in self.exercises if e.exercise_id == exercise_id), None)


@dataclass(frozen=True)
class Session:
    """One exercise session at one station."""

    id: str
    patient_id: str
    plan_id: str | None
    scene: str
    source_desc: str
    started_at: float  #: epoch seconds
    utc_offset_min: int
    status: str
    ended_at: float | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    host: str = ""

    @property
    def local_start(self) -> datetime:
        return local_datetime(self.started_at, self.utc_offset_min)

    @property
    def duration_s(self) -> float:
        return 0.0 if self.ended_at is None else max(0.0, self.ended_at - self.started_at)


@dataclass(frozen=True)
class SetRecord:
    """One set of one exercise within a session (times relative to the landmark clock)."""

    session_id: str
    exercise_id: str
    set_index: int
    side: str = ""
    target_reps: int | None = None
    t_start_ms: float | None = None
    t_end_ms: float | None = None

    @property
    def duration_s(self) -> float:
        if self.t_start_ms is None or self.t_end_ms is None:
            return 0.0
        return max(0.0, (self.t_end_ms - self.t_start_ms) / 1000.0)


@dataclass(frozen=True)
class RepRecord:
    """One scored repetition."""

    session_id: str
    exercise_id: str
    set_index: int
    rep_index: int
    t_start_ms: float
    t_end_ms: float
    range_deg: float | None = None  #: primary angle reached (the engine's peak_deg), comparable to target_deg
    target_deg: float | None = None
    confidence: float | None = None  #: 0..1 confidence of the range reading
    hold_s: float | None = None
    score: float | None = None  #: 0..100
    faults: tuple[str, ...] = ()
    side: str = ""
    details: dict[str, Any] = field(default_factory=dict)  #: everything else the scorer said

    @property
    def duration_s(self) -> float:
        return max(0.0, (self.t_end_ms - self.t_start_ms) / 1000.0)


@dataclass(frozen=True)
class Event:
    """A game or scoring event (name plus a JSON payload)."""

    session_id: str
    t_ms: float
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PainCheckin:
    """Pain on the 0-10 numeric rating scale, before or after a session."""

    session_id: str
    when: str  #: PAIN_BEFORE or PAIN_AFTER
    score: int
    at: float = 0.0  #: epoch seconds
