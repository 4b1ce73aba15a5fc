"""ExerciseTracker: the streaming exercise engine, used live by the game and by offline analysis.

``step(frame)`` computes the spec's measures for one frame and runs the scalar state
machines (repetitions, holds, faults); ``run_series(series)`` computes the measures for a
whole series at once (vectorised) and feeds the very same state machines, so live and
offline results agree frame for frame.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np

from tracking.angles import ANGLES, SIDED, resolve
from tracking.exercise.events import (Event, FormFault, HoldCompleted, HoldProgress, RepAbandoned,
                                      RepCompleted, RepResult, RepStarted, SetCompleted)
from tracking.exercise.faults import FaultMonitor
from tracking.exercise.reps import (MOVING, RELATIVE_SMOOTH_S, RepDetector, RepParams, tangent,
                                   tangent_limits, untangent)
from tracking.exercise.scoring import Goal, score_rep, summarize
from tracking.exercise.second_cue import CLAIMED, SecondCueCounter
from tracking.exercise.spec import ExerciseSpec, check_targets
from tracking.kinematics import angles_arrays, frame_angles
from tracking.views import (auto_views, fault_visibility, guesses_depth, near_side,
                            reads_guessed_depth)
from tracking.series import PoseFrame, PoseSeries

SIDE = {"l": "left", "r": "right"}
MIN_CONFIDENCE = 0.3


@dataclass
class _Channel:
    """One independently counted side (or both sides together for bilateral movements)."""

    side: str  #: "left", "right" or ""
    names: tuple[str, ...]  #: primary measure(s); two are averaged (bilateral sided angle)
    detector: RepDetector
    monitors: list[FaultMonitor]
    either: bool = False  #: two names: count the one further from start (sides = "either")


class ExerciseTracker:
    """Counts, times and scores one exercise from a stream of PoseFrames."""

    def __init__(self, spec: ExerciseSpec, targets: Mapping[str, Any] | None = None,
                 width: int = 0, height: int = 0, view: str | None = None,
                 side: str | None = None) -> None:
        """``side`` ("left"/"right") tracks only that side of a sided exercise (e.g. the
        current set of a "both" exercise); None tracks the sides the spec names."""
        self._init_args = (spec, targets, width, height, view, side)
        #: auto view and view primaries: which primary is settled at the first front/side frame
        #: (a told view's ``guessed_depth_only`` primary: at the first frame, by its backend)
        told = spec.view_primary(view)
        self.primary_pending = (view in (None, "auto") and (
            spec.front_primary is not None or spec.side_primary is not None)) or (
            told is not None and told.guessed_depth_only)
        #: the view whose primary ([front_primary]/[side_primary]) is counted, or None
        self.counted_view: str | None = None
        if told is not None and not told.guessed_depth_only:
            spec, targets = self._for_view(spec, targets, view)  # type: ignore[arg-type]
            self.counted_view = view
        self.spec = spec
        if side not in (None, "left", "right"):
            raise ValueError(f"side must be left, right or None, got {side!r}")
        self.side = side
        self.targets = check_targets(targets)
        self.width, self.height = width, height
        self.view = view or "auto"  # per frame, from how the body faces the camera
        p = spec.primary
        target = self.targets.get("target", p.target)
        if (target - p.start) * (p.target - p.start) <= 0:
            raise ValueError(f"target {target} of {spec.id} must lie beyond its start {p.start:g} "
                             f"towards {p.target:g}")
        span = abs(target - p.start)
        self.hold_s = self.targets.get("hold_s", spec.hold_s)
        self.reps_per_set = int(self.targets.get("reps", spec.reps))
        min_range, tol = min(p.min_range, 0.8 * span), min(p.tolerance, 0.5 * span)
        #: counted through the tangent (spec ``tangent``): the detector sees 100 * tan of the
        #: measure, its numbers converted likewise; peaks are reported back in degrees
        self.counts_tangent = p.tangent
        start_c, target_c, min_range, tol = (tangent_limits(p.start, target, min_range, tol)
                                             if p.tangent else (p.start, target, min_range, tol))
        self.params = RepParams(start_c, target_c, min_range, tol, self.hold_s,
                                min_confidence=MIN_CONFIDENCE, relative=p.relative,
                                smooth_s=RELATIVE_SMOOTH_S if p.relative else 0.0)
        #: the unit of the counted measure ("deg", or "pct" for heights): peak/rom/target of
        #: every RepResult are in it (RepResult.unit)
        self.unit = ANGLES[self._any_name(p.angle)].unit
        self.goal = Goal(p.start, target, self.unit, spec.tempo.total_s, self.hold_s)
        self.channels = [self._channel(side) for side in self._sides()]
        #: a view primary's second cue (spec ``also``; tracking/exercise/second_cue.py)
        self.second = None if p.also is None else SecondCueCounter.build(
            p.also, self.hold_s, spec.tempo.total_s, spec.tempo.down_s, MIN_CONFIDENCE)
        self.names = tuple(sorted({n for c in self.channels for n in c.names}
                                  | {m.angle for c in self.channels for m in c.monitors}
                                  | set(self.second.names if self.second else ())))
        pos = {n: j for j, n in enumerate(self.names)}
        self._also_idx = tuple(pos[n] for n in self.second.names) if self.second else ()
        self._prim_names = tuple(sorted({n for c in self.channels for n in c.names}))
        self._prim_source = p.source
        #: the primary's plane: where a view cannot show it, guessed depth is averaged
        self._prim_plane = ANGLES[self._any_name(p.angle)].plane
        self._prim_idx = [tuple(pos[n] for n in c.names) for c in self.channels]
        self._mon_idx = [[pos[m.angle] for m in c.monitors] for c in self.channels]
        #: per channel, the other channels (one side at a time)
        self._others = [[o for o in self.channels if o is not c] for c in self.channels]
        #: side -> (value, confidence) of the primary angle in the latest frame (for a HUD)
        self.last_primary: dict[str, tuple[float, float]] = {}
        #: fault measures (judged only where the camera shows their plane and, for one side's
        #: limb, where that side is not hidden: views.fault_visibility)
        self._gated = tuple(sorted({m.angle for c in self.channels for m in c.monitors}))
        self._view_now: str | None = None  # the live auto view (hysteresis state)
        self.near_now = 0.0  #: side-on (step): 1 / -1 the left / right side faces the camera
        self.reps: list[RepResult] = []
        self.events: list[Event] = []
        self._set_counts: dict[str, int] = {}
        self._set_index = 1

    # -- construction ---------------------------------------------------------------------
    @staticmethod
    def _for_view(spec: ExerciseSpec, targets: Mapping[str, Any] | None,
                  view: str) -> tuple[ExerciseSpec, dict]:
        """The spec counted from ``view``: its view primary (front_primary / side_primary)
        as the primary (a patient's target in the primary's units no longer applies)."""
        vp = spec.view_primary(view)
        assert vp is not None
        return (replace(spec, primary=vp, front_primary=None, side_primary=None),
                {k: v for k, v in (targets or {}).items() if k != "target"})

    def settle_primary(self, view: str, backend: str) -> None:
        """At the first frame seen squarely from the front or side, switch to that view's
        primary where the spec has one (else keep the primary); only before any event. A
        ``guessed_depth_only`` view primary only where ``backend`` guesses depth."""
        if view not in ("front", "side") or self.events:
            self.primary_pending = self.primary_pending and not self.events
            return
        self.primary_pending = False
        vp = self.spec.view_primary(view)
        if vp is not None and (not vp.guessed_depth_only or guesses_depth(backend)):
            spec, targets, width, height, told, side = self._init_args
            spec, targets = self._for_view(spec, targets, view)
            state = self._view_now
            self.__init__(spec, targets, width, height, told or "auto", side)  # type: ignore[misc]
            self.primary_pending, self._view_now, self.counted_view = False, state, view

    def progress(self, value: float, side: str = "") -> float:
        """How far ``value`` of the counted measure is from start (0) to target (1): for a
        HUD (a relative primary counts from the side's resting reading)."""
        p = self.params
        if self.counts_tangent:  # the detector counts the tangent
            value = tangent(value)
        rest = p.start
        if p.relative:
            ch = next((c for c in self.channels if c.side == side), self.channels[0])
            r = ch.detector.rest_value
            rest = p.start if r is None else r
        return (value - rest) / (p.target - p.start)

    @staticmethod
    def _any_name(name: str) -> str:
        return name if name in ANGLES else SIDED[name][0]

    def _sides(self) -> list[str]:
        if self.spec.primary.sides == "either":
            return [""]
        s = self.spec.sides
        codes = {"left": ["l"], "right": ["r"], "both": ["l", "r"], "alternating": ["l", "r"]}.get(s, [""])
        if self.side and codes != [""]:
            codes = [self.side[0]]
        return codes

    def _channel(self, code: str) -> _Channel:
        prim = self.spec.primary.angle
        if code:
            names: tuple[str, ...] = (resolve(prim, code),)
        elif prim in ANGLES and self.spec.primary.sides != "either":
            names = (prim,)
        else:
            names = SIDED[prim]
        monitors = []
        for rule in self.spec.faults:
            a = rule.angle
            sided = a in SIDED and (a not in ANGLES or (code and rule.side != "none"))
            if not sided:
                monitors.append(FaultMonitor(rule, a, SIDE.get(code, "")))
            elif code:
                c = code if rule.side != "opposite" else ("r" if code == "l" else "l")
                monitors.append(FaultMonitor(rule, resolve(a, c), SIDE[code]))
            else:
                for c in ("l", "r"):
                    monitors.append(FaultMonitor(rule, resolve(a, c), SIDE[c]))
        return _Channel(SIDE.get(code, ""), names, RepDetector(self.params), monitors,
                        either=self.spec.primary.sides == "either")

    # -- streaming ------------------------------------------------------------------------
    def step(self, frame: PoseFrame, backend: str = "") -> list[Event]:
        """Feed one live frame; returns the events it caused (often none). ``backend``: the
        series' pose backend (``SeriesMeta.backend``; depth cameras judge faults from any view)."""
        world = None if frame.world is None else frame.world[None]
        prev = self._view_now
        if self.view == "auto":
            self._view_now = auto_views(frame.xyzv[None], world, self.width, self.height, prev)[-1]
            if self.primary_pending:
                self.settle_primary(self._view_now, backend)
        elif self.primary_pending:
            self.settle_primary(self.view, backend)
        if frame.flags & 1:  # FLAG_PERSON_SWITCH: not this patient's movement
            vals = {n: (float("nan"), 0.0) for n in self.names}
            vis = None
        else:
            vals = frame_angles(frame, self.names, self.view, self.width, self.height,
                                view_start=prev)
            if self._prim_source != "auto":  # the view primary's own source
                vals.update(frame_angles(frame, self._prim_names, "any", self.width, self.height,
                                         self._prim_source))
            vis = self._fault_visibility(frame.xyzv[None], world, self.width, self.height, backend)
        V = [(vals[n][0],) for n in self.names]
        C = [(vals[n][1],) for n in self.names]
        CF = [(vals[n][1] * float(vis[n][0]),) if vis and n in vis else c
              for n, c in zip(self.names, C)]
        view = self.view_now
        self.near_now = float(near_side(frame.xyzv[None], world)[0]) if view == "side" else 0.0
        return self._step(frame.t_ms / 1000.0, 0, V, C, CF, [self.near_now],
                          [self.reads_guessed_depth(view, backend)])

    def reads_guessed_depth(self, view: str | None, backend: str) -> bool:
        """The primary is read from depth a one-camera pose model guessed in this view
        (``views.reads_guessed_depth``): the detector then averages it."""
        return reads_guessed_depth(self._prim_plane, view, self._prim_source, backend)

    def step_values(self, t_s: float, vals: Mapping[str, tuple[float, float]]) -> list[Event]:
        """Feed one frame's measures ({name: (value, confidence)}); returns its events.
        (No view gating of faults here: the confidences are taken as given.)"""
        V = [(vals[n][0],) for n in self.names]
        C = [(vals[n][1],) for n in self.names]
        return self._step(t_s, 0, V, C, C)

    def _fault_visibility(self, xyzv, world, w: int, h: int, backend: str) -> dict | None:
        """Per gated fault measure, the (T,) factor on its confidence (None: no gating)."""
        if not self._gated or not guesses_depth(backend):
            return None
        return fault_visibility(self._gated, xyzv, world, w, h)

    def _step(self, t_s: float, i: int, V: list, C: list, CF: list,
              near: list | None = None, guessed: list | None = None) -> list[Event]:
        """One frame: ``V[j][i]``, ``C[j][i]`` are value and confidence of ``self.names[j]``;
        ``CF[j][i]`` the confidence its fault rules use; ``near[i]`` 1/-1 when the left/right
        side faces a side camera (a bilateral primary then reads that side only), else 0;
        ``guessed[i]``: the primary is read from guessed depth (RepDetector averages it)."""
        g = bool(guessed[i]) if guessed is not None else False
        events: list[Event] = []
        for ch, idx, midx, others in zip(self.channels, self._prim_idx, self._mon_idx, self._others):
            if len(idx) == 2 and near is not None and near[i] and not ch.either:
                idx = (idx[0] if near[i] > 0 else idx[1],)  # the far limb is hidden: near side only
            if len(idx) == 1:
                v, c = V[idx[0]][i], C[idx[0]][i]
            elif ch.either:  # whichever side is further from the start (the other may be hidden)
                ok = [(V[j][i], C[j][i]) for j in idx if V[j][i] == V[j][i] and C[j][i] >= MIN_CONFIDENCE]
                sgn = 1.0 if self.params.target > self.params.start else -1.0
                v, c = max(ok, key=lambda vc: sgn * vc[0]) if ok else (float("nan"), 0.0)
            else:
                ok = [(V[j][i], C[j][i]) for j in idx if V[j][i] == V[j][i] and C[j][i] >= MIN_CONFIDENCE]
                v = sum(x for x, _ in ok) / len(ok) if ok else float("nan")
                c = sum(y for _, y in ok) / len(ok) if ok else 0.0
            self.last_primary[ch.side] = (v, c)
            if self.counts_tangent:
                v = tangent(v)
            det = ch.detector
            # one side at a time: the other side's sympathetic movement is not a repetition
            may_start = True
            for o in others:
                if o.detector.confirmed:
                    may_start = False
                    break
            out = det.update(t_s, v, c, may_start, g)
            if out.abandoned:
                events.append(RepAbandoned(t_s, ch.side, out.abandoned))
            if det.confirmed:
                for o in others:
                    if o.detector.state == MOVING and not o.detector.confirmed:
                        o.detector.cancel()
                        events.append(RepAbandoned(t_s, o.side, "the other side is doing the repetition"))
            if out.started:
                events.append(RepStarted(t_s, ch.side))
                for m in ch.monitors:
                    m.begin()
            if det.state == MOVING:
                for m, j in zip(ch.monitors, midx):
                    if m.update(t_s, V[j][i], CF[j][i]):
                        r = m.rule
                        events.append(FormFault(t_s, m.side, r.name, r.cue, r.severity,
                                                round(float(m.worst), 1), r.limit))
            else:
                for m, j in zip(ch.monitors, midx):
                    m.rest(V[j][i], CF[j][i])
            if out.hold_progress:
                events.append(HoldProgress(t_s, ch.side, round(det.hold.elapsed_s, 2), self.hold_s))
            if out.hold_completed:
                events.append(HoldCompleted(t_s, ch.side, round(det.hold.elapsed_s, 2)))
            if out.completed:
                events.extend(self._complete(t_s, ch))
        if self.second is not None:
            res = self.second.step(t_s, [(V[j][i], C[j][i]) for j in self._also_idx],
                                   near[i] if near is not None else 0.0,
                                   [c.detector.rep for c in self.channels if c.detector.rep],
                                   [c.detector.confirmed for c in self.channels], len(self.reps) + 1)
            if res is not None:
                events.extend(self._record(t_s, res))
        if events:
            self.events.extend(events)
        return events

    def _complete(self, t_s: float, ch: _Channel) -> list[Event]:
        rep = ch.detector.last
        assert rep is not None
        hits = tuple(h for h in (m.hit() for m in ch.monitors) if h is not None)
        if self.second is not None and self.second.claims(rep.start_s, rep.end_s, rep.peak_s):
            return [RepAbandoned(t_s, ch.side, CLAIMED)]
        conf = rep.conf_sum / rep.conf_n if rep.conf_n else rep.peak_conf
        duration = rep.end_s - rep.start_s
        peak, start = rep.peak_value, rep.start_value
        if self.params.relative:  # the patient's resting reading is the start
            peak, start = self.params.start + (peak - start), self.params.start
        if self.counts_tangent:  # back to degrees (relative: the spec's start plus the tangent's rise)
            peak, start = untangent(peak), untangent(start)
        score, reasons = score_rep(self.goal, peak, duration, rep.hold_s, conf, hits)
        result = RepResult(len(self.reps) + 1, ch.side, rep.start_s, rep.end_s, rep.peak_s,
                           peak, abs(peak - start), conf, self.goal.target, rep.hold_s, hits,
                           score, reasons, self.unit, self.spec.primary.angle)
        return self._record(t_s, result)

    def _record(self, t_s: float, result: RepResult) -> list[Event]:
        """Count a scored repetition: its RepCompleted and, at a set's end, SetCompleted."""
        self.reps.append(result)
        events: list[Event] = [RepCompleted(t_s, result.side, result)]
        key = result.side if self.spec.sides in ("both", "left", "right") else ""
        self._set_counts[key] = self._set_counts.get(key, 0) + 1
        per_set = self.reps_per_set * (2 if self.spec.sides == "alternating" else 1)
        done = self._set_counts[key] >= per_set
        if done:
            events.append(SetCompleted(t_s, key, self._set_index, self._set_counts[key]))
            self._set_counts[key] = 0
            self._set_index += 1
        return events

    # -- batch ----------------------------------------------------------------------------
    def run_series(self, series: PoseSeries) -> list[Event]:
        """Feed a whole series (measures computed vectorised); returns all its events."""
        w = self.width or series.meta.width
        h = self.height or series.meta.height
        auto = self.view == "auto"
        views = auto_views(series.xyzv, series.world, w, h) if auto else [self.view] * len(series)
        if self.primary_pending:  # as live: settled at the first square view, from there on
            k = next((i for i, v in enumerate(views) if v != "any"), None)
            if k is not None:
                self.settle_primary(views[k], series.meta.backend)
                if self.counted_view is not None:
                    return self.run_series(series.slice(k, len(series)))
        readings = angles_arrays(series.xyzv, series.world, self.names, self.view, w, h,
                                 views=views if auto else None) if len(series) else {}
        if readings and self._prim_source != "auto":  # the view primary's own source
            readings.update(angles_arrays(series.xyzv, series.world, self._prim_names, "any", w, h,
                                          self._prim_source))
        switch = (series.flags & 1).astype(bool)
        cols = {n: (np.where(switch, np.nan, r.value_deg).tolist(), np.where(switch, 0.0, r.confidence).tolist())
                for n, r in readings.items()}
        vis = self._fault_visibility(series.xyzv, series.world, w, h, series.meta.backend) \
            if len(series) else None
        fcols = {n: (np.where(switch, 0.0, readings[n].confidence * vis[n]).tolist()
                     if vis and n in vis else cols[n][1]) for n in readings}
        t = (series.t_ms / 1000.0).tolist()
        V = [cols[n][0] for n in self.names] if cols else []
        C = [cols[n][1] for n in self.names] if cols else []
        CF = [fcols[n] for n in self.names] if cols else []
        side_on = np.array([v == "side" for v in views], bool)
        near = np.where(side_on, near_side(series.xyzv, series.world), 0.0).tolist() \
            if len(series) else []
        backend = series.meta.backend
        guessed = [self.reads_guessed_depth(v, backend) for v in views]
        events: list[Event] = []
        step = self._step
        for i, ts in enumerate(t):
            e = step(ts, i, V, C, CF, near, guessed)
            if e:
                events.extend(e)
        return events

    def summary(self) -> dict[str, Any]:
        return summarize(self.reps)

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    @property
    def view_now(self) -> str | None:
        """The newest frame's view: auto-decided ("front"/"side"/"any"), else the view told."""
        return self._view_now if self.view == "auto" else self.view
