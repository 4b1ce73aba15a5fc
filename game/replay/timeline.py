"""The replay model: what happened when in a recorded session, and a playback clock.

Pure Python and numpy (no Panda3D): the viewer asks it for the frame, exercise, target,
repetition and faults at the playhead; tests drive it directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from game.reports.stats import exercise_info, met_target, rep_unit, unit_symbol
from game.sessions.models import Event, RepRecord, Session, SetRecord
from tracking.series import PoseFrame, PoseSeries

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
#: A frame further than this from the playhead counts as "nobody seen".
MAX_GAP_MS = 250.0
#: A FormFault event lights its joints this long.
FAULT_SHOW_MS = 800.0


@dataclass(frozen=True)
class RepMark:
    """One repetition on the timeline."""

    number: int  #: 1-based over the session
    rep: RepRecord
    met: bool | None

    @property
    def t0_ms(self) -> float:
        return self.rep.t_start_ms

    @property
    def t1_ms(self) -> float:
        return self.rep.t_end_ms

    def label(self) -> str:
        side = f" {self.rep.side}" if self.rep.side else ""
        rng = ("" if self.rep.range_deg is None
               else f", {self.rep.range_deg:.0f}{unit_symbol(rep_unit(self.rep))}")
        tgt = "" if self.rep.target_deg is None else f" (target {self.rep.target_deg:.0f})"
        score = "" if self.rep.score is None else f", score {self.rep.score:.0f}"
        return (f"{exercise_info(self.rep.exercise_id).name}{side}: set {self.rep.set_index + 1}, "
                f"rep {self.rep.rep_index + 1}{rng}{tgt}{score}")


class ReplayModel:
    """A session's landmarks, repetitions, sets and events, indexed by time."""

    def __init__(self, session: Session, series: PoseSeries, reps: list[RepRecord], sets: list[SetRecord],
                 events: list[Event]) -> None:
        self.session = session
        self.series = series
        self.sets = sorted(sets, key=lambda s: (s.t_start_ms if s.t_start_ms is not None else 0.0))
        self.events = events
        ordered = sorted(reps, key=lambda r: r.t_start_ms)
        self.marks = [RepMark(i + 1, r, met_target(r, exercise_info(r.exercise_id))) for i, r in enumerate(ordered)]
        times = [r.t_start_ms for r in reps] + [r.t_end_ms for r in reps]
        times += [s.t_start_ms for s in sets if s.t_start_ms is not None]
        times += [s.t_end_ms for s in sets if s.t_end_ms is not None]
        if len(series):
            times += [float(series.t_ms[0]), float(series.t_ms[-1])]
        self.start_ms = min(times) if times else 0.0
        self.end_ms = max(times) if times else 0.0
        self._faults = [(e.t_ms, str(e.payload.get("name") or e.payload.get("fault") or ""))
                        for e in events if e.name == "FormFault"]

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def frame_at(self, t_ms: float) -> PoseFrame | None:
        """The latest frame at or before ``t_ms`` (None in a gap or before the first)."""
        if not len(self.series):
            return None
        i = int(np.searchsorted(self.series.t_ms, t_ms, side="right")) - 1
        if i < 0 or t_ms - self.series.t_ms[i] > MAX_GAP_MS:
            return None
        return self.series[i]

    def rep_at(self, t_ms: float) -> RepMark | None:
        return next((m for m in self.marks if m.t0_ms <= t_ms <= m.t1_ms), None)

    def set_at(self, t_ms: float) -> SetRecord | None:
        for s in self.sets:
            if s.t_start_ms is not None and s.t_start_ms <= t_ms <= (s.t_end_ms if s.t_end_ms is not None else t_ms):
                return s
        return None

    def exercise_at(self, t_ms: float) -> tuple[str, float | None]:
        """(exercise id, target angle) at ``t_ms``: from the repetition, else the set, else the nearest rep."""
        m = self.rep_at(t_ms)
        if m is None:
            s = self.set_at(t_ms)
            cands = [k for k in self.marks if s is None or k.rep.exercise_id == s.exercise_id]
            if not cands:
                return (s.exercise_id if s else ""), None
            m = min(cands, key=lambda k: min(abs(k.t0_ms - t_ms), abs(k.t1_ms - t_ms)))
        return m.rep.exercise_id, m.rep.target_deg

    def faults_at(self, t_ms: float) -> tuple[str, ...]:
        """Faults shown at ``t_ms``: FormFault events in the last moment, else the repetition's."""
        recent = tuple(dict.fromkeys(n for t, n in self._faults if n and 0 <= t_ms - t <= FAULT_SHOW_MS))
        if recent:
            return recent
        m = self.rep_at(t_ms)
        return m.rep.faults if m else ()

    def fraction(self, t_ms: float) -> float:
        return 0.0 if self.duration_ms <= 0 else min(1.0, max(0.0, (t_ms - self.start_ms) / self.duration_ms))


class Playback:
    """Play, pause, scrub, speed and jump to a repetition over a ReplayModel."""

    def __init__(self, model: ReplayModel) -> None:
        self.model = model
        self.t_ms = model.start_ms
        self.playing = True
        self.speed = 1.0

    def step(self, dt_s: float) -> None:
        if self.playing:
            self.seek(self.t_ms + dt_s * 1000.0 * self.speed)
            if self.t_ms >= self.model.end_ms:
                self.playing = False

    def seek(self, t_ms: float) -> None:
        self.t_ms = min(self.model.end_ms, max(self.model.start_ms, t_ms))

    def seek_fraction(self, f: float) -> None:
        self.seek(self.model.start_ms + min(1.0, max(0.0, f)) * self.model.duration_ms)

    def toggle(self) -> None:
        if not self.playing and self.t_ms >= self.model.end_ms:
            self.t_ms = self.model.start_ms
        self.playing = not self.playing

    def faster(self) -> None:
        self.speed = next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])

    def slower(self) -> None:
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])

    def jump_to_rep(self, number: int) -> RepMark | None:
        """Go to the start of repetition ``number`` (1-based) and pause there."""
        if not 1 <= number <= len(self.model.marks):
            return None
        m = self.model.marks[number - 1]
        self.seek(m.t0_ms)
        self.playing = False
        return m

    def next_rep(self) -> RepMark | None:
        m = next((k for k in self.model.marks if k.t0_ms > self.t_ms + 1.0), None)
        return self.jump_to_rep(m.number) if m else None

    def prev_rep(self) -> RepMark | None:
        cands = [k for k in self.model.marks if k.t0_ms < self.t_ms - 1.0]
        return self.jump_to_rep(cands[-1].number) if cands else None


def load_replay(store: Any, session_id: str) -> ReplayModel:
    s = store.get_session(session_id)
    return ReplayModel(s, store.load_series(s.id), store.reps(s.id), store.sets(s.id), store.events(s.id))
