"""``physioquest export csv|fhir|billing``: repetitions as CSV, a FHIR R4 Bundle, billing support."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("export", help="export results: csv, fhir or billing",
                              description="csv: one row per repetition. fhir: a FHIR R4 Bundle of Observations "
                                          "(JSON). billing: exercise minutes and units (8-minute rule) and "
                                          "remote-monitoring days; supports documentation, does not bill.")
    p.add_argument("format", choices=("csv", "fhir", "billing"))
    p.add_argument("--patient", required=True, metavar="ID")
    p.add_argument("--session", metavar="ID", help="only this session (csv, fhir)")
    p.add_argument("--month", metavar="YYYY-MM", help="only this month (billing)")
    p.add_argument("--json", action="store_true", help="billing as JSON instead of text")
    p.add_argument("--out", metavar="FILE", help="write here (owner-only) instead of standard output")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    import re

    from game.sessions.store import open_store
    from tracking.errors import InputError
    if args.month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        raise InputError(None, f"--month must look like 2026-11, not {args.month!r}")
    with open_store(args.db) as store:
        if args.format == "csv":
            from game.exports.csv_export import reps_csv
            text = reps_csv(store, args.patient, args.session)
        elif args.format == "fhir":
            from game.exports.fhir import fhir_bundle
            text = json.dumps(fhir_bundle(store, args.patient, args.session), indent=2) + "\n"
        else:
            from game.exports.billing import billing_json, billing_summary, billing_text
            summary = billing_summary(store, args.patient, args.month)
            text = billing_json(summary) if args.json else billing_text(summary)
    if args.out:
        from game.reports.html import write_private
        print(f"wrote {write_private(args.out, text)}")
    else:
        print(text, end="")
    return 0
