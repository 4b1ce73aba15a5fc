"""UI-PRMD evaluation: does the per-repetition score separate correct from incorrect repetitions?

Every repetition file of the chosen subjects is imported (tracking.importers.uiprmd) and run
through the real exercise engine, ``tracking.exercise.analysis.analyze_series``, with the
exercise's spec from assets/exercises/ (its primary angle, tempo and ``[[faults]]`` rules):
no UI-PRMD-specific scoring code. A file holds one repetition; the engine may report one per
side (specs with ``sides = "both"``): the one with the larger range of motion (the working
side) is taken. A file in which the engine finds no repetition at all (too little movement to
count) scores 0. Per movement, the ROC AUC says how well the score ranks correct repetitions
above incorrect ones (1.0 perfect, 0.5 chance), ties counting one half.

UI-PRMD's healthy subjects are scored against a prescription, as a therapist would set one
(the engine's ``targets``): ``UIPRMD_TARGETS`` holds each movement's target, the median peak of
the primary angle over the CORRECT repetitions of subjects 1-4 (rounded to a degree). The
spec's own targets (``assets/exercises``) are meant for patients and are often lower.

The measures are read with ``view="any"``: every angle from the 3D world landmarks, which is
what Kinect data offers (the image landmarks are only a synthetic front projection).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from tracking.importers.uiprmd import UIPRMD_MOVEMENTS, find_uiprmd_files, load_uiprmd_repetition

#: Subjects whose repetitions were used to choose the fault rules and their limits.
TUNING_SUBJECTS = (1, 2, 3, 4)
#: Subjects kept out of all tuning (the held-out accuracy).
HELD_OUT_SUBJECTS = (5, 6)
VIEW = "any"
#: The prescription UI-PRMD is scored against: primary-angle target per exercise (degrees),
#: the median peak of the correct repetitions of subjects 1-4 (see docs/uiprmd.md).
UIPRMD_TARGETS: dict[str, float] = {
    "deep_squat": 129.0, "hurdle_step": 95.0, "inline_lunge": 77.0, "side_lunge": 99.0,
    "sit_to_stand": 118.0, "standing_straight_leg_raise": 99.0, "shoulder_abduction": 157.0,
    "shoulder_extension": 62.0, "shoulder_internal_external_rotation": -31.0,
    "shoulder_scaption": 99.0,
}


@dataclass(frozen=True)
class RepScore:
    """The engine's verdict on one UI-PRMD repetition file."""

    movement: int
    subject: int
    episode: int
    correct: bool  #: the data set's label
    score: float  #: 0-100 from the engine (0 when no repetition was found)
    faults: tuple[str, ...]  #: names of the faults the engine saw
    found: bool  #: the engine counted a repetition


@dataclass(frozen=True)
class MovementAuc:
    movement: int
    exercise: str
    auc: float
    n_correct: int
    n_incorrect: int
    mean_correct: float  #: mean score of the correct repetitions
    mean_incorrect: float
    not_found: int  #: files in which no repetition was counted


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties: one half)."""
    p = np.asarray(positive, np.float64)[:, None]
    n = np.asarray(negative, np.float64)[None, :]
    if p.size == 0 or n.size == 0:
        return float("nan")
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def score_file(positions: str | Path, angles: str | Path | None = None,
               exercise: str | None = None) -> tuple[float, tuple[str, ...], bool]:
    """(score, fault names, found) for one UI-PRMD repetition file, via the exercise engine."""
    from tracking.exercise.analysis import analyze_series

    series = load_uiprmd_repetition(positions, angles)
    ex = exercise or str(series.meta.extra.get("exercise", ""))
    target = UIPRMD_TARGETS.get(ex)
    result = analyze_series(series, ex, {"target": target} if target is not None else None, view=VIEW)
    if not result.reps:
        return 0.0, (), False
    rep = max(result.reps, key=lambda r: r.rom_deg)
    return float(rep.score), tuple(f.name for f in rep.faults), True


def score_repetitions(root: str | Path, subjects: Iterable[int],
                      movements: Iterable[int] | None = None) -> list[RepScore]:
    """Score every repetition file of ``subjects`` (and ``movements``, default all ten)."""
    subjects = set(subjects)
    movements = set(movements or UIPRMD_MOVEMENTS)
    out: list[RepScore] = []
    for f in find_uiprmd_files(root):
        if f.subject not in subjects or f.movement not in movements:
            continue
        score, faults, found = score_file(f.positions, f.angles, f.exercise)
        out.append(RepScore(f.movement, f.subject, f.episode, f.correct, score, faults, found))
    return out


def auc_by_movement(scores: Sequence[RepScore]) -> dict[int, MovementAuc]:
    """ROC AUC (correct = positive) of the engine score, per movement."""
    out: dict[int, MovementAuc] = {}
    for m in sorted({s.movement for s in scores}):
        ok = [s.score for s in scores if s.movement == m and s.correct]
        bad = [s.score for s in scores if s.movement == m and not s.correct]
        out[m] = MovementAuc(m, UIPRMD_MOVEMENTS.get(m, f"m{m:02d}"), roc_auc(ok, bad), len(ok), len(bad),
                             float(np.mean(ok)) if ok else float("nan"),
                             float(np.mean(bad)) if bad else float("nan"),
                             sum(1 for s in scores if s.movement == m and not s.found))
    return out


def evaluate_uiprmd(root: str | Path, subjects: Iterable[int],
                    movements: Iterable[int] | None = None) -> dict[int, MovementAuc]:
    """Score the repetitions of ``subjects`` through the engine; ROC AUC per movement."""
    return auc_by_movement(score_repetitions(root, subjects, movements))


def format_table(results: dict[str, dict[int, MovementAuc]]) -> str:
    """A plain-text table: one row per movement, one AUC column per named subject group."""
    groups = list(results)
    movements = sorted({m for r in results.values() for m in r})
    head = f"{'movement':<40}" + "".join(f"{g:>26}" for g in groups)
    lines = [head, "-" * len(head)]
    for m in movements:
        name = f"{m:2d} {UIPRMD_MOVEMENTS.get(m, '')}"
        lines.append(f"{name:<40}" + "".join(
            f"{results[g][m].auc:>26.3f}" if m in results[g] else f"{'-':>26}" for g in groups))
    lines.append("-" * len(head))
    means = []
    for g in groups:
        vals = [a.auc for a in results[g].values()]
        means.append(f"{float(np.mean(vals)):>26.3f}" if vals else f"{'-':>26}")
    lines.append(f"{'mean':<40}" + "".join(means))
    mins = [f"{min(a.auc for a in results[g].values()):>26.3f}" if results[g] else f"{'-':>26}"
            for g in groups]
    lines.append(f"{'lowest':<40}" + "".join(mins))
    return "\n".join(lines)
