"""Numbers behind reports and exports: per-session summaries, weekly adherence, pain.

Exercise time of a session = from the start of its first set to the end of its last set
(rests between sets included; menus, check-ins and pauses outside sets excluded).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from game.sessions.models import Plan, RepRecord, Session, SetRecord


#: the units a repetition's range may be in (the engine's ``RepResult.unit``): degrees, or
#: percent (of torso length or hip width: heights counted by view / relative primaries)
UNITS = ("deg", "pct")
UNIT_WORDS = {"deg": "degrees", "pct": "percent"}


def rep_unit(rep: RepRecord) -> str:
    """The unit of a repetition's ``range_deg``/``target_deg`` (the recorder keeps the
    engine's ``unit`` in ``details``); repetitions recorded without one are in degrees."""
    u = (rep.details or {}).get("unit")
    return u if u in UNITS else "deg"


def rep_measure(rep: RepRecord) -> str:
    """The measure the repetition was counted by ("" when not recorded)."""
    m = (rep.details or {}).get("measure")
    return m if isinstance(m, str) else ""


def unit_symbol(unit: str, html: bool = False) -> str:
    """"deg" -> the degree sign; "pct" -> "%"."""
    return ("&deg;" if html else " deg") if unit == "deg" else "%"


@dataclass(frozen=True)
class ExerciseInfo:
    """What reports need to know about an exercise (from the engine's spec when there is one)."""

    id: str
    name: str
    category: str = ""
    direction: str = "increase"  #: the primary angle increases or decreases towards the target
    tolerance_deg: float = 5.0
    angle: str = ""
    #: view primaries and their second cues: (measure, direction, tolerance) of the measures
    #: counted instead of ``angle`` from some camera views (their repetitions say so in
    #: ``details["measure"]``)
    view_primaries: tuple[tuple[str, str, float], ...] = ()

    def rule_for(self, measure: str) -> tuple[str, float]:
        """(direction, tolerance) of the measure a repetition was counted by."""
        for m, d, tol in self.view_primaries:
            if m == measure and m != self.angle:
                return d, tol
        return self.direction, self.tolerance_deg


def exercise_info(exercise_id: str) -> ExerciseInfo:
    try:
        from tracking.exercise.library import library
        spec = library().get(exercise_id)
    except ImportError:
        spec = None
    if spec is None:
        return ExerciseInfo(exercise_id, exercise_id.replace("_", " ").capitalize())
    vps = [vp for vp in (spec.front_primary, spec.side_primary) if vp is not None]
    views = tuple((vp.angle, vp.direction, float(vp.tolerance)) for vp in vps) + tuple(
        (vp.also.angle, vp.also.direction, float(vp.also.tolerance))
        for vp in vps if vp.also is not None)
    return ExerciseInfo(spec.id, spec.name, spec.category, spec.primary.direction,
                        float(spec.primary.tolerance), spec.primary.angle, views)


def met_target(rep: RepRecord, info: ExerciseInfo) -> bool | None:
    """Did the repetition reach its target (within the tolerance of the measure it was
    counted by)? None if unknown."""
    if rep.range_deg is None or rep.target_deg is None:
        return None
    direction, tol = info.rule_for(rep_measure(rep))
    if direction == "decrease":
        return rep.range_deg <= rep.target_deg + tol
    return rep.range_deg >= rep.target_deg - tol


@dataclass(frozen=True)
class ExerciseSummary:
    exercise_id: str
    reps: int
    best_deg: float | None
    mean_deg: float | None
    target_deg: float | None
    mean_score: float | None
    met: int  #: repetitions that reached the target
    faults: dict[str, int] = field(default_factory=dict)
    #: the unit of best/mean/target ("deg" or "pct"): the unit most of its repetitions were
    #: counted in (only those enter best and mean; a camera view may count another measure)
    unit: str = "deg"
    measure: str = ""  #: the measure those repetitions were counted by ("" unknown)


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    exercises: tuple[ExerciseSummary, ...]
    reps: int
    mean_score: float | None
    exercise_s: float
    minutes_by_exercise: dict[str, float]
    pain_before: int | None
    pain_after: int | None
    frames: int

    @property
    def day(self) -> date:
        return self.session.local_start.date()


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def exercise_span_s(sets: list[SetRecord], reps: list[RepRecord]) -> float:
    starts = [s.t_start_ms for s in sets if s.t_start_ms is not None] + [r.t_start_ms for r in reps]
    ends = [s.t_end_ms for s in sets if s.t_end_ms is not None] + [r.t_end_ms for r in reps]
    return max(0.0, (max(ends) - min(starts)) / 1000.0) if starts and ends else 0.0


