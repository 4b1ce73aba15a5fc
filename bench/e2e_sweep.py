"""Range-of-motion accuracy over camera placements: ``bench/e2e.py``'s clips whose view shows
the primary's plane, each rendered from several camera placements drawn by a seeded
generator, through ``physioquest analyze`` (real MediaPipe), compared with the clean analysis
exactly as ``bench/e2e.py`` compares them.

``bench/e2e.py`` films every clip from one camera (3.2 m away, 1.0 m high, 640x480), so its
ranges say how MediaPipe reads the figure from there. Here each placement draws an image
size, a distance (2.8-3.6 m), a camera height (0.85-1.2 m) and a range of motion (75-100% of
the spec's span); 4 repetitions, no injected faults. A given ``--seed`` always draws the
same placements. Reported per clip and in all: person found, counts exact, and the largest
|range error| over the clip's repetitions (target <= 5 degrees, as in ``bench/e2e.py``).

Usage: ``.venv/bin/python bench/e2e_sweep.py [--placements 2] [--seed 1] [--jobs 2]
[--only squat,...] [--keep DIR] [--json OUT]``. Nothing here was tuned on these clips.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import e2e  # noqa: E402  (bench/e2e.py: analyse and compare)

SIZES = ((640, 360), (800, 600), (960, 540), (1024, 576))
DISTANCE_M = (2.8, 3.6)
HEIGHT_M = (0.85, 1.2)
ROM_SHARE = (0.75, 1.0)
REPS = 4


@dataclass(frozen=True)
class Placement:
    """One drawn camera placement and range of motion for one exercise and view."""

    exercise: str
    view: str
    width: int
    height_px: int
    distance_m: float
    height_m: float
    rom_deg: float


def cases() -> list[tuple[str, str]]:
    """``bench/e2e.py``'s (exercise, view) pairs whose view shows the primary's plane."""
    seen: list[tuple[str, str]] = []
    for exercise, view, _ in e2e.CASES:
        if e2e.plane_shown(exercise, view) and (exercise, view) not in seen:
            seen.append((exercise, view))
    return seen


def draw(pairs: list[tuple[str, str]], per_case: int, seed: int) -> list[Placement]:
    """``per_case`` placements for each pair, the same for the same seed."""
    from tracking.exercise.library import get_spec

    rng = np.random.default_rng(seed)
    out = []
    for exercise, view in pairs:
        primary = get_spec(exercise).primary
        span = abs(primary.target - primary.start)
        for _ in range(per_case):
            w, h = SIZES[int(rng.integers(len(SIZES)))]
            out.append(Placement(exercise, view, w, h, round(float(rng.uniform(*DISTANCE_M)), 2),
                                 round(float(rng.uniform(*HEIGHT_M)), 2),
                                 round(float(span * rng.uniform(*ROM_SHARE)), 1)))
    return out


def render(p: Placement, folder: Path, index: int) -> tuple[Path, dict]:
    from scenes.patient.clip import exercise_motion, render_clip

    size = (p.width, p.height_px)
    motion = exercise_motion(p.exercise, reps=REPS, rom_deg=p.rom_deg, view=p.view, size=size,
                             distance=p.distance_m, camera_height=p.height_m)
    clip = folder / f"{index:02d}-{p.exercise}-{p.view}.mp4"
    return clip, render_clip(motion, clip, size)


def print_table(rows: list[dict]) -> None:
    print("| exercise | view | size | distance m | camera height m | ROM | det % | count | "
          "ROM err |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['exercise']} | {r['view']} | {r['width']}x{r['height_px']} | "
              f"{r['distance_m']:.2f} | {r['height_m']:.2f} | {r['rom_deg']:.0f} | "
              f"{100 * r['det']:.0f} | {r['count']}/{r['true_count']} | {e2e.fmt(r['rom_err'])} |")
    errs = [r["rom_err"] for r in rows if r["rom_err"] is not None]
    n = len(rows)
    print(f"\n{n} clips: person found in >= 95% of frames in "
          f"{sum(r['det'] >= 0.95 for r in rows)}/{n}; counts exact in "
          f"{sum(r['count'] == r['true_count'] for r in rows)}/{n}; largest range error "
          f"<= 5 deg in {sum(e <= 5.0 for e in errs)}/{len(errs)} clips"
          + (f" (median {np.median(errs):.1f}, worst {max(errs):.1f})" if errs else ""))


def main(argv: list[str] | None = None) -> int:
    from panda3d.core import load_prc_file_data

    load_prc_file_data("", "audio-library-name null")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--placements", type=int, default=2, help="camera placements per clip")
    ap.add_argument("--seed", type=int, default=1, help="seed of the drawn placements")
    e2e.add_run_options(ap)
    args = ap.parse_args(argv)
    pairs = [c for c in cases() if not args.only or c[0] in args.only.split(",")]
    placements = draw(pairs, max(1, args.placements), args.seed)
    t0 = time.monotonic()
    with e2e.clip_folder(args.keep) as folder:
        done = e2e.render_and_analyse(list(enumerate(placements)),
                                      lambda item: render(item[1], folder, item[0]),
                                      lambda clip, item: e2e.analyze(clip, item[1].exercise),
                                      args.jobs)
    rows = []
    for (_, p), truth, result in done:
        row = e2e.compare((p.exercise, p.view, None), truth, result)
        rows.append({**asdict(p), **{k: row[k] for k in ("det", "count", "true_count", "rom_err")}})
    e2e.report(f"# rendered virtual patient over camera placements (seed {args.seed}, "
               f"{len(placements)} clips, {REPS} repetitions each, "
               f"{time.monotonic() - t0:.0f} s)", rows, print_table, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
