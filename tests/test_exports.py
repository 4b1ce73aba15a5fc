"""Exports: CSV rows, a FHIR R4 Bundle validated by fhir.resources, billing-support arithmetic."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest

from game.exports.billing import (allocate_units, billing_summary, billing_text, units_for_minutes)
from game.exports.csv_export import reps_csv
from game.exports.fhir import PAIN_LOINC, fhir_bundle
from game.sessions.models import PainCheckin, RepRecord, SetRecord
from game.sessions.store import encode_chunk, open_store
from game.sessions.synthetic import record_synthetic_session, synthetic_frame, utc
from tracking.series import PoseSeries

from session_helpers import record_unit_session


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "data"))
    st = open_store(str(tmp_path / "data" / "pq.sqlite3"))
    yield st
    st.close()


def _session(store, when, blocks: list[tuple[str, float]], frames: bool = True, pain=()):
    """A session whose sets take the given minutes per exercise, one after another."""
    sid = f"S{when:%Y%m%d%H%M}-{len(store.list_sessions())}"
    store.begin_session(sid, "P1", None, "park", "test", started_at=when.timestamp(), utc_offset_min=0)
    t = 0.0
    sets, reps = [], []
    for i, (ex, minutes) in enumerate(blocks):
        end = t + minutes * 60_000
        sets.append(SetRecord(sid, ex, i, "", 10, t, end))
        reps.append(RepRecord(sid, ex, i, 0, t, t + 3000, 80.0, 90.0, 0.9, 0.0, 75.0))
        t = end
    chunks = [encode_chunk(0, PoseSeries.from_frames([synthetic_frame(0.0), synthetic_frame(33.0)]))] if frames else []
    store.write_batch(sid, chunks, (), sets, reps, [PainCheckin(sid, w, p, when.timestamp()) for w, p in pain])
    store.finish_session(sid, {}, ended_at=when.timestamp() + t / 1000)
    return sid


def test_eight_minute_rule() -> None:
    assert [units_for_minutes(m) for m in (0, 7, 8, 22, 23, 37, 38, 52, 53)] == [0, 0, 1, 1, 2, 2, 3, 3, 4]
    # CMS's own example: 33 min of 97110 + 7 min of 97530 = 40 min = 3 units: 2 + 1
    assert allocate_units({"97110": 33, "97530": 7}) == {"97110": 2, "97530": 1}
    assert allocate_units({"97110": 7, "97530": 7}) == {"97110": 1, "97530": 0}
    assert allocate_units({"97110": 5}) == {"97110": 0}
    assert allocate_units({"97110": 20, "97530": 10}) == {"97110": 1, "97530": 1}


def test_billing_per_day_month_and_rtm(store) -> None:
    start = utc(2026, 11, 2, 9)
    # day 1: squat (97110) 20 min + forward_reach (balance -> 97530) 10 min, in two sessions
    _session(store, start, [("squat", 20.0)])
    _session(store, start + timedelta(hours=5), [("forward_reach", 10.5)])
    # 16 more days with data in the first 30-day period, the last ones short (7 min: no unit)
    for k in range(1, 17):
        _session(store, start + timedelta(days=k), [("squat", 7.0 if k > 14 else 12.0)])
    # a day in the next period without landmarks: counts for minutes, not for monitoring
    _session(store, start + timedelta(days=31), [("squat", 25.0)], frames=False)
    summary = billing_summary(store, "P1")
    d0 = summary["days"][0]
    assert (d0.day, d0.sessions, d0.minutes_by_code, d0.units_by_code) == \
        ("2026-11-02", 2, {"97110": 20, "97530": 10}, {"97110": 1, "97530": 1})
    assert [d.units for d in summary["days"][1:15]] == [1] * 14
    assert [d.units for d in summary["days"][15:17]] == [0, 0]
    assert summary["days"][-1].day == "2026-12-03" and summary["days"][-1].units == 2
    nov = summary["months"]["2026-11"]
    assert nov["minutes_by_code"] == {"97110": 20 + 14 * 12 + 2 * 7, "97530": 10}
    assert nov["units_by_code"] == {"97110": 1 + 14, "97530": 1}
    [p1] = summary["rtm_periods"]  # periods run up to the last day with landmark data
    assert (p1.start, p1.end, p1.days_with_data, p1.supports_98977) == ("2026-11-02", "2026-12-01", 17, True)
    text = billing_text(billing_summary(store, "P1", "2026-12"))
    assert "does not bill" in text and "2026-12-03" in text and "2026-11-02  " not in text
    assert "2026-11-02 to 2026-12-01: 17 day(s) with data -> meets the 16-day requirement" in text


def test_rtm_needs_sixteen_days(store) -> None:
    for k in range(15):
        _session(store, utc(2026, 11, 1) + timedelta(days=2 * k), [("squat", 1.0)])
    [p] = billing_summary(store, "P1")["rtm_periods"]
    assert p.days_with_data == 15 and not p.supports_98977


def _history(store):
    ids = []
    for k in range(3):
        s = record_synthetic_session(store, "P2", utc(2026, 11, 3 + k, 18), exercise_id="seated_knee_extension",
                                     target_deg=15.0, reached_deg=30.0 - 5 * k, pain_before=4, pain_after=2,
                                     sets=2, reps=4, fps=5, seed=k)
        ids.append(s.id)
    return ids


def test_csv_rows_match_the_store(store) -> None:
    ids = _history(store)
    rows = list(csv.DictReader(io.StringIO(reps_csv(store, "P2"))))
    assert len(rows) == 3 * 8
    reps = [r for i in ids for r in store.reps(i)]
    for row, rep in zip(rows, reps):
        assert row["session_id"] == rep.session_id and row["exercise_id"] == "seated_knee_extension"
        assert float(row["range_reached"]) == pytest.approx(rep.range_deg, abs=0.05)
        assert (row["unit"], row["measure"]) == ("deg", "")  # recorded without a unit: degrees
        assert int(row["set"]) == rep.set_index + 1 and int(row["rep"]) == rep.rep_index + 1
        assert row["faults"] == ";".join(rep.faults)
    assert len(list(csv.DictReader(io.StringIO(reps_csv(store, "P2", ids[1]))))) == 8


def test_fhir_bundle_is_valid_r4(store) -> None:
    from fhir.resources.R4B.bundle import Bundle
    ids = _history(store)
    data = fhir_bundle(store, "P2")
    bundle = Bundle.model_validate_json(json.dumps(data))  # raises on any invalid element
    obs = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "Observation"]
    pains = [o for o in obs if o.code.coding[0].code == PAIN_LOINC[0]]
    assert len(pains) == 6 and {o.code.coding[0].system for o in pains} == {"http://loinc.org"}
    assert sorted(float(o.valueQuantity.value) for o in pains) == [2, 2, 2, 4, 4, 4]
    rom = [o for o in obs if o.code.coding[0].code.startswith("rom-")]
    assert len(rom) == 3
    for o, sid in zip(rom, ids):
        best = min(r.range_deg for r in store.reps(sid))  # knee extension: less flexion is further
        assert float(o.valueQuantity.value) == pytest.approx(best, abs=0.05)
        assert (o.valueQuantity.code, o.valueQuantity.system) == ("deg", "http://unitsofmeasure.org")
    reps = [o for o in obs if o.code.coding[0].code == "repetitions"]
    assert [o.valueInteger for o in reps] == [8, 8, 8]
    patient = bundle.entry[0].resource
    assert patient.identifier[0].value == "P2"
    refs = {o.subject.reference for o in obs}
    assert refs == {bundle.entry[0].fullUrl}
    assert len({e.fullUrl for e in bundle.entry}) == len(bundle.entry)


def test_export_cli(store, tmp_path) -> None:
    _history(store)
    db = str(store.path)
    out = tmp_path / "b.json"
    r = subprocess.run([sys.executable, "-m", "game.cli", "export", "fhir", "--patient", "P2", "--out", str(out),
                        "--db", db], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    from fhir.resources.R4B.bundle import Bundle
    Bundle.model_validate_json(out.read_text())
    assert (out.stat().st_mode & 0o777) == 0o600
    r = subprocess.run([sys.executable, "-m", "game.cli", "export", "billing", "--patient", "P2", "--json",
                        "--db", db], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["rtm_periods"][0]["days_with_data"] == 3
    r = subprocess.run([sys.executable, "-m", "game.cli", "export", "csv", "--patient", "P2", "--db", db],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 1 + 24
    r = subprocess.run([sys.executable, "-m", "game.cli", "export", "billing", "--patient", "P2", "--month",
                        "11/2026", "--db", db], capture_output=True, text=True)
    assert r.returncode == 2 and "--month" in r.stderr


def test_export_errors_are_one_line(store, tmp_path) -> None:
    from game.cli import main
    ids = _history(store)
    store.add_patient("P3")
    db = str(store.path)
    assert main(["export", "csv", "--patient", "P3", "--session", ids[0], "--db", db]) == 2
    assert main(["export", "fhir", "--patient", "P3", "--session", ids[0], "--db", db]) == 2
    assert main(["export", "csv", "--patient", "P2", "--out", str(tmp_path), "--db", db]) == 2
    assert main(["export", "csv", "--patient", "P2", "--out", str(tmp_path / "no" / "x.csv"), "--db", db]) == 2


def test_whole_minutes_keep_the_days_total() -> None:
    from game.exports.billing import whole_minutes
    assert whole_minutes({"97110": 4.9, "97530": 3.9}) == {"97110": 5, "97530": 3}  # 8.8 -> 8 min
    assert sum(whole_minutes({"97110": 4.9, "97530": 3.9}).values()) == 8
    assert whole_minutes({"97110": 20.0, "97530": 10.5}) == {"97110": 20, "97530": 10}


def test_units_follow_each_repetition(store) -> None:
    """Side-on the side bend is counted by the raised wrist's height (percent of torso
    length): CSV rows and FHIR quantities say so; old sessions without a unit stay degrees."""
    from fhir.resources.R4B.bundle import Bundle
    old = record_unit_session(store, utc(2026, 11, 2), "P3", None, reached=(18.0, 21.0), target=20.0)
    deg = record_unit_session(store, utc(2026, 11, 3), "P3", "deg", "trunk_lateral_lean",
                              reached=(19.0, 22.0), target=20.0)
    pct = record_unit_session(store, utc(2026, 11, 4), "P3", "pct", "wrist_height")
    rows = list(csv.DictReader(io.StringIO(reps_csv(store, "P3"))))
    assert [(r["session_id"], r["unit"], r["measure"]) for r in rows] == [
        (old, "deg", ""), (old, "deg", ""), (deg, "deg", "trunk_lateral_lean"), (deg, "deg", "trunk_lateral_lean"),
        (pct, "pct", "wrist_height"), (pct, "pct", "wrist_height")]
    assert [float(r["range_reached"]) for r in rows][-2:] == [150.0, 170.0]
    data = fhir_bundle(store, "P3")
    bundle = Bundle.model_validate_json(json.dumps(data))
    rom = {o.id: o for o in (e.resource for e in bundle.entry) if o.__resource_type__ == "Observation"
           and o.code.coding[0].code.startswith("rom-")}
    assert len(rom) == 3
    by_session = {sid: next(o for o in rom.values() if sid in o.note[0].text) for sid in (old, deg, pct)}
    for sid, code, best in ((old, "deg", 21.0), (deg, "deg", 22.0), (pct, "%", 170.0)):
        o = by_session[sid]
        assert (o.valueQuantity.code, o.valueQuantity.unit) == (code, code)
        assert float(o.valueQuantity.value) == best
        assert {c.valueQuantity.code for c in o.component} == {code}
    assert by_session[pct].code.coding[0].code == "rom-wrist_height"
    assert by_session[pct].component[0].code.coding[0].code == "value-mean"
    assert by_session[old].code.coding[0].code == "rom-trunk_lateral_lean"
    assert by_session[old].component[0].code.coding[0].code == "angle-mean"


def test_engine_repetition_unit_reaches_the_csv(store) -> None:
    """The recorder keeps the engine's RepResult.unit/measure; the CSV reads them back."""
    from game.sessions.recorder import SessionRecorder
    from tracking.exercise.events import RepResult
    from tracking.series import SeriesMeta
    rec = SessionRecorder(store, "P4", None, "shore", "test", flush_interval_s=3600,
                          meta=SeriesMeta(source="test", fps=30.0, backend="mediapipe-pose"),
                          started_at=utc(2026, 11, 5).timestamp(), utc_offset_min=0)
    rec.begin_set("side_bend_stretch", 0, target_reps=1, t_ms=0.0)
    rec.add_rep("side_bend_stretch", 0, RepResult(1, "", 1.0, 17.0, 5.0, 160.0, 260.0, 0.7, 80.0, 15.0, (),
                                                  100, (), "pct", "wrist_height"))
    rec.end_set("side_bend_stretch", 0, t_ms=18_000.0)
    rec.finish({})
    [row] = csv.DictReader(io.StringIO(reps_csv(store, "P4")))
    assert (row["unit"], row["measure"], float(row["range_reached"])) == ("pct", "wrist_height", 160.0)
