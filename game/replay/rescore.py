"""Re-score a recorded session's landmarks through the scoring engine (analyze_series)
and compare with what was recorded live."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.replay.timeline import ReplayModel


@dataclass(frozen=True)
class Rescored:
    exercise_id: str
    t0_ms: float
    t1_ms: float
    recorded_reps: int
    rescored_reps: int
    recorded_mean_score: float | None
    rescored_mean_score: float | None
    rescored: tuple[Any, ...]  #: the engine's RepResult objects (times relative to the series)

    def line(self) -> str:
        def f(v: float | None) -> str:
            return "-" if v is None else f"{v:.0f}"
        return (f"{self.exercise_id}: recorded {self.recorded_reps} reps (mean score "
                f"{f(self.recorded_mean_score)}), re-scored {self.rescored_reps} reps (mean score "
                f"{f(self.rescored_mean_score)})")


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def rescore(model: ReplayModel, targets: dict[str, dict[str, float]] | None = None) -> list[Rescored]:
    """Each exercise's stretch of landmarks (first to last set or rep, plus 1 s either side)
    through ``analyze_series`` with the recorded target."""
    from tracking.exercise.analysis import analyze_series
    out = []
    by_ex: dict[str, list[float]] = {}
    for s in model.sets:
        if s.t_start_ms is not None:
            by_ex.setdefault(s.exercise_id, []).extend([s.t_start_ms, s.t_end_ms or s.t_start_ms])
    for m in model.marks:
        by_ex.setdefault(m.rep.exercise_id, []).extend([m.t0_ms, m.t1_ms])
    for ex_id, times in by_ex.items():
        t0, t1 = min(times) - 1000.0, max(times) + 1000.0
        part = model.series.between(t0, t1)
        recorded = [m.rep for m in model.marks if m.rep.exercise_id == ex_id]
        tg = dict((targets or {}).get(ex_id, {}))
        rec_targets = [r.target_deg for r in recorded if r.target_deg is not None]
        if "target" not in tg and rec_targets:
            tg["target"] = rec_targets[-1]
        result = analyze_series(part, ex_id, tg or None)
        reps = tuple(result.reps)
        out.append(Rescored(ex_id, t0, t1, len(recorded), len(reps),
                            _mean([r.score for r in recorded if r.score is not None]),
                            _mean([float(r.score) for r in reps]), reps))
    return out
