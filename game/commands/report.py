"""``physioquest report``: a self-contained HTML report for a patient (and one session)."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from game.sessions.paths import add_db_argument
    p = subparsers.add_parser("report", help="write an HTML report of a patient's sessions",
                              description="One self-contained HTML page (charts inside, nothing fetched): "
                                          "plain-language summary, a session in detail, trends, adherence, pain.")
    p.add_argument("--patient", required=True, metavar="ID")
    p.add_argument("--session", metavar="ID", help="the session to show in detail (default: the latest)")
    p.add_argument("--out", required=True, metavar="FILE.html")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.reports.html import build_report, write_private
    from game.sessions.store import open_store
    with open_store(args.db) as store:
        html = build_report(store, args.patient, args.session)
    path = write_private(args.out, html)
    print(f"wrote {path}")
    return 0
