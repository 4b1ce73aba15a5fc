"""Hold timing: continuous time within tolerance of the target, with a short grace period."""
from __future__ import annotations

from dataclasses import dataclass

#: Leaving the tolerance band for less than this does not break a hold (a wobble).
GRACE_S = 0.5
#: HoldProgress events are emitted at most this often.
PROGRESS_EVERY_S = 0.25


@dataclass
class HoldTimer:
    """Times how long a signal stays in the target band; scalar and causal."""

    target_s: float
    elapsed_s: float = 0.0  #: current continuous hold
    best_s: float = 0.0  #: longest hold so far (this repetition)
    completed: bool = False
    _since: float | None = None  #: start of the current hold
    _out_since: float | None = None
    _last_progress: float = -1e9

    def reset(self) -> None:
        self.elapsed_s = self.best_s = 0.0
        self.completed = False
        self._since = self._out_since = None
        self._last_progress = -1e9

    def update(self, t_s: float, inside: bool) -> tuple[bool, bool]:
        """Feed one valid sample; returns (emit_progress, just_completed)."""
        if inside:
            self._out_since = None
            if self._since is None:
                self._since = t_s
            self.elapsed_s = t_s - self._since
        elif self._since is not None:
            if self._out_since is None:
                self._out_since = t_s
            if t_s - self._out_since > GRACE_S:
                self._since = None
                self.elapsed_s = 0.0
        self.best_s = max(self.best_s, self.elapsed_s)
        progress = just_done = False
        if self._since is not None and self.target_s > 0 and not self.completed:
            if t_s - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = t_s
                progress = True
            if self.elapsed_s >= self.target_s:
                self.completed = just_done = True
        return progress, just_done
