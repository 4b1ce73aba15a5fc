"""``physioquest replay SESSION``: watch a recorded session again, and re-score it."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("replay", help="replay a recorded session in its scene",
                              description="The recorded skeleton in the scene where the session happened, "
                                          "with a timeline of repetitions and faults. Keys: space play/pause, "
                                          "left/right 5 s, up/down speed, n/p next/previous rep, 1-9 rep, g ghost.")
    p.add_argument("session", metavar="SESSION", help="session id (a unique prefix is enough)")
    p.add_argument("--rescore", action="store_true",
                   help="re-score the recorded landmarks with the scoring engine and compare")
    p.add_argument("--offscreen", action="store_true", help="render without a window (with --screenshots)")
    p.add_argument("--screenshots", metavar="DIR", help="save pictures of the start, repetitions and end")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from game.replay.timeline import load_replay
    from game.sessions.store import open_store
    from tracking.errors import InputError
    with open_store(args.db) as store:
        model = load_replay(store, args.session)
    if not len(model.series):
        raise InputError(None, f"session {model.session.id} has no recorded landmarks to replay")
    rescored = []
    if args.rescore:
        from game.replay.rescore import rescore
        rescored = rescore(model)
        for r in rescored:
            print(r.line())
    if args.offscreen and not args.screenshots:
        return 0 if args.rescore else _need_shots()
    from game.replay.viewer import ReplayApp, screenshot_times
    app = ReplayApp(model, offscreen=args.offscreen, rescored=rescored)
    try:
        if args.screenshots:
            for i, (t, label) in enumerate(screenshot_times(model)):
                print(f"wrote {app.screenshot_at(t, Path(args.screenshots) / f'replay_{i:02d}_{label}.png')}")
        if not args.offscreen:
            app.run_replay()
    finally:
        app.close()
    return 0


def _need_shots() -> int:
    from tracking.errors import InputError
    raise InputError(None, "--offscreen needs --screenshots DIR (or --rescore)")
