"""Offline analysis of a recorded series: ``analyze_series(series, spec | id | "auto")``.

With a spec (or an exercise id) the series goes through the same ExerciseTracker the game
uses live. With ``"auto"`` the generic counter (tracking.exercise.generic) finds the
repeating signal and counts it; those repetitions are counted, not scored.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from tracking.exercise.events import Event, RepAbandoned, RepResult
from tracking.exercise.library import get_spec
from tracking.exercise.scoring import summarize
from tracking.exercise.spec import ExerciseSpec
from tracking.exercise.tracker import ExerciseTracker
from tracking.series import PoseSeries

#: A pause longer than this between repetitions starts a new set (offline analysis).
SET_BREAK_S = 20.0


@dataclass(frozen=True)
class AnalysisResult:
    exercise: str  #: the spec id, or "auto"
    reps: tuple[RepResult, ...]
    events: tuple[Event, ...] = ()
    duration_s: float = 0.0
    detection_rate: float = 0.0
    incomplete_at_end: bool = False  #: a repetition was under way when the series ended
    generic: dict[str, Any] = field(default_factory=dict)  #: the auto counter's signal and period

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def sets(self) -> list[dict[str, Any]]:
        """Repetitions grouped into sets by pauses longer than SET_BREAK_S."""
        groups: list[list[RepResult]] = []
        for r in self.reps:
            if groups and r.start_s - groups[-1][-1].end_s <= SET_BREAK_S:
                groups[-1].append(r)
            else:
                groups.append([r])
        return [{"index": i + 1, "start_s": round(g[0].start_s, 3), "end_s": round(g[-1].end_s, 3),
                 **summarize(g)} for i, g in enumerate(groups)]

    def to_dict(self) -> dict[str, Any]:
        total = summarize(self.reps)
        return {
            "exercise": self.exercise,
            "rep_count": self.rep_count,
            "duration_s": round(self.duration_s, 3),
            "detection_rate": round(self.detection_rate, 3),
            "incomplete_at_end": self.incomplete_at_end,
            "reps": [r.to_dict() for r in self.reps],
            "sets": self.sets(),
            "session": total,
            "symmetry": total["symmetry"],
            "consistency": total["consistency"],
            "abandoned": [e.to_dict() for e in self.events if isinstance(e, RepAbandoned)],
            **({"generic": self.generic} if self.generic else {}),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text (``to_dict`` with NaN written as null)."""
        return json.dumps(_clean(self.to_dict()), indent=indent, allow_nan=False)


def _clean(o: Any) -> Any:
    """JSON-safe copy: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, (bool, str)) or o is None:
        return o
    if isinstance(o, (int, np.integer)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return float(o) if math.isfinite(o) else None
    return str(o)


def analyze_series(series: PoseSeries, exercise: ExerciseSpec | str,
                   targets: Mapping[str, Any] | None = None, view: str | None = None) -> AnalysisResult:
    """Count, time and score the repetitions of one exercise in a recorded series."""
    if isinstance(exercise, str) and exercise == "auto":
        from tracking.exercise.generic import count_generic
        g = count_generic(series)
        return AnalysisResult("auto", g.reps, (), series.duration_s, series.detection_rate,
                              g.incomplete_at_end, g.describe())
    spec = get_spec(exercise) if isinstance(exercise, str) else exercise
    tracker = ExerciseTracker(spec, targets, series.meta.width, series.meta.height, view)
    events = tracker.run_series(series)
    open_rep = any(ch.detector.rep is not None for ch in tracker.channels)
    return AnalysisResult(spec.id, tuple(tracker.reps), tuple(events), series.duration_s,
                          series.detection_rate, open_rep)
