"""``physioquest analyze VIDEO``: track a video file offline (no window); landmarks and
results as files, a short summary on stdout."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "analyze", help="track a video file offline; landmarks, repetitions and scores",
        description="Run pose tracking over a video file (or a folder of images) with no "
                    "window. Prints a short summary; --json writes the results, --landmarks "
                    "the landmark file (docs/landmark-file.md). When nobody is found in the "
                    "video, nothing is written and the exit status is 2.")
    p.add_argument("video", metavar="VIDEO", help="video file, or a folder of images")
    p.add_argument("--exercise", metavar="ID|auto",
                   help="score the repetitions of this exercise (auto: count any repeated "
                        "movement); without it only tracking figures are reported")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON ('-' for stdout)")
    p.add_argument("--landmarks", metavar="OUT", help="write the landmark file (.npz)")
    p.add_argument("--fps", type=float, default=30.0,
                   help="frame rate of an image folder (default 30)")
    prog = p.add_mutually_exclusive_group()
    prog.add_argument("--progress", dest="progress", action="store_true", default=None,
                      help="show a progress bar (default: only on a terminal)")
    prog.add_argument("--no-progress", dest="progress", action="store_false")
    p.set_defaults(func=run)


def write_json(data: dict[str, Any], out: str) -> None:
    """Write ``data`` to ``out`` ('-': stdout); an unwritable path is an InputError."""
    from tracking.errors import InputError

    text = json.dumps(data, indent=2, allow_nan=False)
    if out == "-":
        sys.stdout.write(text + "\n")
        return
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot write the results ({exc.strerror or exc})") from None


def save_landmarks(series: Any, out: str) -> None:
    from tracking.errors import InputError
    from tracking.series_file import save_series

    try:
        save_series(series, out)
    except OSError as exc:
        raise InputError(out, f"cannot write the landmark file ({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    from tracking.backends.mediapipe_pose import quiet_native_stderr
    from tracking.errors import InputError
    from tracking.offline import analyze_video
    from tracking.sources import open_source

    with quiet_native_stderr():
        result = analyze_video(args.video, show_progress=args.progress,
                               source_factory=lambda spec: open_source(spec, fps=args.fps))
    series = result.series
    if result.raw.detection_rate == 0.0:
        raise InputError(args.video, f"nobody was found in any of its {result.frames} frames "
                                     f"(nothing written)")
    data = result.summary()
    if args.exercise:
        from game.commands.score import score_series

        scores = score_series(series, args.exercise, args.video)
        data.update({k: v for k, v in scores.items() if k not in data})
    if args.landmarks:
        save_landmarks(series, args.landmarks)
    if args.json:
        write_json(data, args.json)
    out = sys.stderr if args.json == "-" else sys.stdout
    print(f"{Path(args.video).name}: {data['frames']} frames, {data['duration_s']:.1f} s at "
          f"{data['fps']:g} fps; person found in {data['detection_rate']:.0%} of frames; "
          f"tracked at {data['processing_fps']:.0f} frames/s", file=out)
    if data["dropped"]:
        print(f"  {data['dropped']} frames of the header could not be decoded", file=out)
    for flag, text in ((args.landmarks, "landmarks"), (args.json, "results")):
        if flag and flag != "-":
            print(f"  {text}: {flag}", file=out)
    if args.exercise:
        from game.commands.score import print_scores

        print_scores(data, out)
    return 0
