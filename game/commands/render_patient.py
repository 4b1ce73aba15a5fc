"""``physioquest render-patient``: a video of the rendered virtual patient doing an exercise,
with its ground truth in ``<clip>.truth.json`` (for end-to-end checks without a camera)."""
from __future__ import annotations

import argparse
from typing import Any

VIEW_CHOICES = ("front", "side", "left", "right", "oblique", "oblique-right", "back")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "render-patient", help="render the virtual patient doing an exercise into a video",
        description="Render the kinematic virtual patient doing an exercise, as a clothed 3D "
                    "figure seen by a virtual camera, into a video file; its ground truth "
                    "(each repetition's range of motion and injected fault, view, fps, the "
                    "angle definitions) goes to CLIP.truth.json beside it. Analyse the clip "
                    "with 'physioquest analyze CLIP --exercise ID' and compare.")
    p.add_argument("--exercise", required=True, metavar="ID",
                   help="exercise id (physioquest exercises list)")
    p.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    p.add_argument("--rom", type=float, metavar="DEGREES",
                   help="range of motion of each repetition (default: the spec's start-to-target span)")
    p.add_argument("--view", choices=VIEW_CHOICES,
                   help="camera view (default: the spec's; side = the working side)")
    p.add_argument("--side", choices=("left", "right", "both", "alternating", "bilateral"),
                   help="working side (default: the spec's)")
    p.add_argument("--tempo", metavar="UP,HOLD,DOWN,PAUSE",
                   help="seconds of each phase of a repetition (default: the spec's up/down and "
                        "hold, a 0.8 s pause)")
    p.add_argument("--fault", action="append", default=[], metavar="NAME",
                   help="inject this named fault of the exercise in every repetition (repeatable)")
    p.add_argument("--distance", type=float, metavar="M",
                   help="camera's distance from the patient, metres (default 3.2)")
    p.add_argument("--camera-height", type=float, metavar="M",
                   help="camera's height above the floor, metres (default 1.0)")
    p.add_argument("--size", default="640x480", metavar="WxH", help="image size (default 640x480)")
    p.add_argument("--fps", type=float, default=30.0, help="frame rate (default 30)")
    p.add_argument("--no-room", dest="room", action="store_false",
                   help="plain background instead of the room")
    p.add_argument("--out", required=True, metavar="CLIP.mp4", help="video file to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scenes.patient.clip import exercise_motion, parse_size, render_clip, truth_path
    from tracking.errors import InputError

    size = parse_size(args.size)
    tempo = None
    if args.tempo:
        try:
            tempo = tuple(float(v) for v in args.tempo.split(","))
        except ValueError:
            tempo = ()
        if len(tempo) != 4 or min(tempo[0], tempo[2]) <= 0 or min(tempo[1], tempo[3]) < 0:
            raise InputError(None, f"--tempo must be four seconds UP,HOLD,DOWN,PAUSE (up and "
                                   f"down > 0), got {args.tempo!r}")
    if not (1.0 <= args.fps <= 240.0):
        raise InputError(None, f"--fps must be 1-240, got {args.fps}")
    motion = exercise_motion(args.exercise, reps=args.reps, rom_deg=args.rom, view=args.view,
                             faults=tuple(args.fault), side=args.side, size=size, fps=args.fps,
                             tempo=tempo, distance=args.distance,
                             camera_height=args.camera_height)
    record = render_clip(motion, args.out, size, room=args.room)
    roms = ", ".join(f"{r['rom_deg']:.0f}" for r in record["reps"])
    faults = sorted({f for r in record["reps"] for f in r.get("faults", [])})
    print(f"{args.out}: {record['frames']} frames at {record['fps']:g} fps, {size[0]}x{size[1]}, "
          f"view {record['view']} from {record['camera']['distance_m']:g} m, "
          f"{record['camera']['height_m']:g} m high; {len(record['reps'])} "
          f"repetition{'' if len(record['reps']) == 1 else 's'} of {record['exercise']} "
          f"(range {roms} deg{'; faults ' + ', '.join(faults) if faults else ''})")
    print(f"truth: {truth_path(args.out)}")
    return 0
