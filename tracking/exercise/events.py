"""Events the exercise tracker emits, live (game) and offline (analysis) alike.

All are frozen dataclasses with ``t_s`` (seconds, the frame's timestamp) and ``side``
("left", "right" or "" for bilateral movements). ``to_dict`` gives a JSON-ready dict with
a ``type`` key.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FaultHit:
    """A fault seen during one repetition: its worst value and how long it lasted."""

    name: str
    side: str
    value: float  #: worst value reached (degrees or percent, like the angle)
    limit: float
    duration_s: float
    severity: str
    cue: str


@dataclass(frozen=True)
class RepResult:
    """One repetition (or one hold), scored."""

    index: int  #: 1-based count over the whole tracker (all sides)
    side: str
    start_s: float
    end_s: float
    peak_s: float  #: when the primary angle came closest to the target
    peak_deg: float  #: the primary angle's value there
    rom_deg: float  #: excursion from the repetition's starting value to the peak
    rom_confidence: float  #: 0..1, mean confidence of the readings near the peak
    target_deg: float
    hold_s: float  #: longest time held within tolerance of the target
    faults: tuple[FaultHit, ...]
    score: int | None  #: 0..100 (None: counted by the generic counter, not scored)
    reasons: tuple[str, ...]  #: plain words behind the score
    #: unit of peak_deg / rom_deg / target_deg: "deg", or "pct" where the counted measure is a
    #: height (e.g. a view primary: docs/exercises.md); label them with it, not "degrees"
    unit: str = "deg"
    measure: str = ""  #: the counted measure (a name or sided base name of tracking.angles)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["duration_s"] = round(self.duration_s, 3)
        d["faults"] = [dataclasses.asdict(f) for f in self.faults]
        d["reasons"] = list(self.reasons)
        for k in ("start_s", "end_s", "peak_s", "peak_deg", "rom_deg", "rom_confidence",
                  "target_deg", "hold_s"):
            v = float(d[k])
            d[k] = round(v, 3) if math.isfinite(v) else None
        return d


@dataclass(frozen=True)
class Event:
    t_s: float
    side: str

    def to_dict(self) -> dict[str, Any]:
        d = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            d[f.name] = v.to_dict() if hasattr(v, "to_dict") else v
        return d


@dataclass(frozen=True)
class RepStarted(Event):
    """The primary angle left the starting position far enough to be a repetition."""


@dataclass(frozen=True)
class RepCompleted(Event):
    rep: RepResult = field(default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class RepAbandoned(Event):
    """A movement that came back (or was lost) before reaching the minimum range or time."""

    reason: str = ""


@dataclass(frozen=True)
class FormFault(Event):
    """A named compensation crossed its limit for its minimum time (once per repetition)."""

    name: str = ""
    cue: str = ""
    severity: str = "moderate"
    value: float = 0.0
    limit: float = 0.0


@dataclass(frozen=True)
class HoldProgress(Event):
    """Within tolerance of the target: ``elapsed_s`` of ``target_s`` (about 4 per second)."""

    elapsed_s: float = 0.0
    target_s: float = 0.0

    @property
    def fraction(self) -> float:
        """0..1 of the hold done."""
        return min(1.0, self.elapsed_s / self.target_s) if self.target_s > 0 else 0.0

    @property
    def held_s(self) -> float:
        return self.elapsed_s


@dataclass(frozen=True)
class HoldCompleted(Event):
    held_s: float = 0.0


@dataclass(frozen=True)
class SetCompleted(Event):
    """The prescribed number of repetitions was reached (per side for "both" exercises)."""

    set_index: int = 1
    reps: int = 0
