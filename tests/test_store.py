"""The session store, against SQLite and (when PHYSIOQUEST_TEST_PG_DSN is set) PostgreSQL."""
from __future__ import annotations

import os
import sqlite3
import uuid

import numpy as np
import pytest

from game.sessions import schema
from game.sessions.models import FINISHED, INTERRUPTED, RECORDING
from game.sessions.recorder import SessionRecorder
from game.sessions.sqlite_store import SqliteStore
from game.sessions.store import load_session_series, open_store
from game.sessions.synthetic import record_synthetic_session, synthetic_frame, utc
from tracking.errors import InputError, PhysioQuestError
from tracking.series import PoseSeries, SeriesMeta

PG_DSN = os.environ.get("PHYSIOQUEST_TEST_PG_DSN")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch):
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "data"))
    if request.param == "sqlite":
        st = open_store(str(tmp_path / "data" / "pq.sqlite3"))
        yield st
        st.close()
    else:
        if not PG_DSN:
            pytest.skip("PHYSIOQUEST_TEST_PG_DSN not set (scripts/run-tests.sh starts a server)")
        from game.sessions.postgres_store import PostgresStore
        name = f"t_{uuid.uuid4().hex[:12]}"
        st = PostgresStore(PG_DSN, schema_name=name)
        yield st
        st._execute(f"DROP SCHEMA {name} CASCADE")
        st.close()


def test_records_round_trip(store) -> None:
    rec = SessionRecorder(store, "P001", None, "park", "synthetic", flush_interval_s=0.05,
                          meta=SeriesMeta(source="synthetic", fps=30.0))
    rec.pain("before", 4)
    frames = [synthetic_frame(i * 33.3, (i % 30) / 30, i) for i in range(95)]
    for f in frames[:60]:
        rec.add_frame(f)
    rec.begin_set("squat", 0, target_reps=2, t_ms=0.0)
    rep = rec.add_rep("squat", 0, {"t_start_ms": 100.0, "t_end_ms": 1900.0, "range_deg": np.float32(85.5),
                                   "target_deg": 90, "score": 81, "faults": ["knee_valgus"],
                                   "tempo_s": 1.8})
    rec.add_event("FormFault", {"fault": "knee_valgus", "angle": np.float64(12.5)}, t_ms=1500.0)
    for f in frames[60:]:
        rec.add_frame(f)
    rec.end_set("squat", 0)
    rec.pain("after", 2)
    s = rec.finish({"reps": 1})
    assert s.status == FINISHED and s.summary == {"reps": 1} and s.patient_id == "P001"
    [r] = store.reps(s.id)
    assert r == rep and r.range_deg == pytest.approx(85.5) and r.faults == ("knee_valgus",)
    assert r.details == {"tempo_s": 1.8}
    [e] = store.events(s.id)
    assert e.name == "FormFault" and e.payload == {"fault": "knee_valgus", "angle": 12.5} and e.t_ms == 1500.0
    [st] = store.sets(s.id)
    assert (st.target_reps, st.t_start_ms, st.t_end_ms) == (2, 0.0, frames[-1].t_ms)
    assert [(p.when, p.score) for p in store.pain(s.id)] == [("before", 4), ("after", 2)]
    series = load_session_series(store, s.id)
    assert series.equals(PoseSeries.from_frames(frames, series.meta)) and series.meta.fps == 30.0
    assert store.get_session(s.id[:10]) == s  # unique prefix
    assert [x.id for x in store.list_sessions("P001")] == [s.id] and store.list_sessions("nobody") == []


def test_unknown_things_are_clear_errors(store) -> None:
    with pytest.raises(InputError, match="no session"):
        store.get_session("nope")
    with pytest.raises(InputError, match="no patient"):
        store.delete_patient("nope")
    with pytest.raises(InputError, match="bad patient id"):
        store.add_patient("../etc")
    store.add_patient("P1")
    with pytest.raises(InputError, match="already exists"):
        store.add_patient("P1")


def test_delete_patient_erases_everything(store) -> None:
    keep = record_synthetic_session(store, "KEEP", utc(2026, 11, 2), reps=2, sets=1)
    gone = record_synthetic_session(store, "GONE", utc(2026, 11, 3), reps=3, sets=2)
    store.save_plan("plan-gone", "GONE", "x = 1")
    counts = store.delete_patient("GONE")
    assert counts["reps"] == 6 and counts["landmark_chunks"] >= 1 and counts["plans"] == 1
    assert store.find_patient("GONE") is None and store.find_session(gone.id) is None
    assert store.chunk_index(gone.id) == [] and store.reps(gone.id) == [] and store.pain(gone.id) == []
    assert store.plan_texts("GONE") == []
    assert len(store.reps(keep.id)) == 2 and len(load_session_series(store, keep.id)) > 0


