"""UI-PRMD benchmark: how well does the per-repetition score separate correct from incorrect?

    .venv/bin/python -m bench.uiprmd [--root ../shared/data/ui-prmd] [--faults] [--loso6 [--l2o]]

Imports every repetition of subjects 1-6 (tracking.importers.uiprmd), scores it with the real
exercise engine and the specs of assets/exercises (tracking.importers.uiprmd_eval), and prints
the ROC AUC per movement for subjects 1-4 and 5-6, the mean scores of correct and incorrect
repetitions, the files in which no repetition was counted, and (``--faults``) how often each
fault fired. The shipped rules are derived from subjects 1-6, so these AUCs are NOT held out.

``--loso6`` (docs/uiprmd.md, pre-registered): every repetition scored through the engine with
rules that the automatic procedure (bench.uiprmd_rules.derive) derived WITHOUT its subject:
leave one subject out over 1-6 (AUC per movement over the pooled held-out scores; also the mean
of the per-subject AUCs), beside the earlier scheme (subjects 1-4 each left out of 1-4, subjects
5-6 scored with the rules derived from 1-4). ``--l2o``: also leave each pair of subjects out
(fit on four, score two; mean of the 15 pairs' AUCs). ``--v3``: with procedure v3's candidates
(v2 plus the knee-to-ankle separation ratio), and procedure v2's LOSO-6 beside it (same engine).
``--v4``: procedure v4's candidates (v3 plus pelvis turning, trunk twist, knee drifting sideways,
stance width in leg lengths), procedure v3's LOSO-6 beside it, and both procedures' rules derived
from 1-4 scored on subjects 5-6 alone ("1-4 -> 5-6 held out").
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import dataclasses  # noqa: E402
import itertools  # noqa: E402

import numpy as np  # noqa: E402

from tracking.exercise.library import get_spec  # noqa: E402
from tracking.importers.uiprmd import UIPRMD_MOVEMENTS, find_uiprmd_files, load_uiprmd_repetition  # noqa: E402
from tracking.importers.uiprmd_eval import (HELD_OUT_SUBJECTS, TUNING_SUBJECTS, UIPRMD_TARGETS,  # noqa: E402
                                            VIEW, MovementAuc, RepScore, auc_by_movement, format_table,
                                            score_repetitions)

SUBJECTS = TUNING_SUBJECTS + HELD_OUT_SUBJECTS


def engine_scores(root: str, subjects, faults: dict | None = None) -> list[RepScore]:
    """Score the repetitions of ``subjects`` through the engine, the specs' ``[[faults]]``
    replaced by ``faults`` (exercise -> rules; None: the specs' own)."""
    from tracking.exercise.analysis import analyze_series

    out = []
    for f in find_uiprmd_files(root):
        if f.subject not in subjects:
            continue
        spec = get_spec(f.exercise)
        if faults is not None:
            spec = dataclasses.replace(spec, faults=faults[f.exercise])
        res = analyze_series(load_uiprmd_repetition(f.positions, f.angles), spec,
                             {"target": UIPRMD_TARGETS[f.exercise]}, view=VIEW)
        rep = max(res.reps, key=lambda r: r.rom_deg) if res.reps else None
        out.append(RepScore(f.movement, f.subject, f.episode, f.correct, float(rep.score) if rep else 0.0,
                            tuple(x.name for x in rep.faults) if rep else (), rep is not None))
    return out


def held_out(root: str, reps: list, n_out: int = 1, subjects=SUBJECTS, fixed: dict | None = None,
             candidates: dict | None = None):
    """[(left-out subjects, their engine scores)]: each group scored with rules derived from the
    other ``subjects`` only (``fixed``: left-out group -> rules given instead; ``candidates``:
    the procedure's candidate list, None: the shipped one)."""
    from bench.uiprmd_rules import derive

    out = []
    for held in itertools.combinations(subjects, n_out):
        rules = (fixed or {}).get(held)
        if rules is None:
            rules = derive([r for r in reps if r.subject in subjects and r.subject not in held], candidates)
        out.append((held, engine_scores(root, held, rules)))
    return out


def fold_mean(folds) -> dict[int, MovementAuc]:
    """Per movement, the mean over folds of each fold's AUC (counts summed)."""
    per = [auc_by_movement(sc) for _, sc in folds]
    return {m: dataclasses.replace(per[0][m], auc=float(np.mean([p[m].auc for p in per])),
                                   n_correct=sum(p[m].n_correct for p in per),
                                   n_incorrect=sum(p[m].n_incorrect for p in per)) for m in per[0]}


def loso6(root: str, l2o: bool = False, candidates: dict | None = None,
          compare: dict | None = None, held: bool = False) -> dict[str, dict[int, MovementAuc]]:
    """The pre-registered evaluation (docs/uiprmd.md): AUC columns by movement (``candidates``:
    the procedure's list, None: the shipped one; ``compare``: another list's LOSO-6 pooled beside;
    ``held``: also subjects 5-6 alone scored with rules derived from 1-4, for both lists)."""
    from bench.uiprmd_rules import derive, load

    reps = load(root, SUBJECTS)
    six = held_out(root, reps, candidates=candidates)
    rules14 = derive([r for r in reps if r.subject in TUNING_SUBJECTS], candidates)
    on56 = engine_scores(root, HELD_OUT_SUBJECTS, rules14)
    old = held_out(root, reps, subjects=TUNING_SUBJECTS, candidates=candidates) + [(HELD_OUT_SUBJECTS, on56)]
    cols = {"LOSO-6 pooled": auc_by_movement([s for _, sc in six for s in sc]),
            "LOSO-6 mean of subjects": fold_mean(six),
            "1-4 LOSO + 1-4 on 5-6": auc_by_movement([s for _, sc in old for s in sc])}
    if held:
        cols["1-4 -> 5-6 held out"] = auc_by_movement(on56)
    if compare is not None:
        cols["comparator LOSO-6 pooled"] = auc_by_movement(
            [s for _, sc in held_out(root, reps, candidates=compare) for s in sc])
        if held:
            cols["comparator 1-4 -> 5-6"] = auc_by_movement(engine_scores(
                root, HELD_OUT_SUBJECTS, derive([r for r in reps if r.subject in TUNING_SUBJECTS], compare)))
    if l2o:
        cols["leave 2 out, mean"] = fold_mean(held_out(root, reps, n_out=2, candidates=candidates))
    return cols


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=str(ROOT.parent / "shared" / "data" / "ui-prmd"))
    ap.add_argument("--faults", action="store_true", help="also count the faults seen")
    ap.add_argument("--loso6", action="store_true", help="leave-one-subject-out over 1-6 (pre-registered)")
    ap.add_argument("--l2o", action="store_true", help="with --loso6: also leave each pair of subjects out")
    ap.add_argument("--v3", action="store_true",
                    help="with --loso6: procedure v3's candidates, procedure v2's LOSO-6 pooled beside")
    ap.add_argument("--v4", action="store_true",
                    help="with --loso6: procedure v4's candidates, procedure v3's beside (same engine), "
                         "and both lists' 1-4 -> 5-6 held-out figure")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.loso6:
        from bench.uiprmd_rules import CANDIDATES_V2, CANDIDATES_V3, CANDIDATES_V4

        print("ROC AUC of the engine score, every repetition scored with rules derived without its subject"
              + (" (procedure v3; comparator: procedure v2)" if args.v3 else "")
              + (" (procedure v4; comparator: procedure v3)" if args.v4 else ""))
        kw = {"candidates": CANDIDATES_V3, "compare": CANDIDATES_V2} if args.v3 else {}
        if args.v4:
            kw = {"candidates": CANDIDATES_V4, "compare": CANDIDATES_V3, "held": True}
        print(format_table(loso6(args.root, args.l2o, **kw)))
        print(f"\n{time.perf_counter() - t0:.0f} s")
        return 0
    scores = score_repetitions(args.root, TUNING_SUBJECTS + HELD_OUT_SUBJECTS)
    dt = time.perf_counter() - t0
    groups = {"subjects 1-4": TUNING_SUBJECTS, "subjects 5-6": HELD_OUT_SUBJECTS}
    results = {g: auc_by_movement([s for s in scores if s.subject in subs]) for g, subs in groups.items()}
    print("ROC AUC of the engine score, correct (positive) vs incorrect repetitions")
    print(format_table(results))
    print()
    held = results["subjects 5-6"]
    print(f"{'subjects 5-6: movement':<40}{'mean score ok':>15}{'mean score bad':>16}{'no rep counted':>16}")
    for m, a in held.items():
        print(f"{m:2d} {UIPRMD_MOVEMENTS[m]:<37}{a.mean_correct:>15.1f}{a.mean_incorrect:>16.1f}"
              f"{a.not_found:>16d}")
    if args.faults:
        print()
        for m in sorted(UIPRMD_MOVEMENTS):
            for ok in (True, False):
                c = Counter(f for s in scores if s.movement == m and s.correct == ok for f in s.faults)
                n = sum(1 for s in scores if s.movement == m and s.correct == ok)
                print(f"{m:2d} {'correct' if ok else 'incorrect':<9} (n={n}): "
                      + (", ".join(f"{k} {v}" for k, v in c.most_common()) or "no faults"))
    print(f"\n{len(scores)} repetitions imported and scored in {dt:.1f} s "
          f"({1000 * dt / max(len(scores), 1):.1f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
