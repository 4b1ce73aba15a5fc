"""The session being played: the plan (what to do) and the log (what happened). Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.bridge import LOCAL_EXERCISES, RepCompleted


@dataclass(frozen=True)
class PlanItem:
    exercise_id: str
    name: str
    sets: int
    reps: int
    scene: str
    level: int = 1
    cap: int = 10


@dataclass(frozen=True)
class SessionPlan:
    patient: str
    items: tuple[PlanItem, ...]
    rest_s: float = 20.0


def default_plan(patient: str, exercise: str | None = None, scene: str | None = None,
                 short: bool = False) -> SessionPlan:
    """The built-in plan (until the patient has a therapist's plan): arm raises and mini
    squats, 2 sets of 8; ``short`` (unattended runs): one exercise, 2 sets of 3."""
    from scenes import scene_for_exercise  # scenes know which scene hosts which exercise

    ids = [exercise] if exercise else (["arm_raise"] if short else ["arm_raise", "squat"])
    items = []
    for ex in ids:
        if ex not in LOCAL_EXERCISES:
            raise KeyError(f"unknown exercise {ex!r}; known: {', '.join(LOCAL_EXERCISES)}")
        items.append(PlanItem(ex, LOCAL_EXERCISES[ex].name, 2, 3 if short else 8,
                              scene or scene_for_exercise(ex), level=3))
    return SessionPlan(patient, tuple(items), rest_s=3.0 if short else 20.0)


@dataclass
class SetLog:
    exercise_id: str
    set_no: int
    target_reps: int
    reps: list[RepCompleted] = field(default_factory=list)
    completed: bool = False

    @property
    def mean_score(self) -> float:
        return sum(r.score for r in self.reps) / len(self.reps) if self.reps else 0.0

    @property
    def stars(self) -> int:
        return round(sum(r.stars for r in self.reps) / len(self.reps)) if self.reps else 0


@dataclass
class SessionLog:
    patient: str
    pain_before: int | None = None
    pain_after: int | None = None
    sets: list[SetLog] = field(default_factory=list)
    states: list[str] = field(default_factory=list)  #: every state entered, in order
    scenes: list[str] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)  #: why each pause began
    calibration: dict[str, float] = field(default_factory=dict)
    cues: list[str] = field(default_factory=list)  #: cues shown, in order
    level_changes: list[str] = field(default_factory=list)
    stopped_early: bool = False

    def exercise_score(self, exercise_id: str) -> float:
        sets = [s for s in self.sets if s.exercise_id == exercise_id and s.reps]
        reps = [r.score for s in sets for r in s.reps]
        return sum(reps) / len(reps) if reps else 0.0

    @property
    def total_reps(self) -> int:
        return sum(len(s.reps) for s in self.sets)

    def summary_lines(self) -> list[str]:
        """The session summary in plain words (screen and stdout)."""
        lines = [f"Session summary for {self.patient}"]
        for s in self.sets:
            lines.append(f"  {LOCAL_EXERCISES[s.exercise_id].name if s.exercise_id in LOCAL_EXERCISES else s.exercise_id}"
                         f", set {s.set_no}: {len(s.reps)}/{s.target_reps} reps, "
                         f"score {s.mean_score:.0f}, stars {s.stars}")
        lines.append(f"  total repetitions: {self.total_reps}")
        pb = "-" if self.pain_before is None else str(self.pain_before)
        pa = "-" if self.pain_after is None else str(self.pain_after)
        lines.append(f"  pain before: {pb}/10, after: {pa}/10")
        if self.pauses:
            lines.append(f"  pauses: {len(self.pauses)} ({', '.join(self.pauses)})")
        if self.cues:
            lines.append(f"  form cues: {', '.join(dict.fromkeys(self.cues))}")
        lines.extend(f"  {c}" for c in self.level_changes)
        if self.stopped_early:
            lines.append("  stopped early (time limit)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient": self.patient, "pain_before": self.pain_before,
            "pain_after": self.pain_after, "states": self.states, "scenes": self.scenes,
            "pauses": self.pauses, "calibration": self.calibration, "cues": self.cues,
            "stopped_early": self.stopped_early, "level_changes": self.level_changes,
            "sets": [{"exercise": s.exercise_id, "set": s.set_no, "target_reps": s.target_reps,
                      "reps": [{"score": r.score, "range_deg": r.range_deg, "stars": r.stars}
                               for r in s.reps]} for s in self.sets],
        }
