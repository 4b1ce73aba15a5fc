"""Reliability: SIGKILL while recording, damaged and foreign files, a reader while recording."""
from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from game.sessions.models import INTERRUPTED, RECORDING
from game.sessions.sqlite_store import SqliteStore
from game.sessions.store import load_session_series, open_store
from tracking.errors import InputError

PG_DSN = os.environ.get("PHYSIOQUEST_TEST_PG_DSN")

# A child that records synthetic frames at 30 fps (t_ms = wall clock since start) and prints
# the t_ms of every frame it has handed to the recorder.
CHILD = r"""
import sys, time
from game.sessions.recorder import SessionRecorder
from game.sessions.synthetic import synthetic_frame
spec, schema = sys.argv[1], sys.argv[2]
if schema:
    from game.sessions.postgres_store import PostgresStore
    store = PostgresStore(spec, schema_name=schema)
else:
    from game.sessions.store import open_store
    store = open_store(spec)
rec = SessionRecorder(store, "CRASH", None, "park", "synthetic-30fps")
print("session", rec.session_id, flush=True)
t0 = time.monotonic()
i = 0
while True:
    t_ms = (time.monotonic() - t0) * 1000.0
    rec.add_frame(synthetic_frame(t_ms, (i % 60) / 60.0, i))
    print("frame", t_ms, flush=True)
    i += 1
    time.sleep(max(0.0, t0 + i / 30.0 - time.monotonic()))
"""


def _read_lines(proc: subprocess.Popen, until_s: float) -> list[str]:
    lines = []
    end = time.monotonic() + until_s
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
    return lines


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "pq.sqlite3"), "", lambda: open_store(str(tmp_path / "pq.sqlite3"))
    else:
        if not PG_DSN:
            pytest.skip("PHYSIOQUEST_TEST_PG_DSN not set (scripts/run-tests.sh starts a server)")
        from game.sessions.postgres_store import PostgresStore
        name = f"t_{uuid.uuid4().hex[:12]}"

        def opener():
            st = PostgresStore(PG_DSN, schema_name=name)
            st.mark_interrupted()
            return st
        yield PG_DSN, name, opener
        st = PostgresStore(PG_DSN, schema_name=name)
        st._execute(f"DROP SCHEMA {name} CASCADE")
        st.close()


def test_sigkill_while_recording_loses_at_most_one_second(target, tmp_path) -> None:
    spec, schema_name, opener = target
    env = dict(os.environ, PHYSIOQUEST_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, spec, schema_name], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=os.getcwd())
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while not lines and time.monotonic() < deadline and proc.poll() is None:
        lines += _read_lines(proc, 0.5)
    assert lines and lines[0].startswith("session"), lines
    sid = lines[0].split()[1]
    # a reader opens the store while the child records (concurrent reader)
    reader = opener()
    lines += _read_lines(proc, 2.0)
    while_recording = reader.get_session(sid)
    chunks_seen = reader.chunk_index(sid)
    reader.close()
    assert while_recording.status == RECORDING and len(chunks_seen) >= 1
    lines += _read_lines(proc, 1.5)
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate(timeout=10)
    lines += [ln for ln in rest.splitlines() if ln]
    frames = [float(ln.split()[1]) for ln in lines if ln.startswith("frame")]
    assert proc.returncode == -signal.SIGKILL and frames[-1] > 3000.0
    store = opener()
    try:
        s = store.get_session(sid)
        assert s.status == INTERRUPTED and s.ended_at is not None
        series = load_session_series(store, sid)
        # every frame before the last second is there, in order, nothing invented
        print(f"lost {frames[-1] - series.t_ms[-1]:.0f} ms")
        assert series.t_ms[-1] >= frames[-1] - 1000.0, (series.t_ms[-1], frames[-1])
        assert list(series.t_ms) == frames[:len(series)]
    finally:
        store.close()


def test_reader_sees_progress_of_a_live_session(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "data"))
    from game.sessions.recorder import SessionRecorder
    from game.sessions.synthetic import synthetic_frame
    path = tmp_path / "pq.sqlite3"
    writer = open_store(str(path))
    rec = SessionRecorder(writer, "LIVE", None, "park", "synthetic", flush_interval_s=0.05)
    reader = open_store(str(path))  # a second connection, as the report command would open
    for i in range(30):
        rec.add_frame(synthetic_frame(i * 33.0))
    rec.flush()
    assert len(load_session_series(reader, rec.session_id)) == 30
    assert reader.get_session(rec.session_id).status == RECORDING
    rec.add_rep("squat", 0, {"t_start_ms": 0.0, "t_end_ms": 900.0, "range_deg": 80.0, "target_deg": 90.0,
                             "score": 70})
    rec.flush()
    from game.reports.html import build_report
    html = build_report(reader, "LIVE")  # a report made while the session records
    assert "recording" in html and "1 repetition, " in html
    for i in range(30, 40):
        rec.add_frame(synthetic_frame(i * 33.0))
    rec.finish()
    assert len(load_session_series(reader, rec.session_id)) == 40
    reader.close()
    writer.close()


def _foreign_db(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["random-bytes", "foreign-sqlite", "truncated", "text", "damaged-page"])
def test_bad_database_files_are_refused_untouched(tmp_path, kind) -> None:
    path = tmp_path / "pq.sqlite3"
    if kind == "random-bytes":
        path.write_bytes(os.urandom(8192))
    elif kind == "text":
        path.write_text("patient,score\nP1,80\n")
    elif kind == "foreign-sqlite":
        _foreign_db(path)
    else:
        good = tmp_path / "good.sqlite3"
        st = SqliteStore(good)
        st.add_patient("P1")
        st._execute("PRAGMA wal_checkpoint(TRUNCATE)")
        st.close()
        data = bytearray(good.read_bytes())
        if kind == "truncated":
            data = data[:100]
        else:  # scribble over the second page (a table's b-tree page)
            data[4096:4096 + 200] = b"\xff" * 200
        path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(InputError) as err:
        open_store(str(path))
    assert str(path) in str(err.value)
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def test_cli_reports_a_bad_database_in_one_line(tmp_path) -> None:
    path = tmp_path / "pq.sqlite3"
    _foreign_db(path)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "game.cli", "sessions", "list", "--db", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "not a PhysioQuest database" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
