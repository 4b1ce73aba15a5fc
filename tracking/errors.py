"""Errors meant for a person: one line naming the file and the problem, never a traceback."""
from __future__ import annotations

from pathlib import Path


class PhysioQuestError(Exception):
    """An error the CLI reports as one line and exit status 2."""

    exit_code = 2


class InputError(PhysioQuestError):
    """Bad input: a missing, unreadable or wrong file, a camera that cannot be opened."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class CameraLost(PhysioQuestError):
    """The camera could not be opened, or stopped delivering frames."""
