"""UI-PRMD benchmark: how well does the per-repetition score separate correct from incorrect?

    .venv/bin/python -m bench.uiprmd [--root ../shared/data/ui-prmd] [--faults]

Imports every repetition of subjects 1-6 (tracking.importers.uiprmd), scores it with the real
exercise engine and the specs of assets/exercises (tracking.importers.uiprmd_eval), and prints
the ROC AUC per movement for the tuning subjects 1-4 (the fault limits were set from them)
and the held-out subjects 5-6, the mean scores of correct and incorrect repetitions, the
files in which no repetition was counted, and (``--faults``) how often each fault fired.
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

from tracking.importers.uiprmd import UIPRMD_MOVEMENTS  # noqa: E402
from tracking.importers.uiprmd_eval import (HELD_OUT_SUBJECTS, TUNING_SUBJECTS,  # noqa: E402
                                            auc_by_movement, format_table, score_repetitions)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=str(ROOT.parent / "shared" / "data" / "ui-prmd"))
    ap.add_argument("--faults", action="store_true", help="also count the faults seen")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    scores = score_repetitions(args.root, TUNING_SUBJECTS + HELD_OUT_SUBJECTS)
    dt = time.perf_counter() - t0
    groups = {"subjects 1-4 (tuning)": TUNING_SUBJECTS, "subjects 5-6 (held out)": HELD_OUT_SUBJECTS}
    results = {g: auc_by_movement([s for s in scores if s.subject in subs]) for g, subs in groups.items()}
    print("ROC AUC of the engine score, correct (positive) vs incorrect repetitions")
    print(format_table(results))
    print()
    held = results["subjects 5-6 (held out)"]
    print(f"{'held out: movement':<40}{'mean score ok':>15}{'mean score bad':>16}{'no rep counted':>16}")
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
