"""``physioquest patient add|list|delete``: patients (pseudonymous ids) and erasing them."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("patient", help="add, list or delete patients",
                              description="Patients are known by an id you choose (no name needed). "
                                          "'delete' erases everything of the patient, landmarks included.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ap = sub.add_parser("add", help="add a patient")
    ap.add_argument("patient", metavar="ID")
    ap.add_argument("--name", default="", help="optional display name")
    add_db_argument(ap)
    add_db_argument(sub.add_parser("list", help="list patients"))
    dp = sub.add_parser("delete", help="erase a patient and all their data")
    dp.add_argument("patient", metavar="ID")
    dp.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_db_argument(dp)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.sessions.store import open_store
    with open_store(args.db) as store:
        if args.action == "add":
            p = store.add_patient(args.patient, args.name)
            print(f"added patient {p.id}")
        elif args.action == "list":
            patients = store.list_patients()
            if not patients:
                print("no patients")
            for p in patients:
                n = len(store.list_sessions(p.id))
                print(f"{p.id:<16} {p.display_name:<24} {n} session{'s' if n != 1 else ''}")
        else:
            store.get_patient(args.patient)
            if not args.yes:
                answer = input(f"Erase patient {args.patient} and ALL their sessions, plans and "
                               "landmarks? Type the id to confirm: ")
                if answer.strip() != args.patient:
                    print("not deleted")
                    return 1
            counts = store.delete_patient(args.patient)
            print(f"deleted patient {args.patient}: {counts['sessions']} sessions, {counts['reps']} reps, "
                  f"{counts['landmark_chunks']} landmark chunks, {counts['plans']} plans")
    return 0
