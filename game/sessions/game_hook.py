"""Wiring the recorder into the game: ``PhysioQuestApp(..., recorder_factory=make_recorder_factory())``.

The game calls ``factory(app, patient_name)`` once the patient is chosen; the recorder it
gets opens its own store connection and closes it when the session is finished.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable

from game.sessions.recorder import SessionRecorder
from game.sessions.store import open_store


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
            rec = SessionRecorder(store, pid, plan_id, scene=str(getattr(app, "scene_name", "") or ""),
                                  source_desc=str(getattr(feed, "name", "") or type(feed).__name__))
        except BaseException:
            store.close()
            raise
        rec.close_store_on_finish = True
        return rec
    return factory
