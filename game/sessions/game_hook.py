"""Wiring the recorder into the game: ``PhysioQuestApp(..., recorder_factory=make_recorder_factory())``.

The game calls ``factory(app, patient_name)`` once the patient is chosen; the recorder it
gets opens its own store connection and closes it when the session is finished.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable

from game.sessions.models import FINISHED, Session
from game.sessions.recorder import SessionRecorder
from game.sessions.store import open_store


class GameRecorder(SessionRecorder):
    """The recorder the game gets. If the game recorded no repetition while playing, those
    in its session log (``log.sets[*].reps``, each with the engine's result) are recorded at
    ``finish``, so reports and exports have them either way."""

    def finish(self, summary: Any = None, status: str = FINISHED) -> Session:
        if self.reps_recorded == 0 and not self._closed:
            for st in getattr(summary, "sets", None) or ():
                ex = getattr(st, "exercise_id", "")
                index = int(getattr(st, "set_no", 1)) - 1
                side = getattr(st, "side", None) or ""
                reps = list(getattr(st, "reps", None) or ())
                if not ex or not reps:
                    continue
                self.begin_set(ex, index, side, getattr(st, "target_reps", None), t_ms=_start_ms(reps[0]))
                for rep in reps:
                    self.add_rep(ex, index, rep, side=side)
                self.end_set(ex, index, side, t_ms=_end_ms(reps[-1]))
        return super().finish(summary, status)


def _start_ms(rep: Any) -> float | None:
    r = getattr(rep, "result", rep)
    v = getattr(r, "start_s", None)
    return None if v is None else float(v) * 1000.0


def _end_ms(rep: Any) -> float | None:
    r = getattr(rep, "result", rep)
    v = getattr(r, "end_s", None)
    return None if v is None else float(v) * 1000.0


def patient_id_from_name(name: str) -> str:
    """A store id for a displayed name: "Sam (demo)" -> "sam-demo"."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:64]
    return slug or "guest"


def make_recorder_factory(db: str | None = None) -> Callable[[Any, str], SessionRecorder]:
    """A factory for the game: patient by name (created if new), the plan if it is stored,
    the current scene and the feed's name as the source."""
    def factory(app: Any, patient_name: str) -> SessionRecorder:
        store = open_store(db)
        try:
            pid = patient_name if store.find_patient(patient_name) else patient_id_from_name(patient_name)
            if store.find_patient(pid) is None:
                store.add_patient(pid, patient_name)
            plan_id = getattr(getattr(app, "plan", None), "plan_id", None)
            if plan_id and store.plan_text(plan_id) is None:
                plan_id = None  # the built-in plan is not a stored therapist's plan
            feed = getattr(app, "feed", None)
            rec = GameRecorder(store, pid, plan_id, scene=str(getattr(app, "scene_name", "") or ""),
                                  source_desc=str(getattr(feed, "name", "") or type(feed).__name__))
        except BaseException:
            store.close()
            raise
        rec.close_store_on_finish = True
        return rec
    return factory
