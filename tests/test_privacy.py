"""Privacy: owner-only files, erasing a patient erases their bytes, no network, no video."""
from __future__ import annotations

import io
import os
import socket
import stat
from datetime import timedelta
from pathlib import Path

import numpy as np

from game.sessions.paths import data_dir
from game.sessions.recorder import SessionRecorder
from game.sessions.store import open_store
from game.sessions.synthetic import record_synthetic_session, synthetic_frame, utc

ROOT = Path(__file__).resolve().parent.parent
MINE = [ROOT / "game" / "sessions", ROOT / "game" / "reports", ROOT / "game" / "exports", ROOT / "game" / "plans.py"]


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_data_dir_and_database_files_are_owner_only(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "new" / "pq"))
    monkeypatch.delenv("PHYSIOQUEST_DB", raising=False)
    old = os.umask(0o022)  # a permissive umask must not leak into our files
    try:
        store = open_store()
        rec = SessionRecorder(store, "P1", None, "park", "synthetic", flush_interval_s=0.05)
        for i in range(5):
            rec.add_frame(synthetic_frame(i * 33.0))
        rec.flush()
        d = data_dir()
        assert d == tmp_path / "new" / "pq" and _mode(d) == 0o700
        files = sorted(d.iterdir())
        assert {f.name for f in files} >= {"physioquest.sqlite3", "physioquest.sqlite3-wal", "physioquest.sqlite3-shm"}
        for f in files:
            assert _mode(f) == 0o600, f
        rec.finish()
        store.close()
    finally:
        os.umask(old)


def test_deleting_a_patient_erases_their_bytes(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    db = tmp_path / "pq.sqlite3"
    store = open_store(str(db))
    secret = "ERASE-ME-7731"
    record_synthetic_session(store, "KEEP-0001", utc(2026, 11, 2), sets=1, reps=2)
    # other frame times than the kept session's: identical synthetic frames cut into chunks at
    # the same places (the recorder's thread timing) would give the kept patient the same bytes
    s = record_synthetic_session(store, secret, utc(2026, 11, 3), sets=1, reps=3, fps=12.0)
    store.add_patient("OTHER-0002", "Display Name Secret")
    blob = store._rows("SELECT data FROM landmark_chunks WHERE session_id = ?", (s.id,))[0][0]

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("pq.sqlite3*"))
    assert secret.encode() in on_disk() and blob[100:164] in on_disk()
    store.delete_patient(secret)
    store.delete_patient("OTHER-0002")
    raw = on_disk()
    assert secret.encode() not in raw and s.id.encode() not in raw
    assert blob[100:164] not in raw and b"Display Name Secret" not in raw
    assert store.find_patient("KEEP-0001") is not None
    store.close()


def test_no_network_anywhere(tmp_path, monkeypatch) -> None:
    """Record, plan, report and export with every socket connection refused."""
    def refuse(*a, **k):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    from game.cli import main
    from game.plans import PLANS_DIR
    plan = tmp_path / "plan.toml"
    plan.write_text((PLANS_DIR / "low_back_pain.toml").read_text())
    assert main(["plan", "import", str(plan)]) == 0
    store = open_store()
    for k in range(2):
        record_synthetic_session(store, "demo", utc(2026, 11, 2) + timedelta(days=k), plan_id="low-back-example",
                                 exercise_id="standing_hip_abduction", sets=1, reps=3)
    store.close()
    for argv in (["report", "--patient", "demo", "--out", str(tmp_path / "r.html")],
                 ["export", "csv", "--patient", "demo", "--out", str(tmp_path / "r.csv")],
                 ["export", "fhir", "--patient", "demo", "--out", str(tmp_path / "r.json")],
                 ["export", "billing", "--patient", "demo"],
                 ["sessions", "list"], ["plan", "show", "demo"], ["patient", "list"]):
        assert main(argv) == 0, argv


def test_no_network_code_in_our_modules() -> None:
    banned = ("urllib", "http.client", "requests", "urlopen", "socket.create_connection", "aiohttp", "httpx")
    for base in MINE:
        for f in ([base] if base.is_file() else base.rglob("*.py")):
            if f.name == "postgres_store.py":  # the clinic's own database server, opted into by DSN
                continue
            text = f.read_text()
            for b in banned:
                assert b not in text, f"{f}: {b}"


def test_no_video_is_stored(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    store = open_store(str(tmp_path / "pq.sqlite3"))
    s = record_synthetic_session(store, "P1", utc(2026, 11, 2), sets=1, reps=2)
    blob_cols = [(t, c[1]) for (t,) in store._rows("SELECT name FROM sqlite_master WHERE type='table'")
                 for c in store._rows(f"PRAGMA table_info({t})") if c[2].upper() in ("BLOB", "BYTEA")]
    assert blob_cols == [("landmark_chunks", "data")]
    for (data,) in store._rows("SELECT data FROM landmark_chunks WHERE session_id = ?", (s.id,)):
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            assert set(z.files) == {"t_ms", "xyzv", "world", "flags"}
            assert z["xyzv"].shape[1:] == (33, 4)
    store.close()

