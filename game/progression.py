"""Difficulty levels per exercise. Pure: numbers in, numbers out.

A level rises after consistent success (``sessions_to_rise`` sessions in a row scoring at
least ``success_score`` without a pain rise), falls after struggle (``sessions_to_fall``
sessions in a row under ``struggle_score``) and falls at once after pain (pain after the
session ``pain_rise`` points above pain before, or at least ``pain_stop``). It never goes
beyond the therapist's cap, nor below 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

MIN_LEVEL = 1
MAX_LEVEL = 10


@dataclass(frozen=True)
class ProgressionRules:
    success_score: float = 80.0
    sessions_to_rise: int = 3
    struggle_score: float = 50.0
    sessions_to_fall: int = 2
    pain_rise: int = 2  #: pain after minus pain before at or above this: level falls
    pain_stop: int = 7  #: pain after at or above this: level falls

    def __post_init__(self) -> None:
        if not 0 <= self.struggle_score < self.success_score <= 100:
            raise ValueError("need 0 <= struggle_score < success_score <= 100")
        if self.sessions_to_rise < 1 or self.sessions_to_fall < 1:
            raise ValueError("sessions_to_rise and sessions_to_fall must be >= 1")


@dataclass(frozen=True)
class LevelState:
    """Where one patient stands on one exercise."""

    exercise_id: str
    level: int = 1
    cap: int = MAX_LEVEL  #: the therapist's maximum level for this patient and exercise
    success_streak: int = 0
    struggle_streak: int = 0

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.cap <= MAX_LEVEL:
            raise ValueError(f"cap must be {MIN_LEVEL}..{MAX_LEVEL}, got {self.cap}")
        if not MIN_LEVEL <= self.level <= MAX_LEVEL:
            raise ValueError(f"level must be {MIN_LEVEL}..{MAX_LEVEL}, got {self.level}")


@dataclass(frozen=True)
class SessionOutcome:
    """One session's result for one exercise: mean score 0-100 and pain 0-10 (None: not asked)."""

    score: float
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True)
class LevelChange:
    before: int
    after: int
    reason: str  #: plain words, shown to the patient and stored with the session

    @property
    def direction(self) -> int:
        return (self.after > self.before) - (self.after < self.before)


def _pain_flare(o: SessionOutcome, rules: ProgressionRules) -> bool:
    if o.pain_after is None:
        return False
    if o.pain_after >= rules.pain_stop:
        return True
    return o.pain_before is not None and o.pain_after - o.pain_before >= rules.pain_rise


def advance(state: LevelState, outcome: SessionOutcome,
            rules: ProgressionRules = ProgressionRules()) -> tuple[LevelState, LevelChange]:
    """The level after one more session, and why it changed (or did not)."""
    cap = state.cap
    level = min(state.level, cap)  # a cap lowered by the therapist applies at once
    if _pain_flare(outcome, rules):
        new = max(MIN_LEVEL, level - 1)
        why = "Pain went up, so we go one level easier." if new < level else \
            "Pain went up: we stay at the easiest level."
        return replace(state, level=new, success_streak=0, struggle_streak=0), \
            LevelChange(state.level, new, why)
    score = outcome.score if math.isfinite(outcome.score) else 0.0
    if score >= rules.success_score:
        streak = state.success_streak + 1
        if streak >= rules.sessions_to_rise and level < cap:
            return replace(state, level=level + 1, success_streak=0, struggle_streak=0), \
                LevelChange(state.level, level + 1, f"Great work: level {level + 1} reached!")
        return replace(state, level=level, success_streak=min(streak, rules.sessions_to_rise),
                       struggle_streak=0), LevelChange(state.level, level, "Good session.")
    if score < rules.struggle_score:
        streak = state.struggle_streak + 1
        if streak >= rules.sessions_to_fall and level > MIN_LEVEL:
            return replace(state, level=level - 1, success_streak=0, struggle_streak=0), \
                LevelChange(state.level, level - 1, "We go one level easier for now.")
        return replace(state, level=level, success_streak=0, struggle_streak=streak), \
            LevelChange(state.level, level, "A hard one: keep at it.")
    return replace(state, level=level, success_streak=0, struggle_streak=0), \
        LevelChange(state.level, level, "Steady session.")


def rule_text(state: LevelState, rules: ProgressionRules = ProgressionRules()) -> str:
    """What it takes to reach the next level, in plain words."""
    level = min(state.level, state.cap)
    if level >= state.cap:
        return f"Level {level} is your therapist's top level for this exercise."
    need = max(1, rules.sessions_to_rise - state.success_streak)
    score = f"{rules.success_score:g}+"
    if need == 1:
        return f"1 more session at {score} to reach level {level + 1}"
    return f"{need} more sessions at {score} to reach level {level + 1}"


@dataclass(frozen=True)
class LevelTargets:
    """What a level asks for, as fractions of the exercise's full prescription."""

    reps_fraction: float  #: of the prescribed repetitions
    range_fraction: float  #: of the target range of motion
    hold_fraction: float  #: of the prescribed hold time


def targets_for_level(level: int, cap: int = MAX_LEVEL) -> LevelTargets:
    """Level 1 asks 60 % of the reps, 70 % of the range and half the hold; each level adds a
    share until level 5 and above ask the full prescription. Capped at ``cap``."""
    lvl = max(MIN_LEVEL, min(level, cap, MAX_LEVEL))
    k = min(1.0, (lvl - 1) / 4.0)
    return LevelTargets(round(0.6 + 0.4 * k, 3), round(0.7 + 0.3 * k, 3), round(0.5 + 0.5 * k, 3))
