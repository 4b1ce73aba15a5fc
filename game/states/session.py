"""The session being played: the plan (what to do) and the log (what happened). Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.bridge import RepCompleted


@dataclass(frozen=True)
class PlanItem:
    """One exercise of the session, with the therapist's prescription and caps."""
    exercise_id: str
    name: str
    sets: int
    reps: int
    scene: str
    level: int = 1
    cap: int = 10  #: the therapist's top level
    sides: str = "bilateral"  #: the spec's sides; "both": every set is done per side
    target: float | None = None  #: prescribed target (primary angle); None = the spec's
    hold_s: float | None = None
    max_target: float | None = None  #: cap: never ask for more range than this


@dataclass(frozen=True)
class SetSlot:
    """One set of one exercise (one side of a "both" exercise)."""
    item_index: int
    set_no: int
    side: str | None = None


@dataclass(frozen=True)
class SessionPlan:
    patient: str
    items: tuple[PlanItem, ...]
    rest_s: float = 20.0
    plan_id: str | None = None

    def slots(self) -> list[SetSlot]:
        out = []
        for i, item in enumerate(self.items):
            for n in range(1, item.sets + 1):
                sides = ("left", "right") if item.sides == "both" else (None,)
                out.extend(SetSlot(i, n, side) for side in sides)
        return out


DEFAULT_EXERCISES = ("mini_squat", "shoulder_abduction")


def _item(exercise_id: str, sets: int, reps: int, scene: str | None, **kw: Any) -> PlanItem:
    from scenes import scene_for_exercise
    from tracking.exercise.library import get_spec
    spec = get_spec(exercise_id)  # InputError naming the known ids when unknown
    return PlanItem(exercise_id, spec.name, sets, reps, scene or scene_for_exercise(spec),
                    sides=spec.sides, **kw)


def default_plan(patient: str, exercise: str | None = None, scene: str | None = None,
                 short: bool = False) -> SessionPlan:
    """The built-in plan (a patient without a therapist's plan): mini squats and shoulder
    abduction; ``short`` (unattended runs): one exercise, 2 sets of 3."""
    ids = [exercise] if exercise else (list(DEFAULT_EXERCISES[:1]) if short else
                                       list(DEFAULT_EXERCISES))
    items = tuple(_item(ex, 2 if short or ex == "mini_squat" else 1, 3 if short else 8,
                        scene, level=3) for ex in ids)
    return SessionPlan(patient, items, rest_s=3.0 if short else 20.0)


def plan_from_store(plan: Any, patient: str, scene: str | None = None,
                    levels: dict[str, int] | None = None) -> SessionPlan:
    """A therapist's plan (``game.plans.Plan``) as the session plan; caps carried over."""
    items = []
    for e in plan.exercises:
        cap = e.max_level if e.max_level else 10
        lvl = min(cap, (levels or {}).get(e.exercise_id, 3))
        reps = min(e.reps, e.max_reps) if e.max_reps else e.reps
        items.append(_item(e.exercise_id, e.sets, reps, scene, level=lvl, cap=cap,
                           target=e.target_angle_deg, hold_s=e.hold_s,
                           max_target=e.max_target_angle_deg))
    return SessionPlan(patient, tuple(items), plan_id=plan.id)


@dataclass
class SetLog:
    exercise_id: str
    set_no: int
    target_reps: int
    side: str | None = None
    name: str = ""
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
    view_hints: list[str] = field(default_factory=list)  #: camera-placement hints shown
    level_changes: list[str] = field(default_factory=list)
    stopped_early: bool = False
    #: why it stopped early: "time limit", "input ended" or "window closed" ("" if it did not)
    stop_reason: str = ""
    session_id: str | None = None  #: the store's id when the session was recorded

    def exercise_score(self, exercise_id: str) -> float:
        sets = [s for s in self.sets if s.exercise_id == exercise_id and s.reps]
        reps = [r.score for s in sets for r in s.reps]
        return sum(reps) / len(reps) if reps else 0.0

    @property
    def total_reps(self) -> int:
        return sum(len(s.reps) for s in self.sets)

    def stop(self, reason: str) -> None:
        """The session ends before its plan is done (``reason`` in plain words)."""
        self.stopped_early, self.stop_reason = True, reason

    def summary_lines(self) -> list[str]:
        """The session summary in plain words (screen and stdout)."""
        lines = [f"Session summary for {self.patient}"]
        for s in self.sets:
            side = f" ({s.side})" if s.side else ""
            lines.append(f"  {s.name or s.exercise_id}, set {s.set_no}{side}: {len(s.reps)}/"
                         f"{s.target_reps} reps, score {s.mean_score:.0f}, stars {s.stars}")
        lines.append(f"  total repetitions: {self.total_reps}")
        pb = "-" if self.pain_before is None else str(self.pain_before)
        pa = "-" if self.pain_after is None else str(self.pain_after)
        lines.append(f"  pain before: {pb}/10, after: {pa}/10")
        if self.pauses:
            lines.append(f"  pauses: {len(self.pauses)} ({', '.join(self.pauses)})")
        if self.cues:
            lines.append(f"  form cues: {', '.join(dict.fromkeys(self.cues))}")
        if self.view_hints:
            lines.append(f"  camera: {', '.join(dict.fromkeys(self.view_hints))}")
        lines.extend(f"  {c}" for c in self.level_changes)
        if self.stopped_early:
            lines.append(f"  stopped early ({self.stop_reason or 'before the plan was done'})")
        if self.session_id:
            lines.append(f"  recorded as session {self.session_id}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient": self.patient, "session_id": self.session_id,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after, "states": self.states, "scenes": self.scenes,
            "pauses": self.pauses, "calibration": self.calibration, "cues": self.cues,
            "view_hints": self.view_hints,
            "stopped_early": self.stopped_early, "stop_reason": self.stop_reason,
            "level_changes": self.level_changes,
            "sets": [{"exercise": s.exercise_id, "set": s.set_no, "side": s.side,
                      "target_reps": s.target_reps,
                      "reps": [{"score": r.score, "range_deg": r.range_deg, "stars": r.stars}
                               for r in s.reps]} for s in self.sets],
        }
