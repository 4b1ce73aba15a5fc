"""``physioquest``: the command-line entry point. Subcommands live in ``game.commands``."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from tracking.errors import PhysioQuestError

#: Command modules in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "play",
    "analyze",
    "render_patient",
    "score",
    "import_data",
    "patient",
    "plan",
    "report",
    "export",
    "replay",
    "sessions",
    "exercises",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="physioquest",
        description="PhysioQuest: guided therapeutic exercise with webcam pose tracking, "
                    "offline and on your own machine.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"game.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except PhysioQuestError as exc:
        print(f"physioquest: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("physioquest: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
