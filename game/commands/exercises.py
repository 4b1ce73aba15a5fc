"""``physioquest exercises list|show ID|check FILE...|angles``: the exercise library."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("exercises", help="list, show and check exercise specs",
                              description="The exercise library (assets/exercises/*.toml).")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="one line per exercise")
    ls.add_argument("--category", choices=("strength", "stretching", "balance", "aerobic"))
    ls.add_argument("--position", choices=("standing", "seated", "lying"))
    show = sub.add_parser("show", help="everything about one exercise")
    show.add_argument("id")
    chk = sub.add_parser("check", help="validate exercise spec files")
    chk.add_argument("files", nargs="+", metavar="FILE")
    sub.add_parser("angles", help="the named angles a spec may use")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracking.exercise.library import get_spec, library

    if args.action == "list":
        for s in library().values():
            if args.category and s.category != args.category:
                continue
            if args.position and s.position != args.position:
                continue
            kind = f"hold {s.hold_s:g} s" if s.is_hold else f"{s.reps} reps"
            print(f"{s.id:38s} {s.category:10s} {s.position:8s} {s.sides:11s} {kind:10s} {s.name}")
        return 0
    if args.action == "show":
        print(_describe(get_spec(args.id)))
        return 0
    if args.action == "angles":
        from tracking.angles import ANGLES
        for d in ANGLES.values():
            print(f"{d.name:24s} {d.unit:3s} {d.plane:8s} {d.description}")
        return 0
    return _check(args.files)


def _check(files: list[str]) -> int:
    from tracking.errors import InputError
    from tracking.exercise.spec import load_spec

    bad = 0
    for f in files:
        try:
            s = load_spec(f)
        except InputError as exc:
            print(f"FAIL {exc}")
            bad += 1
        else:
            print(f"ok   {f}: {s.id} ({len(s.faults)} faults)")
    if bad:
        from tracking.errors import PhysioQuestError
        raise PhysioQuestError(f"{bad} of {len(files)} exercise file(s) invalid")
    return 0


def _describe(s) -> str:  # noqa: ANN001 - an ExerciseSpec
    p = s.primary
    lines = [f"{s.name} ({s.id})", s.description, "",
             f"category {s.category}, {s.position}, camera view {s.view}, sides {s.sides}, scene {s.scene}",
             f"primary angle {p.angle}: {p.start:g} -> {p.target:g} ({p.direction}), "
             f"min range {p.min_range:g}, tolerance {p.tolerance:g}",
             f"tempo {s.tempo.up_s:g} s up, {s.tempo.down_s:g} s down; "
             + (f"hold {s.hold_s:g} s; " if s.is_hold else "") + f"{s.reps} reps"]
    if s.cues:
        lines.append("cues: " + "; ".join(s.cues))
    for f in s.faults:
        lines.append(f"fault {f.name}: {f.angle} ({f.side}) {f.comparison} {f.limit:g}"
                     f"{' relative' if f.relative else ''} for {f.min_duration_s:g} s, "
                     f"{f.severity}: \"{f.cue}\"")
    return "\n".join(lines)
