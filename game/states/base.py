"""What every game state has: enter, exit, a per-frame update, key handling."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.app import PhysioQuestApp
    from game.input import FeedSample


class State:
    """One screen of the session. ``self.t`` is the seconds spent in the state."""

    name = ""
    #: keeps its progress when left for Paused and entered again
    resumable = False

    def __init__(self, app: "PhysioQuestApp") -> None:
        self.app = app
        self.t = 0.0
        self.args: dict[str, Any] = {}

    def enter(self, **args: Any) -> None:
        self.t = 0.0
        self.args = args

    def exit(self) -> None:
        pass

    def update(self, t_s: float, dt: float, sample: "FeedSample") -> None:
        self.t += dt

    def on_key(self, key: str) -> bool:
        """Handle a key; True when handled."""
        return False
