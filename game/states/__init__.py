"""The game's states (``direct.fsm.FSM``): patient choice, camera check, pain check-in,
calibration, exercise, set summary, rest, session summary, paused."""
from __future__ import annotations

from typing import TYPE_CHECKING

from game.states.base import State
from game.states.between import Paused, Rest, SessionSummary, SetSummary
from game.states.exercise import Exercise
from game.states.flow import STATE_NAMES, SessionFlow
from game.states.setup import Calibration, CameraCheck, PainCheck, PatientChoice

if TYPE_CHECKING:
    from game.app import PhysioQuestApp

STATE_CLASSES: tuple[type[State], ...] = (PatientChoice, CameraCheck, PainCheck, Calibration,
                                          Exercise, SetSummary, Rest, SessionSummary, Paused)


def make_flow(app: "PhysioQuestApp") -> SessionFlow:
    return SessionFlow(app, {cls.name: cls(app) for cls in STATE_CLASSES})


__all__ = ["STATE_NAMES", "SessionFlow", "State", "make_flow"]