def minutes_by_exercise(sets: list[SetRecord], reps: list[RepRecord]) -> dict[str, float]:
    """Exercise time split over exercises in proportion to their sets' durations."""
    span_min = exercise_span_s(sets, reps) / 60.0
    own: dict[str, float] = {}
    for s in sets:
        own[s.exercise_id] = own.get(s.exercise_id, 0.0) + s.duration_s
    for r in reps:  # exercises whose sets were never opened: their reps' time
        if not any(s.exercise_id == r.exercise_id for s in sets):
            own[r.exercise_id] = own.get(r.exercise_id, 0.0) + r.duration_s
    total = sum(own.values())
    if total <= 0:
        return {k: span_min / len(own) for k in own} if own else {}
    return {k: span_min * v / total for k, v in own.items()}


def main_unit(reps: list[RepRecord]) -> tuple[str, str]:
    """(unit, measure) most of ``reps`` were counted in (a tie: the later repetition's)."""
    keys = [(rep_unit(r), rep_measure(r)) for r in reps]
    if not keys:
        return "deg", ""
    return max(reversed(keys), key=keys.count)


def summarise(store: Any, session: Session) -> SessionSummary:
    reps = store.reps(session.id)
    sets = store.sets(session.id)
    by_ex: dict[str, list[RepRecord]] = {}
    for r in reps:
        by_ex.setdefault(r.exercise_id, []).append(r)
    exercises = []
    for ex_id, rs in by_ex.items():
        info = exercise_info(ex_id)
        unit, measure = main_unit(rs)
        same = [r for r in rs if rep_unit(r) == unit and rep_measure(r) == measure]
        vals = [r.range_deg for r in same if r.range_deg is not None]
        faults: dict[str, int] = {}
        for r in rs:
            for f in r.faults:
                faults[f] = faults.get(f, 0) + 1
        direction = info.rule_for(measure)[0]
        best = (min(vals) if direction == "decrease" else max(vals)) if vals else None
        targets = [r.target_deg for r in same if r.target_deg is not None]
        exercises.append(ExerciseSummary(ex_id, len(rs), best, _mean(vals), targets[-1] if targets else None,
                                         _mean([r.score for r in rs if r.score is not None]),
                                         sum(1 for r in rs if met_target(r, info)), faults,
                                         unit, measure))
    pain = {p.when: p.score for p in store.pain(session.id)}
    return SessionSummary(session, tuple(exercises), len(reps),
                          _mean([r.score for r in reps if r.score is not None]),
                          exercise_span_s(sets, reps), minutes_by_exercise(sets, reps),
                          pain.get("before"), pain.get("after"),
                          sum(c[3] for c in store.chunk_index(session.id)))


@dataclass(frozen=True)
class WeekAdherence:
    monday: date
    days: int  #: distinct days with a session that has repetitions or landmarks
    target: int | None


def active_days(summaries: list[SessionSummary]) -> list[date]:
    return sorted({s.day for s in summaries if s.reps > 0 or s.frames > 0})


def weekly_adherence(summaries: list[SessionSummary], plan: Plan | None,
                     until: date | None = None) -> list[WeekAdherence]:
    days = active_days(summaries)
    if not days and plan is None:
        return []
    first = days[0] if days else date.today()
    if plan is not None and plan.start_date:
        first = min(first, date.fromisoformat(plan.start_date))
    last = until or (days[-1] if days else first)
    monday = first - timedelta(days=first.weekday())
    out = []
    while monday <= last:
        n = sum(1 for d in days if monday <= d < monday + timedelta(days=7))
        out.append(WeekAdherence(monday, n, plan.days_per_week if plan else None))
        monday += timedelta(days=7)
    return out
