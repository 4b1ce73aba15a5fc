"""Pose gestures the game understands. Pure: landmark arrays in, answers out.

- Both hands together above the head, held ``hold_s``: pause (or resume when paused).
  "Together" (wrists closer than 0.6 shoulder widths) keeps overhead exercises, where the
  hands stay about shoulder width apart or wider, from pausing the game.
- Pain check-in: raise ONE hand; its height between just above the hips (0) and one torso
  height above the shoulders (10) chooses the number; hold it still ``hold_s`` to answer.

Landmarks are image-normalised (y down) as in ``PoseFrame.xyzv``; distances are judged in
units of the patient's torso height so they work near and far from the camera.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tracking.landmarks import Landmark as L

MIN_VIS = 0.5


def _pt(xyzv: np.ndarray, lm: L) -> np.ndarray | None:
    p = xyzv[int(lm)]
    if not np.isfinite(p[:2]).all() or (np.isfinite(p[3]) and p[3] < MIN_VIS):
        return None
    return p[:2].astype(float)


def _torso(xyzv: np.ndarray) -> tuple[float, float, float] | None:
    """(shoulder y, hip y, torso height) or None when the torso is not seen."""
    pts = [_pt(xyzv, lm) for lm in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)]
    if any(p is None for p in pts):
        return None
    sh = (pts[0][1] + pts[1][1]) / 2  # type: ignore[index]
    hip = (pts[2][1] + pts[3][1]) / 2  # type: ignore[index]
    h = hip - sh
    return (sh, hip, h) if h > 1e-3 else None


def hands_above_head(xyzv: np.ndarray, margin: float = 0.15, together: bool = True) -> bool:
    """Both wrists higher than the nose by ``margin`` torso heights (and, with ``together``,
    closer to each other than 0.6 shoulder widths)."""
    torso = _torso(xyzv)
    nose = _pt(xyzv, L.NOSE)
    lw, rw = _pt(xyzv, L.LEFT_WRIST), _pt(xyzv, L.RIGHT_WRIST)
    if torso is None or nose is None or lw is None or rw is None:
        return False
    limit = nose[1] - margin * torso[2]
    if not (lw[1] < limit and rw[1] < limit):
        return False
    if together:
        ls, rs = _pt(xyzv, L.LEFT_SHOULDER), _pt(xyzv, L.RIGHT_SHOULDER)
        return bool(abs(lw[0] - rw[0]) < 0.6 * abs(ls[0] - rs[0]))  # type: ignore[index]
    return True


def pain_from_hand(xyzv: np.ndarray) -> int | None:
    """The pain number (0-10) shown by one raised hand, or None (no hand / both hands up).

    Exactly one wrist must be clearly above the hips (a quarter torso height): there it
    reads 0; one torso height above the shoulders reads 10.
    """
    torso = _torso(xyzv)
    if torso is None or hands_above_head(xyzv, together=False):
        return None
    sh, hip, h = torso
    wrists = [w for w in (_pt(xyzv, L.LEFT_WRIST), _pt(xyzv, L.RIGHT_WRIST)) if w is not None]
    low = hip - 0.25 * h  # y of "0": a hand just raised
    raised = [w for w in wrists if w[1] < low]
    if len(raised) != 1:
        return None
    top = sh - 1.0 * h  # y of "10"
    frac = (low - raised[0][1]) / (low - top)
    return int(round(float(np.clip(frac, 0.0, 1.0)) * 10))


@dataclass
class HeldGesture:
    """Turns a per-frame reading into an answer once it has stayed the same ``hold_s``.

    ``update`` returns the value on the one update where it is accepted, else None; then it
    waits until the reading changes (or disappears) before it can accept again."""

    hold_s: float = 1.5
    _value: object = None
    _since: float = 0.0
    _fired: bool = False
    history: list = field(default_factory=list)

    def progress(self, t_s: float) -> float:
        """0..1: how far the current reading is towards acceptance."""
        if self._value is None or self._fired:
            return 0.0
        return min(1.0, (t_s - self._since) / self.hold_s) if self.hold_s > 0 else 1.0

    @property
    def value(self) -> object:
        return self._value

    def update(self, t_s: float, value: object) -> object:
        if value is None or value is False:
            self._value, self._fired = None, False
            return None
        if value != self._value:
            self._value, self._since, self._fired = value, t_s, False
        if not self._fired and t_s - self._since >= self.hold_s:
            self._fired = True
            self.history.append((t_s, value))
            return value
        return None
