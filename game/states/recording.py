"""The session as it is played, written to the store (``game.sessions``): landmarks, sets,
repetitions with their scores, cues, pauses, pain check-ins and the summary with levels.
A store that cannot be opened means no recording (the game says so once), never a crash."""
from __future__ import annotations

import sys
from typing import Any

from tracking.series import PoseFrame, SeriesMeta


def open_store_quietly() -> Any:
    try:
        from game.sessions.store import open_store
        return open_store()
    except Exception as exc:  # no store module, unreadable or foreign database
        print(f"physioquest: session not recorded ({exc})", file=sys.stderr)
        return None


def patient_ids(store: Any) -> list[str]:
    try:
        return [p.id for p in store.list_patients()]
    except Exception:
        return []


def last_levels(store: Any, patient_id: str) -> dict[str, dict[str, int]]:
    """Level states per exercise ({"level", "success_streak", "struggle_streak"}) from the
    patient's latest finished session summary."""
    try:
        sessions = [s for s in store.list_sessions(patient_id) if s.status == "finished"]
    except Exception:
        return {}
    for s in sorted(sessions, key=lambda s: s.started_at, reverse=True):
        levels = (s.summary or {}).get("levels")
        if isinstance(levels, dict) and levels:
            out = {}
            for k, v in levels.items():
                v = v if isinstance(v, dict) else {"level": v}
                out[k] = {n: int(v.get(n, 0)) for n in ("level", "success_streak",
                                                         "struggle_streak")}
            return out
    return {}


def stored_plan(store: Any, patient_id: str) -> Any:
    try:
        from game.plans import active_plan
        return active_plan(store, patient_id)
    except Exception:
        return None


class Recording:
    """A ``SessionRecorder`` with the game's vocabulary."""

    def __init__(self, store: Any, patient_id: str, plan_id: str | None, scene: str,
                 source: str, size: tuple[int, int]) -> None:
        from game.sessions.recorder import SessionRecorder
        self.rec = SessionRecorder(store, patient_id, plan_id, scene=scene, source_desc=source,
                                   meta=SeriesMeta(source=source, width=size[0], height=size[1]))
        self.store = store
        self.session_id = self.rec.session.id
        self._last_t = -1.0

    def frame(self, frame: PoseFrame) -> None:
        if frame.t_ms > self._last_t:  # each PoseFrame once
            self._last_t = frame.t_ms
            self.rec.add_frame(frame)

    def pain(self, when: str, value: int) -> None:
        self.rec.pain(when, value)

    # The game numbers sets from 1 (what the patient sees); the store's set_index from 0.
    def begin_set(self, exercise_id: str, set_no: int, side: str | None, reps: int) -> None:
        self.rec.begin_set(exercise_id, set_no - 1, side or "", target_reps=reps)

    def rep(self, exercise_id: str, set_no: int, ev: Any) -> None:
        self.rec.add_rep(exercise_id, set_no - 1, ev.result if ev.result is not None else {
            "score": ev.score, "range_deg": ev.range_deg}, side=ev.side or None)

    def end_set(self, exercise_id: str, set_no: int, side: str | None) -> None:
        self.rec.end_set(exercise_id, set_no - 1, side or "")

    def event(self, name: str, payload: dict[str, Any]) -> None:
        self.rec.add_event(name, payload)

    def finish(self, summary: dict[str, Any]) -> None:
        self.rec.finish(summary)
        try:
            self.store.close()
        except Exception:
            pass
