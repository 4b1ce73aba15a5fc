"""``physioquest sessions list|show``: the recorded sessions."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("sessions", help="list recorded sessions or show one",
                              description="List recorded sessions, or show one in detail.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    lp = sub.add_parser("list", help="list sessions (newest last)")
    lp.add_argument("--patient", metavar="ID", help="only this patient's sessions")
    add_db_argument(lp)
    sp = sub.add_parser("show", help="one session: sets, repetitions, events, pain")
    sp.add_argument("session", metavar="ID", help="session id (a unique prefix is enough)")
    add_db_argument(sp)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.sessions.store import open_store
    with open_store(args.db) as store:
        if args.action == "list":
            if args.patient:
                store.get_patient(args.patient)
            sessions = store.list_sessions(args.patient)
            if not sessions:
                print("no sessions recorded" + (f" for {args.patient}" if args.patient else ""))
            for s in sessions:
                reps = store.reps(s.id)
                print(f"{s.id}  {s.patient_id:<12} {s.local_start:%Y-%m-%d %H:%M}  {s.status:<11} "
                      f"{s.duration_s / 60:5.1f} min  {len(reps):3d} reps  {s.scene}")
            return 0
        print(session_text(store, args.session))
    return 0


def session_text(store, session_id: str) -> str:
    """A plain-text account of one session."""
    from game.reports.stats import rep_unit, unit_symbol

    s = store.get_session(session_id)
    reps = store.reps(s.id)
    lines = [f"session {s.id}", f"  patient   {s.patient_id}", f"  plan      {s.plan_id or '-'}",
             f"  started   {s.local_start:%Y-%m-%d %H:%M:%S %z}", f"  status    {s.status}",
             f"  duration  {s.duration_s / 60:.1f} min", f"  scene     {s.scene or '-'}",
             f"  source    {s.source_desc or '-'}"]
    chunks = store.chunk_index(s.id)
    lines.append(f"  landmarks {sum(c[3] for c in chunks)} frames in {len(chunks)} chunks"
                 + (f", {chunks[0][1] / 1000:.1f}-{chunks[-1][2] / 1000:.1f} s" if chunks else ""))
    for p in store.pain(s.id):
        lines.append(f"  pain {p.when:<6} {p.score}/10")
    for st in store.sets(s.id):
        mine = [r for r in reps if (r.exercise_id, r.set_index, r.side) == (st.exercise_id, st.set_index, st.side)]
        side = f" ({st.side})" if st.side else ""
        target = f" of {st.target_reps}" if st.target_reps else ""
        lines.append(f"  set {st.set_index + 1} {st.exercise_id}{side}: {len(mine)} reps{target}, "
                     f"{st.duration_s:.0f} s")
        for r in mine:
            rng = "-" if r.range_deg is None else f"{r.range_deg:.0f}{unit_symbol(rep_unit(r))}"
            tgt = "" if r.target_deg is None else f" / target {r.target_deg:.0f}"
            score = "-" if r.score is None else f"{r.score:.0f}"
            faults = f"  faults: {', '.join(r.faults)}" if r.faults else ""
            lines.append(f"    rep {r.rep_index + 1:2d}  range {rng}{tgt}  score {score}{faults}")
    events = store.events(s.id)
    if events:
        counts: dict[str, int] = {}
        for e in events:
            counts[e.name] = counts.get(e.name, 0) + 1
        lines.append("  events    " + ", ".join(f"{n} x{c}" for n, c in sorted(counts.items())))
    plain = {k: v for k, v in s.summary.items() if isinstance(v, (str, int, float, bool)) or v is None}
    if plain:  # the scalar part of the game's summary (lists and tables are in the report)
        text = ", ".join(f"{k}={v}" for k, v in plain.items())
        lines.append("  summary   " + (text if len(text) <= 300 else text[:297] + "..."))
    return "\n".join(lines)
