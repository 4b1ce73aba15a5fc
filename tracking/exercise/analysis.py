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
from tracking.exercise.holds import HoldTimer
from tracking.exercise.library import get_spec
from tracking.exercise.reps import GUESSED_SMOOTH_S, clean, smooth_causal, tangent, untangent
from tracking.exercise.scoring import score_rep, summarize
from tracking.exercise.spec import ExerciseSpec
from tracking.exercise.tracker import MIN_CONFIDENCE, ExerciseTracker
from tracking.kinematics import angles_arrays
from tracking.series import PoseSeries
from tracking.views import auto_views, near_side

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
                   targets: Mapping[str, Any] | None = None, view: str | None = None,
                   side: str | None = None) -> AnalysisResult:
    """Count, time and score the repetitions of one exercise in a recorded series.

    ``side`` ("left"/"right") restricts a sided exercise to that side."""
    if isinstance(exercise, str) and exercise == "auto":
        from tracking.exercise.generic import count_generic
        g = count_generic(series)
        return AnalysisResult("auto", g.reps, (), series.duration_s, series.detection_rate,
                              g.incomplete_at_end, g.describe())
    spec = get_spec(exercise) if isinstance(exercise, str) else exercise
    tracker = ExerciseTracker(spec, targets, series.meta.width, series.meta.height, view, side)
    events = tracker.run_series(series)
    open_rep = any(ch.detector.rep is not None for ch in tracker.channels)
    return AnalysisResult(spec.id, tuple(tracker.reps), tuple(events), series.duration_s,
                          series.detection_rate, open_rep)


def _views(tr: ExerciseTracker, series: PoseSeries) -> list[str]:
    """Per frame, the view the tracker reads ``series`` from (auto: decided from the body)."""
    if tr.view == "auto":
        return list(auto_views(series.xyzv, series.world, tr.width, tr.height)) if len(series) else []
    return [tr.view] * len(series)


def _counted(spec: ExerciseSpec, series: PoseSeries, targets: Mapping[str, Any] | None,
             view: str | None) -> tuple[ExerciseTracker, PoseSeries, list[str]]:
    """The tracker as it would count ``series``, its primary settled as ``run_series`` settles
    it (the view primary of the told view, or of the first frame seen squarely from the front
    or side in auto view; a ``guessed_depth_only`` one only for the series' backend), with the
    series from that frame on when a view primary is counted (the tracker ignores the frames
    before it), and the per-frame views."""
    tr = ExerciseTracker(spec, targets, series.meta.width, series.meta.height, view)
    views = _views(tr, series)
    if tr.primary_pending:  # the tracker's own choice (ExerciseTracker.settle_primary)
        k = next((i for i, v in enumerate(views) if v != "any"), None)
        if k is not None:
            tr.settle_primary(views[k], series.meta.backend)
            if tr.counted_view is not None and k > 0:
                series = series.slice(k, len(series))
                views = _views(tr, series)
    return tr, series, views