def test_interrupted_session_found_on_next_open(store) -> None:
    rec = SessionRecorder(store, "P2", None, "park", "synthetic", flush_interval_s=0.05)
    for i in range(10):
        rec.add_frame(synthetic_frame(i * 33.0))
    rec.flush()
    sid = rec.session_id
    assert store.mark_interrupted() == []  # our own process is alive: still recording
    assert store.get_session(sid).status == RECORDING
    # pretend the writer was another process on this host that died
    store._execute("UPDATE sessions SET pid = ? WHERE id = ?", (2**22 + 12345, sid))
    assert store.mark_interrupted() == [sid]
    s = store.get_session(sid)
    assert s.status == INTERRUPTED and s.ended_at is not None
    assert len(load_session_series(store, sid)) == 10


def test_migrates_an_old_schema(store) -> None:
    # Rebuild the database at version 1, then reopen: it must come back at the current version.
    if store.dialect == "sqlite":
        path = store.path
        store.close()
        path.unlink()
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        for stmt in schema.statements(1, "sqlite"):
            conn.execute(stmt)
        conn.execute("INSERT INTO schema_version VALUES ('physioquest', 1)")
        conn.execute("INSERT INTO patients VALUES ('OLD', '', '', 1.0)")
        conn.execute("INSERT INTO sessions (id, patient_id, started_at, status) VALUES ('S-old', 'OLD', 2.0, 'finished')")
        conn.commit()
        conn.close()
        st = SqliteStore(path)
    else:
        from game.sessions.postgres_store import PostgresStore
        name = f"t_{uuid.uuid4().hex[:12]}"
        store._execute(f"CREATE SCHEMA {name}")
        store._execute(f"SET search_path TO {name}")
        for stmt in schema.statements(1, "postgres"):
            store._execute(stmt)
        store._execute("INSERT INTO schema_version VALUES ('physioquest', 1)")
        store._execute("INSERT INTO patients VALUES ('OLD', '', '', 1.0)")
        store._execute("INSERT INTO sessions (id, patient_id, started_at, status) VALUES ('S-old', 'OLD', 2.0, 'finished')")
        st = PostgresStore(PG_DSN, schema_name=name)
    try:
        assert st._rows("SELECT version FROM schema_version")[0][0] == schema.SCHEMA_VERSION
        s = st.get_session("S-old")
        assert s.patient_id == "OLD" and s.host == "" and s.status == FINISHED
        record_synthetic_session(st, "OLD", utc(2026, 11, 4), reps=1, sets=1)
        assert len(st.list_sessions("OLD")) == 2
    finally:
        if st.dialect == "postgres":
            st._execute(f"DROP SCHEMA {name} CASCADE")
        st.close()


def test_newer_schema_is_refused_and_untouched(store) -> None:
    store._execute("UPDATE schema_version SET version = 99")
    if store.dialect == "sqlite":
        store.close()
        before = store.path.read_bytes()
        with pytest.raises(InputError, match="newer PhysioQuest"):
            SqliteStore(store.path)
        assert store.path.read_bytes() == before
        store._conn = sqlite3.connect(store.path)  # let the fixture close something
    else:
        from game.sessions.postgres_store import PostgresStore
        name = store._rows("SELECT current_schema()")[0][0]
        with pytest.raises(InputError, match="newer PhysioQuest"):
            PostgresStore(PG_DSN, schema_name=name)
        assert store._rows("SELECT version FROM schema_version")[0][0] == 99


def test_recorder_keeps_data_when_writes_fail(store, tmp_path) -> None:
    rec = SessionRecorder(store, "P3", None, "park", "synthetic", flush_interval_s=0.05)
    real = store.write_batch
    fails = {"n": 0}

    def broken(*a, **k):
        fails["n"] += 1
        raise OSError("disk full")

    store.write_batch = broken  # type: ignore[method-assign]
    for i in range(20):
        rec.add_frame(synthetic_frame(i * 33.0))
    rec.add_rep("squat", 0, {"t_start_ms": 0, "t_end_ms": 600, "score": 70})
    with pytest.raises(OSError):
        rec.flush()
    assert isinstance(rec.error, OSError) and fails["n"] >= 1
    store.write_batch = real  # type: ignore[method-assign]
    s = rec.finish()
    assert len(load_session_series(store, s.id)) == 20 and len(store.reps(s.id)) == 1
    # a store that stays broken: finish writes a rescue file and says where
    rec2 = SessionRecorder(store, "P3", None, "park", "synthetic", flush_interval_s=3600)
    for i in range(5):
        rec2.add_frame(synthetic_frame(i * 33.0))
    store.write_batch = broken  # type: ignore[method-assign]
    with pytest.raises(PhysioQuestError, match="rescue"):
        rec2.finish()
    store.write_batch = real  # type: ignore[method-assign]
    rescued = list((tmp_path / "data").glob(f"rescue-{rec2.session_id}.*"))
    assert sorted(p.suffix for p in rescued) == [".json", ".npz"]
    from tracking.series_file import load_series
    assert len(load_series(tmp_path / "data" / f"rescue-{rec2.session_id}.npz")) == 5


