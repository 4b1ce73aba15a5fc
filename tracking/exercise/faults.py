"""Fault monitoring: a named compensation beyond its limit for its minimum time, per repetition."""
from __future__ import annotations

from dataclasses import dataclass

from tracking.exercise.events import FaultHit
from tracking.exercise.spec import FaultRule

MIN_CONFIDENCE = 0.3


@dataclass
class FaultMonitor:
    """One rule on one measure (one side); scalar and causal."""

    rule: FaultRule
    angle: str  #: the resolved measure name (e.g. "knee_valgus_l")
    side: str  #: "left", "right" or "" (reported with the fault)
    _rest_value: float = float("nan")
    _base: float = 0.0
    _since: float | None = None
    _last_t: float | None = None
    _worst: float | None = None
    _duration: float = 0.0
    fired: bool = False

    def rest(self, value: float, conf: float) -> None:
        """Feed a sample taken between repetitions (the baseline of relative rules)."""
        if value == value and conf >= MIN_CONFIDENCE:
            self._rest_value = value

    def begin(self) -> None:
        """A repetition started."""
        self._base = self._rest_value if self.rule.relative and self._rest_value == self._rest_value else 0.0
        self._since = self._last_t = self._worst = None
        self._duration = 0.0
        self.fired = False

    def update(self, t_s: float, value: float, conf: float) -> bool:
        """Feed a sample during a repetition; True when the fault fires (once per repetition)."""
        if not (value == value) or conf < MIN_CONFIDENCE:
            return False
        v = value - self._base
        r = self.rule
        if r.violated(v):
            if self._since is None:
                self._since = t_s
            elif self._last_t is not None:
                self._duration += t_s - self._last_t
            key = abs(v) if r.comparison == "abs_greater" else (v if r.comparison == "greater" else -v)
            if self._worst is None or key > (abs(self._worst) if r.comparison == "abs_greater" else
                                             (self._worst if r.comparison == "greater" else -self._worst)):
                self._worst = v
            self._last_t = t_s
            if not self.fired and t_s - self._since >= r.min_duration_s:
                self.fired = True
                return True
        else:
            self._since = self._last_t = None
        return False

    def hit(self) -> FaultHit | None:
        """The fault as seen in this repetition, if it fired."""
        if not self.fired or self._worst is None:
            return None
        r = self.rule
        return FaultHit(r.name, self.side, round(float(self._worst), 1), r.limit,
                        round(max(self._duration, r.min_duration_s), 3), r.severity, r.cue)

    @property
    def worst(self) -> float | None:
        return self._worst
