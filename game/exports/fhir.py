"""A FHIR R4 ``Bundle`` (type collection) of Observations for one patient.

Per session and exercise: the range reached (best, with mean and target as components, in
UCUM ``deg``, or ``%`` for repetitions counted by a height in percent of torso length or hip
width, e.g. from a camera view that does not show the angle) and the repetitions completed; per pain check-in: LOINC 72514-3 (pain severity 0-10
numeric rating). The patient is a Patient resource with our pseudonymous id only. Plain
JSON dicts; the tests validate them with fhir.resources' R4B models (R4B keeps Observation,
Patient and Bundle as in R4 for every element used here).
"""
from __future__ import annotations

import time
import uuid
from typing import Any

from game.reports.stats import exercise_info, summarise
from game.sessions.models import INTERRUPTED, Session, local_datetime

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MEASURE_SYSTEM = "urn:physioquest:measure"
PATIENT_ID_SYSTEM = "urn:physioquest:patient-id"
PAIN_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
_NS = uuid.UUID("6f1d2c1e-8f0b-4c5e-9a57-6a8e0f3b7c21")


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '/'.join(parts))}"


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBS_CATEGORY, "code": code, "display": display}]}]


#: the engine's units (RepResult.unit) as UCUM codes
UCUM_CODES = {"deg": "deg", "pct": "%"}


def _quantity(v: float, unit: str = "deg") -> dict[str, Any]:
    code = UCUM_CODES.get(unit, "deg")
    return {"value": round(float(v), 1), "unit": code, "system": UCUM, "code": code}


def _when(s: Session, epoch: float | None = None) -> str:
    return local_datetime(epoch if epoch is not None else s.started_at, s.utc_offset_min).isoformat(timespec="seconds")


def _observation(patient_ref: str, s: Session, key: str, category: list, code: dict, **value: Any) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(_NS, f"{s.id}/{key}")),
        "status": "final",
        "category": category,
        "code": code,
        "subject": {"reference": patient_ref},
        "effectiveDateTime": value.pop("effective", _when(s)),
        "device": {"display": "PhysioQuest webcam pose tracking (MediaPipe BlazePose)"},
        **value,
    }
    notes = [f"PhysioQuest session {s.id}"]
    if s.status == INTERRUPTED:
        notes.append("the session was interrupted; values cover what was recorded")
    obs["note"] = [{"text": "; ".join(notes)}]
    return obs


def fhir_bundle(store: Any, patient_id: str, session_id: str | None = None) -> dict[str, Any]:
    """The patient's (or one session's) results as a FHIR R4 collection Bundle (a dict)."""
    patient = store.get_patient(patient_id)
    sessions = [store.get_session(session_id)] if session_id else store.list_sessions(patient_id)
    if session_id and sessions[0].patient_id != patient_id:
        from tracking.errors import InputError
        raise InputError(None, f"session {sessions[0].id} belongs to patient {sessions[0].patient_id}, not {patient_id}")
    patient_ref = _urn("patient", patient.id)
    entries = [{"fullUrl": patient_ref, "resource": {
        "resourceType": "Patient", "id": str(uuid.uuid5(_NS, f"patient/{patient.id}")),
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": patient.id}]}}]
    for s in sessions:
        if s.patient_id != patient_id:
            continue
        summary = summarise(store, s)
        for e in summary.exercises:
            info = exercise_info(e.exercise_id)
            measure = e.measure or info.angle
            angle = measure.replace("_", " ") or "primary angle"
            if e.best_deg is not None:
                what = "angle" if e.unit == "deg" else "value"
                comps = [{"code": {"coding": [{"system": MEASURE_SYSTEM, "code": f"{what}-mean",
                                               "display": f"Mean {what} reached"}]},
                          "valueQuantity": _quantity(e.mean_deg, e.unit)}]
                if e.target_deg is not None:
                    comps.append({"code": {"coding": [{"system": MEASURE_SYSTEM, "code": f"{what}-target",
                                                       "display": f"Target {what}"}]},
                                  "valueQuantity": _quantity(e.target_deg, e.unit)})
                entries.append(_observation(
                    patient_ref, s, f"rom/{e.exercise_id}", _category("exam", "Exam"),
                    {"coding": [{"system": MEASURE_SYSTEM, "code": f"rom-{measure or 'primary'}",
                                 "display": f"{angle} range of motion"}],
                     "text": f"{info.name}: {angle}, best of {e.reps} repetitions"
                             + ("" if e.unit == "deg" else " (percent of torso length or hip width)")},
                    valueQuantity=_quantity(e.best_deg, e.unit), component=comps))
            entries.append(_observation(
                patient_ref, s, f"reps/{e.exercise_id}", _category("activity", "Activity"),
                {"coding": [{"system": MEASURE_SYSTEM, "code": "repetitions", "display": "Repetitions completed"}],
                 "text": f"{info.name}: repetitions completed"},
                valueInteger=int(e.reps)))
        for p in store.pain(s.id):
            entries.append(_observation(
                patient_ref, s, f"pain/{p.when}", _category("survey", "Survey"),
                {"coding": [{"system": LOINC, "code": PAIN_LOINC[0], "display": PAIN_LOINC[1]}],
                 "text": f"Pain {p.when} exercise (0-10)"},
                effective=_when(s, p.at), valueQuantity={"value": p.score, "unit": "{score}", "system": UCUM,
                                                        "code": "{score}"}))
    entries[1:] = [{"fullUrl": f"urn:uuid:{o['id']}", "resource": o} for o in entries[1:]]
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z")[:-2] + ":" + time.strftime("%z")[-2:],
            "entry": entries}
