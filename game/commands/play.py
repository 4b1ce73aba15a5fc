"""``physioquest play``: play a guided session (webcam, video file as live, or the demo)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "play", help="play a guided exercise session",
        description="Play a guided exercise session. Uses your webcam unless --demo (the "
                    "virtual patient) or --video FILE is given. Unattended runs for tests and "
                    "clinics: --demo --offscreen --duration S --screenshots DIR.")
    p.add_argument("--demo", action="store_true", help="play with the virtual patient")
    p.add_argument("--video", metavar="FILE", help="use a video file as if it were the camera")
    p.add_argument("--camera", type=int, metavar="N", help="webcam number (default 0)")
    p.add_argument("--offscreen", action="store_true",
                   help="render without a window (the demo then plays unattended)")
    p.add_argument("--duration", type=float, metavar="SECONDS",
                   help="end the session after this many seconds of play")
    p.add_argument("--screenshots", metavar="DIR",
                   help="save a screenshot of each state and scene the session passes through")
    p.add_argument("--scene", metavar="NAME", help="play every exercise in this scene")
    p.add_argument("--exercise", metavar="ID", help="play only this exercise")
    p.add_argument("--patient", metavar="ID", help="the patient playing")
    p.add_argument("--mode", choices=("home", "clinic"),
                   help="home: window; clinic: fullscreen, larger type, high contrast")
    p.add_argument("--palette", choices=("default", "colorblind"),
                   help="colorblind: the Okabe-Ito palette")
    p.add_argument("--mute", action="store_true", default=None, help="no sounds")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720")
    p.add_argument("--config", metavar="FILE", help="TOML settings (flags override them)")
    p.add_argument("--unattended", action="store_true", default=None,
                   help="nobody at the keys: the demo patient answers every question "
                        "itself, a video skips the questions (implied by --offscreen)")
    p.add_argument("--realtime", action="store_true",
                   help="with --offscreen: pace the game by the wall clock (default: a "
                        "simulated 30 fps clock, as fast as the machine renders)")
    p.add_argument("--sim-fps", type=int, metavar="N",
                   help="frames per simulated second with the simulated clock (default 30; "
                        "tests use fewer to run faster)")
    p.add_argument("--no-record", dest="record", action="store_false", default=None,
                   help="do not write the session to the store")
    p.add_argument("--stats", action="store_true",
                   help="also print frames rendered and milliseconds per frame")
    p.add_argument("--json", action="store_true", help="print the session summary as JSON")
    p.set_defaults(func=run)


def build_config(args: argparse.Namespace) -> Any:
    from game.config import config_from_dict, load_config, parse_size
    from tracking.errors import InputError

    size = None
    if args.size:
        try:
            size = parse_size(args.size)
        except ValueError as exc:
            raise InputError(None, f"--size: {exc}") from None
    inp = "demo" if args.demo else ("video" if args.video else ("webcam" if args.camera is not None
                                                                 else None))
    unattended = args.unattended
    if unattended is None and args.offscreen:
        unattended = True  # nobody at the keys: the demo answers, a video is not asked
    over = dict(mode=args.mode, palette=args.palette, mute=args.mute, size=size, input=inp,
                camera=args.camera, video=args.video, offscreen=args.offscreen or None,
                duration_s=args.duration, screenshots=args.screenshots, scene=args.scene,
                exercise=args.exercise, patient=args.patient, unattended=unattended,
                sim_fps=args.sim_fps, record=args.record,
                simulated_clock=(True if args.offscreen and args.demo and not args.realtime
                                 else None))
    if args.config:
        return load_config(args.config, **over)
    return config_from_dict({}, None, **over)


def run(args: argparse.Namespace) -> int:
    from game.input import open_feed
    from tracking.errors import InputError

    config = build_config(args)
    if config.scene is not None:
        from scenes import SCENE_NAMES
        if config.scene not in SCENE_NAMES:
            raise InputError(None, f"--scene: unknown scene {config.scene!r}; "
                                   f"known: {', '.join(SCENE_NAMES)}")
    if config.exercise is not None:
        from tracking.exercise.library import exercise_ids
        if config.exercise not in exercise_ids():
            raise InputError(None, f"--exercise: unknown exercise {config.exercise!r}; "
                                   f"known: {', '.join(exercise_ids())}")
    feed = open_feed(config)
    from game.app import PhysioQuestApp

    import time
    app = PhysioQuestApp(config, feed)
    t0 = time.perf_counter()
    log = app.run_session()
    wall = time.perf_counter() - t0
    frames = app.frames
    shots = list(app.shots)
    app.close()
    if args.json:
        print(json.dumps({**log.to_dict(), "screenshots": [str(s) for s in shots]}, indent=1))
    else:
        print("\n".join(log.summary_lines()))
        if shots:
            print(f"  screenshots: {len(shots)} in {config.screenshots}")
    if args.stats:
        print(f"  frames: {frames} in {wall:.1f} s, {1000 * wall / max(1, frames):.1f} ms per "
              f"frame at {config.window_size[0]}x{config.window_size[1]}", file=sys.stderr if args.json
              else sys.stdout)
    return 0