def test_records_the_scoring_engines_own_results(store) -> None:
    from tracking.exercise.events import FaultHit, FormFault, RepCompleted, RepResult
    hit = FaultHit("knee_valgus", "left", 14.0, 10.0, 0.4, "moderate", "Knees over toes")
    rep = RepResult(3, "left", 1.5, 4.0, 2.7, 88.0, 80.0, 0.8, 90.0, 0.5, (hit,), 72, ("short of target",))
    rec = SessionRecorder(store, "P4", None, "park", "synthetic", flush_interval_s=0.05)
    rec.add_event(FormFault(2.0, "left", "knee_valgus", "Knees over toes", "moderate", 14.0, 10.0))
    rec.add_event(RepCompleted(4.0, "left", rep))
    r = rec.add_rep("squat", 0, rep)
    s = rec.finish()
    [stored] = store.reps(s.id)
    assert stored == r
    assert (stored.t_start_ms, stored.t_end_ms, stored.range_deg, stored.target_deg) == (1500.0, 4000.0, 88.0, 90.0)
    assert (stored.confidence, stored.hold_s, stored.score, stored.faults, stored.side, stored.rep_index) == \
        (0.8, 0.5, 72.0, ("knee_valgus",), "left", 0)
    assert stored.details["rom_deg"] == 80.0 and stored.details["index"] == 3
    assert stored.details["reasons"] == ["short of target"]
    ev = store.events(s.id)
    assert [(e.name, e.t_ms) for e in ev] == [("FormFault", 2000.0), ("RepCompleted", 4000.0)]
    assert ev[1].payload["rep"]["faults"][0]["name"] == "knee_valgus"


def test_records_the_games_rep_event_with_the_engines_result(store) -> None:
    from game.bridge import RepCompleted as GameRep
    from tracking.exercise.events import RepResult
    result = RepResult(1, "", 2.0, 4.5, 3.1, 47.0, 45.0, 0.9, 45.0, 0.0, (), 95, ())
    rec = SessionRecorder(store, "P5", None, "kitchen", "synthetic", flush_interval_s=0.05)
    r = rec.add_rep("mini_squat", 0, GameRep(rep=1, score=95.0, range_deg=45.0, stars=3, result=result))
    rec.finish()
    assert (r.t_start_ms, r.t_end_ms, r.range_deg, r.score, r.rep_index) == (2000.0, 4500.0, 47.0, 95.0, 0)
    assert store.reps(r.session_id)[0].details["game"]["stars"] == 3


def test_sessions_of_other_stations_need_a_stale_heartbeat(store) -> None:
    from game.sessions.store import STALE_AFTER_S
    fresh = store.begin_session("S-fresh", "P6", None, "park", "station 2")
    stale = store.begin_session("S-stale", "P6", None, "park", "station 3")
    store._execute("UPDATE sessions SET host = 'station-2', pid = 1, heartbeat_at = ? WHERE id = ?",
                   (store.beat_time() - STALE_AFTER_S / 3, fresh.id))
    store._execute("UPDATE sessions SET host = 'station-3', pid = 1, heartbeat_at = ? WHERE id = ?",
                   (store.beat_time() - STALE_AFTER_S - 5, stale.id))
    assert store.mark_interrupted() == ["S-stale"]
    assert store.get_session("S-fresh").status == RECORDING
    assert store.get_session("S-stale").status == INTERRUPTED


def test_frames_going_back_in_time_are_skipped(store) -> None:
    from tracking.series import PoseFrame
    rec = SessionRecorder(store, "P7", None, "park", "synthetic", flush_interval_s=0.05)
    for t in (0.0, 33.0, 66.0, 10.0, float("nan"), 99.0):
        rec.add_frame(synthetic_frame(t))
    no_world = synthetic_frame(132.0)
    rec.flush()
    rec.add_frame(PoseFrame(no_world.t_ms, no_world.xyzv, None))  # a backend without world landmarks
    s = rec.finish()
    series = load_session_series(store, s.id)
    assert list(series.t_ms) == [0.0, 33.0, 66.0, 99.0, 132.0] and rec.frames_skipped == 2
    assert series.world is not None and np.isnan(series.world[-1]).all() and np.isfinite(series.world[0]).any()
