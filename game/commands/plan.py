"""``physioquest plan check|import|show``: therapists' plans (TOML, see docs/sessions.md)."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("plan", help="check, import or show a therapist's plan",
                              description="Plans are TOML files (examples in assets/plans/). 'check' "
                                          "validates without storing; 'import' stores the plan for its patient.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    cp = sub.add_parser("check", help="validate plan files")
    cp.add_argument("files", nargs="+", metavar="FILE")
    ip = sub.add_parser("import", help="validate and store a plan for its patient")
    ip.add_argument("file", metavar="FILE")
    add_db_argument(ip)
    sp = sub.add_parser("show", help="show a patient's current plan")
    sp.add_argument("patient", metavar="PATIENT")
    add_db_argument(sp)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.plans import active_plan, describe, import_plan, load_plan
    if args.action == "check":
        for f in args.files:
            plan = load_plan(f)
            print(f"{f}: ok ({plan.id}: {len(plan.exercises)} exercises, patient {plan.patient_id})")
        return 0
    from game.sessions.store import open_store
    with open_store(args.db) as store:
        if args.action == "import":
            plan = import_plan(store, args.file)
            print(f"imported plan {plan.id} for patient {plan.patient_id}")
            return 0
        store.get_patient(args.patient)
        plan = active_plan(store, args.patient)
        if plan is None:
            print(f"patient {args.patient} has no plan (physioquest plan import FILE)")
            return 1
        print(describe(plan))
    return 0
