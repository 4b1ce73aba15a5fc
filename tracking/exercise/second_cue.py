"""A view primary's second cue (spec ``[side_primary.also]``): another measure counted beside it.

Side-on, the side bend's view primary (the wrist reached overhead) misses a bend TOWARDS the
camera: the far arm is the one raised, and MediaPipe drops it. The near shoulder's drop sees
that bend (docs/rendered-patient.md, H8c). The second cue runs its own RepDetector; its
repetitions add to the count only where the primary's do not. The rule, causal (live play
cannot look ahead; ``run_series`` feeds the same ``step`` frame by frame):

- a second-cue repetition, when it completes at time t, counts unless its peak lies in a
  primary repetition (a counted one: start..end; one in progress at t: start..t) or the peak
  of a counted primary repetition lies in it (start..end);
- a primary repetition, when it completes, is not counted (``RepAbandoned`` with
  ``CLAIMED``) if it holds the peak of an already-counted second-cue repetition or its peak
  lies in one: that bend was counted once already. (An in-progress primary's peak so far is
  not judged when the second cue's repetition ends: a primary repetition that starts in that
  repetition's tail would veto it with a peak still to come.)

Offline, with all repetitions known, this counts as many as H8c's simulated rule (a second-cue
repetition counts unless its peak lies in a primary repetition or a primary repetition's peak
lies in it); where the two cues overlap, the one that completes first is the one reported.

While a primary repetition has covered its minimum range, and for ``settle_s`` after (the last
40% of its way back at the spec's down tempo: the primary ends 60% of the way back), the second
cue reads nothing (a gap): the primary counts that movement, and its way back must not read as
a rise of the second cue
(side-on, a bend AWAY from the camera lifts the near shoulder by about 34 percent of torso
length on the virtual patient's exact points, 3-6 with MediaPipe; coming back from it would
read as a drop). After a gap over ``max_gap_s`` the detector starts afresh: a relative cue
takes its rest from the next ``RELATIVE_MIN_REST_S`` at least (tracking/exercise/reps.py).

An in-progress primary repetition that is later abandoned has still vetoed the second cue's
repetition (it cannot wait: live play announces a repetition when it ends). The second cue
emits no RepStarted, hold or fault events; its RepCompleted carries its own measure and unit
(``RepResult.measure``/``unit``, relative: ``start`` + the rise from the patient's rest), no
fault hits (the primary's fault monitors run while the primary moves), a hold timed against
its own target, and the side of the measure read at its peak (``sides = "near"``: the near
side, which is the side the trunk bends towards: the virtual patient's truth and the front
view's ``trunk_lateral_lean`` label that bend the same).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tracking.angles import ANGLES, SIDED
from tracking.exercise.events import RepResult
from tracking.exercise.reps import RELATIVE_SMOOTH_S, OpenRep, RepDetector, RepParams
from tracking.exercise.scoring import Goal, score_rep
from tracking.exercise.spec import PrimaryAngle

#: why a primary repetition is not counted: the second cue counted that movement already
CLAIMED = "counted already from the second cue"


def _inside(t: float, start: float, end: float) -> bool:
    return start <= t <= end


@dataclass
class SecondCueCounter:
    """The second cue's detector and the bookkeeping of the rule above (one per tracker)."""

    cue: PrimaryAngle  #: the view primary's ``also`` table
    names: tuple[str, ...]  #: the measure, or (left, right) for ``sides = "near"``
    detector: RepDetector
    goal: Goal
    unit: str
    #: (start, end, peak) of counted primary and counted second-cue repetitions
    primary: list[tuple[float, float, float]] = field(default_factory=list)
    counted: list[tuple[float, float, float]] = field(default_factory=list)
    #: after a primary repetition past its minimum range, the second cue reads nothing until
    #: this long after it ended (the rest of its way back: 40% of it, at the spec's down tempo)
    settle_s: float = 0.8
    _peak_side: str = ""
    _side_now: str = ""
    _gate_until: float = float("-inf")

    @classmethod
    def build(cls, cue: PrimaryAngle, hold_s: float, expected_s: float, down_s: float,
              min_confidence: float) -> "SecondCueCounter":
        names = SIDED[cue.angle] if cue.sides == "near" else (cue.angle,)
        params = RepParams(cue.start, cue.target, cue.min_range, cue.tolerance, hold_s,
                           min_confidence=min_confidence, relative=cue.relative,
                           smooth_s=RELATIVE_SMOOTH_S if cue.relative else 0.0)
        unit = ANGLES[names[0]].unit
        return cls(cue, tuple(names), RepDetector(params),
                   Goal(cue.start, cue.target, unit, expected_s, hold_s), unit,
                   settle_s=0.4 * down_s)

    def reading(self, vc: list[tuple[float, float]], near: float) -> tuple[float, float, str]:
        """(value, confidence, side) from the readings of ``names``; ``near`` 1/-1 when the
        left/right side faces a side camera, 0 unknown (a "near" cue then reads nothing)."""
        if self.cue.sides != "near":
            return vc[0][0], vc[0][1], ""
        if not near:
            return float("nan"), 0.0, ""
        return (*vc[0], "left") if near > 0 else (*vc[1], "right")

    def step(self, t_s: float, vc: list[tuple[float, float]], near: float,
             moving: list[OpenRep], held: list[bool], index: int) -> RepResult | None:
        """Feed one frame (``moving``: the primary repetitions in progress; ``held``: per
        primary channel, whether its repetition has covered its minimum range); returns the
        second cue's repetition completed and counted at this frame, if any."""
        v, c, side = self.reading(vc, near)
        det = self.detector
        if any(held):  # a primary repetition past its minimum range: that one counts this
            self._gate_until = t_s + self.settle_s  # movement (see the module docstring)
        if t_s <= self._gate_until:
            v, c = float("nan"), 0.0
        if v == v and c >= det.params.min_confidence:
            self._side_now = side
        out = det.update(t_s, v, c)
        if det.rep is not None and det.rep.peak_s == t_s:
            self._peak_side = self._side_now
        if not out.completed:
            return None
        rep = det.last
        assert rep is not None
        if self._vetoed(rep, t_s, moving):
            return None
        self.counted.append((rep.start_s, rep.end_s, rep.peak_s))
        return self._result(rep, index)

    def _vetoed(self, rep: OpenRep, t_s: float, moving: list[OpenRep]) -> bool:
        if any(_inside(rep.peak_s, m.start_s, t_s) for m in moving):
            return True
        return any(_inside(rep.peak_s, s, e) or _inside(pk, rep.start_s, rep.end_s)
                   for s, e, pk in self.primary)

    def claims(self, start_s: float, end_s: float, peak_s: float) -> bool:
        """A primary repetition (just completed) holds a counted second-cue repetition's
        peak, or its peak lies in one: not counted again. Otherwise it is recorded."""
        if any(_inside(pk, start_s, end_s) or _inside(peak_s, s, e) for s, e, pk in self.counted):
            return True
        self.primary.append((start_s, end_s, peak_s))
        return False

    def _result(self, rep: OpenRep, index: int) -> RepResult:
        conf = rep.conf_sum / rep.conf_n if rep.conf_n else rep.peak_conf
        peak, start = rep.peak_value, rep.start_value
        if self.cue.relative:  # the patient's resting reading is the start
            peak, start = self.cue.start + (peak - start), self.cue.start
        duration = rep.end_s - rep.start_s
        score, reasons = score_rep(self.goal, peak, duration, rep.hold_s, conf, ())
        return RepResult(index, self._peak_side, rep.start_s, rep.end_s, rep.peak_s, peak,
                         abs(peak - start), conf, self.goal.target, rep.hold_s, (), score,
                         reasons, self.unit, self.cue.angle)
