"""The session's state machine (``direct.fsm.FSM``): each FSM state delegates to a State
object; Paused remembers the state it interrupted and returns to it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from direct.fsm.FSM import FSM

from game.states.base import State

if TYPE_CHECKING:
    from game.app import PhysioQuestApp

STATE_NAMES = ("PatientChoice", "CameraCheck", "PainCheck", "Calibration", "Exercise",
               "SetSummary", "Rest", "SessionSummary", "Paused")


class SessionFlow(FSM):
    """``request(name, **args)`` moves to a state; ``pause(reason)`` / ``resume()``."""

    def __init__(self, app: "PhysioQuestApp", states: dict[str, State]) -> None:
        FSM.__init__(self, "SessionFlow")
        self.app = app
        self.states = states
        self.paused_from: str | None = None
        self.done = False
        for name in STATE_NAMES:
            if name not in states:
                raise KeyError(f"missing state {name}")
            setattr(self, f"enter{name}", self._make_enter(name))
            setattr(self, f"exit{name}", self._make_exit(name))

    def _make_enter(self, name: str):
        def enter(*args: Any) -> None:
            kwargs = args[0] if args and isinstance(args[0], dict) else {}
            self.app.on_state_entered(name, kwargs)
            self.states[name].enter(**kwargs)
        return enter

    def _make_exit(self, name: str):
        def exit_() -> None:
            self.states[name].exit()
        return exit_

    def go(self, name: str, **kwargs: Any) -> None:
        self.request(name, kwargs)

    @property
    def current(self) -> State | None:
        return self.states.get(self.state) if self.state else None

    def pause(self, reason: str) -> None:
        if self.state in (None, "Paused", "SessionSummary", "Off"):
            return
        self.paused_from = self.state
        self.go("Paused", reason=reason)

    def resume(self) -> None:
        if self.state != "Paused" or self.paused_from is None:
            return
        back, self.paused_from = self.paused_from, None
        self.go(back, resumed=True)
