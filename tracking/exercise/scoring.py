"""Scores: one repetition 0-100 with reasons in plain words; set and session summaries.

Repetition score = 100 minus deductions (documented in docs/exercises.md "Scoring"):
- range: up to 50 points, in proportion to the part of the start-to-target span not reached;
- hold (holds only): up to 30 points, in proportion to the part of the hold time missing;
- tempo: up to 15 points when a repetition takes less than half the prescribed time;
- faults: 5 (minor), 10 (moderate) or 20 (major) points for each fault seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from tracking.exercise.events import FaultHit, RepResult

FAULT_POINTS = {"minor": 5, "moderate": 10, "major": 20}
RANGE_POINTS, HOLD_POINTS, TEMPO_POINTS = 50.0, 30.0, 15.0
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Goal:
    """What one repetition is scored against (the spec, overridden by the patient's targets)."""

    start: float
    target: float
    unit: str
    expected_s: float  #: prescribed up + down time (without the hold)
    hold_s: float


def _u(unit: str) -> str:
    return "degrees" if unit == "deg" else "percent"


def score_rep(goal: Goal, peak: float, duration_s: float, hold_s: float, confidence: float,
              faults: Sequence[FaultHit]) -> tuple[int, tuple[str, ...]]:
    """Score and reasons for one repetition."""
    reasons: list[str] = []
    span = goal.target - goal.start
    frac = float(np.clip((peak - goal.start) / span, 0.0, 1.0))
    ded = RANGE_POINTS * (1.0 - frac)
    u = _u(goal.unit)
    if span > 0:
        reasons.append(f"reached {peak:.0f} of {goal.target:.0f} {u}")
    else:
        reasons.append(f"came to {peak:.0f} {u} (target {goal.target:.0f})")
    if confidence < LOW_CONFIDENCE:
        reasons.append("range measured with low confidence: the camera does not see this movement well")
    if goal.hold_s > 0:
        part = min(1.0, hold_s / goal.hold_s)
        ded += HOLD_POINTS * (1.0 - part)
        reasons.append(f"held {hold_s:.0f} of {goal.hold_s:.0f} seconds")
    if goal.expected_s > 0 and duration_s < 0.5 * goal.expected_s:
        ded += TEMPO_POINTS * (1.0 - duration_s / (0.5 * goal.expected_s))
        reasons.append(f"too fast: {duration_s:.1f} s for a {goal.expected_s + goal.hold_s:.0f} s repetition")
    for f in faults:
        ded += FAULT_POINTS.get(f.severity, 10)
        what = f.name.replace("_", " ")
        side = f" ({f.side})" if f.side else ""
        reasons.append(f"{what}{side}: {abs(f.value):.0f} (limit {abs(f.limit):.0f}); {f.cue}")
    if len(reasons) == 1 and frac >= 1.0:
        reasons.append("full range, good tempo, no faults")
    return int(round(float(np.clip(100.0 - ded, 0.0, 100.0)))), tuple(reasons)


def _stats(values: Sequence[float | None]) -> dict[str, float]:
    a = np.asarray([v for v in values if v is not None], np.float64)
    a = a[np.isfinite(a)]
    return {"mean": round(float(a.mean()), 1), "min": round(float(a.min()), 1),
            "max": round(float(a.max()), 1)} if a.size else {}


def consistency(reps: Sequence[RepResult]) -> dict[str, Any]:
    """Spread of the range of motion: standard deviation, and a 0-100 score (100 = identical)."""
    rom = np.array([r.rom_deg for r in reps], np.float64)
    if rom.size < 2:
        return {"rom_sd_deg": None, "score": None}
    sd = float(rom.std(ddof=1))
    cv = sd / max(abs(float(rom.mean())), 1e-6)
    return {"rom_sd_deg": round(sd, 1), "score": int(round(100.0 * max(0.0, 1.0 - cv)))}


def symmetry(reps: Sequence[RepResult]) -> dict[str, Any]:
    """Left against right mean range; ``ratio`` is smaller/larger in percent (100 = symmetric)."""
    left = [r.rom_deg for r in reps if r.side == "left"]
    right = [r.rom_deg for r in reps if r.side == "right"]
    if not left or not right:
        return {"left_rom_deg": _stats(left).get("mean"), "right_rom_deg": _stats(right).get("mean"),
                "ratio": None}
    lm, rm = float(np.mean(left)), float(np.mean(right))
    big = max(abs(lm), abs(rm))
    return {"left_rom_deg": round(lm, 1), "right_rom_deg": round(rm, 1),
            "ratio": int(round(100.0 * min(abs(lm), abs(rm)) / big)) if big > 0 else 100}


def main_measure(reps: Sequence[RepResult]) -> str:
    """The measure most of ``reps`` were counted by (a tie: the later repetition's, as the
    reports' ``main_unit``)."""
    names = [r.measure for r in reps]
    return max(reversed(names), key=names.count) if names else ""


def summarize(reps: Sequence[RepResult]) -> dict[str, Any]:
    """Totals for a set or a session. Ranges, peaks, symmetry and consistency are taken over
    the repetitions of the main measure only (``main_measure``): a second cue's repetitions
    (another measure, another unit) are counted and scored but never averaged with them;
    ``measures`` says how many repetitions each measure counted when there is more than one."""
    faults: dict[str, int] = {}
    for r in reps:
        for f in r.faults:
            faults[f.name] = faults.get(f.name, 0) + 1
    main = main_measure(reps)
    same = [r for r in reps if r.measure == main]
    out = {
        "rep_count": len(reps),
        "by_side": {s: sum(1 for r in reps if r.side == s) for s in ("left", "right", "")
                    if any(r.side == s for r in reps)},
        "score": _stats([r.score for r in reps]),
        "rom_deg": _stats([r.rom_deg for r in same]),
        "peak_deg": _stats([r.peak_deg for r in same]),
        "duration_s": _stats([r.duration_s for r in reps]),
        "hold_s": _stats([r.hold_s for r in reps]),
        "faults": faults,
        "symmetry": symmetry(same),
        "consistency": consistency(same),
    }
    names = [r.measure for r in reps]
    if len(set(names)) > 1:
        out["measures"] = {n: names.count(n) for n in dict.fromkeys(names)}
    return out
