"""``physioquest score LANDMARKS --exercise ID|auto``: count and score the repetitions in a
landmark file (written by ``analyze --landmarks``, a session export or an importer)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "score", help="count and score the repetitions in a landmark file",
        description="Score a landmark file (docs/landmark-file.md) against an exercise spec "
                    "(`physioquest exercises list` shows the ids), or count repetitions of "
                    "any movement with --exercise auto (counted, not scored).")
    p.add_argument("landmarks", metavar="LANDMARKS", help="landmark file (.npz)")
    p.add_argument("--exercise", required=True, metavar="ID|auto", help="exercise id, or auto")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON ('-' for stdout)")
    p.set_defaults(func=run)


def score_series(series: Any, exercise: str, source: str) -> dict[str, Any]:
    """The engine's ``analyze_series`` as a JSON-ready dict; nobody in the series -> InputError."""
    from tracking.errors import InputError
    from tracking.exercise.analysis import analyze_series

    if len(series) == 0 or series.detection_rate == 0.0:
        raise InputError(source, "nobody was found in any frame: nothing to score")
    data = json.loads(analyze_series(series, exercise).to_json())
    if exercise != "auto":
        data["camera_view"], data["notes"] = camera_notes(series, exercise)
    return data


def camera_notes(series: Any, exercise: str) -> tuple[dict[str, Any], list[str]]:
    """The view the recording was mostly filmed from (the tracker's auto view over the
    detected frames) and, when ``tracking.exercise.placement`` flags that view for this
    exercise, its one-line note. Counts and scores are not touched. The rules assume a pose
    model that guesses depth (MediaPipe): a depth camera's recording gets no note."""
    import numpy as np

    from tracking.exercise.library import get_spec
    from tracking.exercise.placement import dominant_view, view_check
    from tracking.views import auto_views, guesses_depth

    spec = get_spec(exercise)
    views = auto_views(series.xyzv, series.world, series.meta.width, series.meta.height)
    seen, share = dominant_view(v for v, d in zip(views, np.asarray(series.detected)) if d)
    check = view_check(spec, seen) if guesses_depth(series.meta.backend) else None
    camera = {"seen": seen, "share": round(share, 3), "best": spec.view,
              "flagged": check.reason if check else None}
    return camera, [check.note] if check else []


def print_scores(data: dict[str, Any], out: TextIO) -> None:
    """A few human lines: the count, then one line per repetition."""
    what = "repetitions counted (not scored)" if data["exercise"] == "auto" else "repetitions"
    print(f"{data['exercise']}: {data['rep_count']} {what}"
          + ("; one more under way at the end" if data.get("incomplete_at_end") else ""), file=out)
    for r in data["reps"]:
        side = f" {r['side']}" if r.get("side") else ""
        unit = " deg" if r.get("unit", "deg") == "deg" else "%"
        rom = (f", range {r['rom_deg']:.0f}{unit}" if r.get("rom_deg") is not None
               and data["exercise"] != "auto" else "")  # auto: a signal, not an angle
        score = f", score {r['score']:.0f}" if r.get("score") is not None else ""
        faults = ", ".join(sorted({f["name"] for f in r.get("faults", [])}))
        print(f"  rep {r['index']}{side}: {r['start_s']:.1f}-{r['end_s']:.1f} s{rom}{score}"
              + (f", faults: {faults}" if faults else ""), file=out)
    for note in data.get("notes", []):
        print(note, file=out)


def run(args: argparse.Namespace) -> int:
    from game.commands.analyze import write_json
    from tracking.series_file import load_series

    series = load_series(args.landmarks)
    data = {"source": args.landmarks, "frames": len(series), "fps": round(series.fps, 3),
            **score_series(series, args.exercise, args.landmarks)}
    if args.json:
        write_json(data, args.json)
    print_scores(data, sys.stderr if args.json == "-" else sys.stdout)
    return 0
