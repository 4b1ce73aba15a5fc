"""Every repetition as one CSV row (one header line, comma-separated, UTF-8).

``range_reached`` and ``target`` are in the row's ``unit``: "deg" (degrees), or "pct" (percent
of torso length or hip width: repetitions counted by a height, e.g. a view primary);
``measure`` is the measure counted (empty when not recorded). Repetitions recorded without a
unit are in degrees."""
from __future__ import annotations

import csv
import io
from typing import Any

from game.reports.stats import rep_measure, rep_unit

COLUMNS = ("patient_id", "session_id", "session_start", "session_status", "plan_id", "exercise_id", "side",
           "set", "rep", "t_start_s", "duration_s", "range_reached", "target", "unit", "measure", "confidence",
           "hold_s", "score", "faults")


def _f(v: float | None, nd: int = 1) -> str:
    return "" if v is None else f"{v:.{nd}f}"


def reps_csv(store: Any, patient_id: str, session_id: str | None = None) -> str:
    """CSV text of the patient's repetitions (or one session's). Sets and reps count from 1."""
    store.get_patient(patient_id)
    sessions = [store.get_session(session_id)] if session_id else store.list_sessions(patient_id)
    if session_id and sessions[0].patient_id != patient_id:
        from tracking.errors import InputError
        raise InputError(None, f"session {sessions[0].id} belongs to patient {sessions[0].patient_id}, not {patient_id}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for s in sessions:
        if s.patient_id != patient_id:
            continue
        for r in store.reps(s.id):
            w.writerow([patient_id, s.id, s.local_start.isoformat(timespec="seconds"), s.status, s.plan_id or "",
                        r.exercise_id, r.side, r.set_index + 1, r.rep_index + 1, _f(r.t_start_ms / 1000.0, 3),
                        _f(r.duration_s, 3), _f(r.range_deg), _f(r.target_deg), rep_unit(r), rep_measure(r),
                        _f(r.confidence, 2),
                        _f(r.hold_s, 2), _f(r.score, 0), ";".join(r.faults)])
    return buf.getvalue()