def score_repetition(series: PoseSeries, exercise: ExerciseSpec | str, side: str | None = None,
                     targets: Mapping[str, Any] | None = None, view: str | None = None) -> RepResult:
    """Score a series that holds exactly ONE repetition (a segmented recording) as that repetition.

    No counting: the repetition runs from the first to the last frame; its peak is the
    frame closest to the target (de-spiked as the tracker reads it), its start the median
    reading of the first 0.3 s (the patient at rest; a relative primary's rest); relative fault
    rules start from the first seen frame. ``side`` ("left"/"right") picks the counted side
    of a sided exercise; None takes the side that moved more.

    The measure is the one ``analyze_series`` counts from the same view: a view primary
    (``[front_primary]``/``[side_primary]``) for the told view, or in auto view (``view``
    None) for the first frame seen squarely from the front or side (the frames before it are
    then not part of the repetition), ``guessed_depth_only`` ones only for a guessing
    ``series.meta.backend``; read with its ``source``; a bilateral primary side-on from the
    near side; a planar primary read from guessed depth in an oblique frame averaged over
    ``GUESSED_SMOOTH_S``. ``RepResult.unit``/``measure`` say which (e.g. "pct", hip height).
    A view primary's second cue (spec ``also``) is not used here: the view primary is scored
    (docs/exercises.md "A second cue").
    """
    spec = get_spec(exercise) if isinstance(exercise, str) else exercise
    if side is not None and side not in {c.side for c in ExerciseTracker(spec, targets).channels}:
        raise ValueError(f"side {side!r} is not tracked for {spec.id} (sides = {spec.sides})")
    tr, series, views = _counted(spec, series, targets, view)
    if len(series) == 0:
        raise ValueError(f"{spec.id}: the series has no frames")
    auto = tr.view == "auto"
    r = angles_arrays(series.xyzv, series.world, tr.names, tr.view, tr.width, tr.height,
                      views=views if auto else None)
    src = tr.spec.primary.source
    if src != "auto":  # the view primary's own source
        prim = tuple(sorted({n for c in tr.channels for n in c.names}))
        r.update(angles_arrays(series.xyzv, series.world, prim, "any", tr.width, tr.height, src))
    switch = (series.flags & 1).astype(bool)  # FLAG_PERSON_SWITCH: not this patient
    side_on = np.array([v == "side" for v in views], bool)
    near = np.where(side_on, near_side(series.xyzv, series.world), 0.0)
    guessed = np.array([tr.reads_guessed_depth(v, series.meta.backend) for v in views], bool)
    t = series.t_ms / 1000.0
    p = tr.params
    best = None
    for ch in tr.channels:
        if side is not None and ch.side not in (side, ""):  # "": an either-side view primary
            continue
        vals = np.stack([r[n].value_deg for n in ch.names])
        if tr.counts_tangent:  # the tracker counts 100 * tan of the angle (spec ``tangent``)
            vals = np.vectorize(tangent, otypes=[float])(vals)
        confs = np.stack([r[n].confidence for n in ch.names])
        ok = np.isfinite(vals) & (confs >= MIN_CONFIDENCE) & ~switch
        if len(ch.names) == 2 and not ch.either:  # side-on: the near side only (far one hidden)
            ok &= np.stack([near >= 0, near <= 0])
        n_ok = ok.sum(axis=0)
        if ch.either:  # the side further from the start
            sgn = 1.0 if p.target > p.start else -1.0
            pick = np.argmax(np.where(ok, sgn * vals, -np.inf), axis=0)
            v = np.where(n_ok > 0, np.take_along_axis(vals, pick[None], 0)[0], np.nan)
            c = np.where(n_ok > 0, np.take_along_axis(confs, pick[None], 0)[0], 0.0)
        else:
            v = np.where(n_ok > 0, np.where(ok, vals, 0.0).sum(axis=0) / np.maximum(n_ok, 1), np.nan)
            c = np.where(n_ok > 0, np.where(ok, confs, 0.0).sum(axis=0) / np.maximum(n_ok, 1), 0.0)
        idx = np.flatnonzero(np.isfinite(v))
        if idx.size == 0:
            continue
        raw = (v[idx] - p.start) / (p.target - p.start)
        cl = clean(raw)
        if p.smooth_s > 0:
            med = smooth_causal(t[idx], cl, p.smooth_s)
        else:  # guessed depth from an oblique frame: averaged, as RepDetector(guessed=True)
            med = np.where(guessed[idx], smooth_causal(t[idx], cl, GUESSED_SMOOTH_S), cl)
        rest = float(np.median(med[t[idx] - t[idx[0]] <= 0.3]))  # the first 0.3 s: at rest
        if p.relative:  # measured from the patient's own rest
            med, rest = med - rest, 0.0
        k = int(np.argmax(med))
        excursion = med[k] - max(rest, 0.0)
        if best is None or excursion > best[0]:
            best = (excursion, ch, rest, c, idx, med, k)
    if best is None:
        raise ValueError(f"{spec.id}: the primary angle is never seen in this series")
    _, ch, rest, c, idx, med, k = best
    peak_value = p.start + float(max(med[k], 0.0)) * (p.target - p.start)
    start_value = p.start + max(rest, 0.0) * (p.target - p.start)  # beyond start: at start
    if tr.counts_tangent:  # back to degrees, as the tracker reports them
        peak_value, start_value = untangent(peak_value), untangent(start_value)
    hold = HoldTimer(tr.hold_s)
    inside = 1.0 - p.tolerance / abs(p.target - p.start)
    for i, m in zip(idx, med):
        hold.update(float(t[i]), m >= inside)
    mi = tr._mon_idx[tr.channels.index(ch)]
    vis = tr._fault_visibility(series.xyzv, series.world, tr.width, tr.height, series.meta.backend)
    for mon, j in zip(ch.monitors, mi):
        name = tr.names[j]
        fv = np.where(switch, np.nan, r[name].value_deg)
        fc = np.where(switch, 0.0, r[name].confidence)
        if vis and name in vis:  # judged only where the camera shows the measure's plane
            fc = fc * vis[name]
        first = np.flatnonzero(np.isfinite(fv) & (fc >= MIN_CONFIDENCE))
        if first.size:
            mon.rest(float(fv[first[0]]), float(fc[first[0]]))
        mon.begin()
        for i in range(len(t)):
            mon.update(float(t[i]), float(fv[i]), float(fc[i]))
    hits = tuple(h for h in (m.hit() for m in ch.monitors) if h is not None)
    top = idx[med >= med[k] - 0.1]
    conf = float(np.mean(c[top])) if top.size else 0.0
    duration = float(t[-1] - t[0]) if len(t) else 0.0
    score, reasons = score_rep(tr.goal, peak_value, duration, hold.best_s, conf, hits)
    return RepResult(1, ch.side, float(t[0]), float(t[-1]), float(t[idx[k]]), peak_value,
                     abs(peak_value - start_value), conf, tr.goal.target, hold.best_s, hits, score,
                     reasons, tr.unit, tr.spec.primary.angle)
