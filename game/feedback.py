"""Choice of the one form cue shown (and spoken) at a time. Pure: numbers in, decisions out.

Cues never flicker: a fault must persist ``persist_s`` before its cue is shown; a shown cue
stays at least ``min_show_s``; the same cue is not shown again within ``repeat_gap_s`` of
the moment it was last hidden. When several faults qualify, the most important one wins
(lower ``priority`` number first, then the one seen longest).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class CueRules:
    """Timing rules for form cues (seconds)."""

    persist_s: float = 0.5  #: a fault must be seen this long before its cue appears
    min_show_s: float = 2.0  #: a cue, once shown, stays at least this long
    repeat_gap_s: float = 8.0  #: the same cue is not shown again sooner than this after it hid
    linger_s: float = 0.6  #: a cue stays this long after its fault has gone (no flicker)

    def __post_init__(self) -> None:
        for name in ("persist_s", "min_show_s", "repeat_gap_s", "linger_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"CueRules.{name} must be >= 0")


@dataclass(frozen=True)
class FaultReading:
    """A fault seen in the current frame: its id, the plain-words cue, its priority."""

    fault: str
    cue: str
    priority: int = 5
    confirmed: bool = False  #: already persisted upstream (the engine's min_duration_s)


@dataclass(frozen=True)
class CueDecision:
    """What to show now. ``started`` is True only on the update that first shows the cue
    (speak it then, once)."""

    fault: str | None = None
    cue: str | None = None
    started: bool = False


@dataclass
class CueSelector:
    """Feed it the faults seen each frame; it answers with the one cue to show."""

    rules: CueRules = field(default_factory=CueRules)
    _onset: dict[str, float] = field(default_factory=dict)  # fault -> first seen (continuous)
    _last_seen: dict[str, float] = field(default_factory=dict)
    _hidden_at: dict[str, float] = field(default_factory=dict)  # cue text -> when it last hid
    _current: FaultReading | None = None
    _shown_at: float = 0.0
    _times_shown: dict[str, int] = field(default_factory=dict)

    @property
    def current(self) -> str | None:
        return self._current.cue if self._current else None

    def times_shown(self, fault: str) -> int:
        """How often the cue for ``fault`` was shown (for session summaries)."""
        return self._times_shown.get(fault, 0)

    def reset(self) -> None:
        """Forget everything (a new set, or after a pause)."""
        self._onset.clear()
        self._last_seen.clear()
        self._current = None

    def update(self, t_s: float, faults: Mapping[str, FaultReading] | list[FaultReading]) -> CueDecision:
        """Advance to time ``t_s`` (monotonic seconds) with the faults seen in this frame."""
        seen = {f.fault: f for f in (faults.values() if isinstance(faults, Mapping) else faults)}
        for name in list(self._onset):
            if name not in seen:
                del self._onset[name]
        for name in seen:
            self._onset.setdefault(name, t_s)
            self._last_seen[name] = t_s

        cur = self._current
        if cur is not None:
            still = cur.fault in seen or t_s - self._last_seen.get(cur.fault, -1e9) < self.rules.linger_s
            if still or t_s - self._shown_at < self.rules.min_show_s:
                return CueDecision(cur.fault, cur.cue, False)
            self._hidden_at[cur.cue] = t_s
            self._current = None

        candidates = [
            f for name, f in seen.items()
            if (f.confirmed or t_s - self._onset[name] >= self.rules.persist_s)
            and t_s - self._hidden_at.get(f.cue, -1e9) >= self.rules.repeat_gap_s
        ]
        if not candidates:
            return CueDecision()
        best = min(candidates, key=lambda f: (f.priority, self._onset[f.fault], f.fault))
        self._current = best
        self._shown_at = t_s
        self._times_shown[best.fault] = self._times_shown.get(best.fault, 0) + 1
        return CueDecision(best.fault, best.cue, True)


def stars_for_score(score: float) -> int:
    """0-3 stars for a 0-100 repetition score (50+ one, 70+ two, 85+ three)."""
    if score != score:  # NaN: not scored
        return 0
    return int(score >= 50) + int(score >= 70) + int(score >= 85)


def praise_for_score(score: float) -> str:
    """A short word of praise (or encouragement) for a repetition score."""
    if score >= 85:
        return "Excellent!"
    if score >= 70:
        return "Well done!"
    if score >= 50:
        return "Good"
    return "Keep going"


@dataclass
class ViewHintTimer:
    """The camera-placement hint (``tracking.exercise.placement.view_hint``), at most once per
    set: shown when the view has been wrong ``delay_s`` in a row, for ``show_s`` or until the
    view is fine again; never while the view is fine. One timer per set (kept over a pause)."""

    delay_s: float = 3.0
    show_s: float = 4.0
    _since: float | None = None
    _shown_at: float | None = None
    _text: str = ""

    @property
    def fired(self) -> bool:
        return self._shown_at is not None

    def update(self, t_s: float, hint: str | None) -> CueDecision:
        """Advance to ``t_s`` with the hint for this frame (None: the view is fine)."""
        if self._shown_at is not None:
            if not hint:  # the patient turned: done for this set
                self._shown_at = -1e9
            on = t_s - self._shown_at < self.show_s
            return CueDecision("camera_view", self._text, False) if on else CueDecision()
        if not hint:
            self._since = None
            return CueDecision()
        self._since = t_s if self._since is None else self._since
        if t_s - self._since < self.delay_s:
            return CueDecision()
        self._shown_at, self._text = t_s, hint
        return CueDecision("camera_view", hint, True)
