"""The session store interface and its SQL implementation, shared by SQLite and PostgreSQL.

``open_store(spec)`` opens the store named by ``spec`` (a SQLite file path or a
``postgresql://`` DSN; default: ``$PHYSIOQUEST_DB`` or the SQLite file in the user's data
directory). Every write is one committed transaction: the recorder commits four times
a second, so a crash or power cut loses at most the last second.
"""
from __future__ import annotations

import io
import json
import os
import socket
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np

from game.sessions.models import (FINISHED, INTERRUPTED, RECORDING, Event, PainCheckin, Patient,
                                  RepRecord, Session, SetRecord)
from tracking.errors import InputError
from tracking.series import PoseSeries, SeriesMeta

#: A recording session whose writer has not committed for this long is interrupted.
STALE_AFTER_S = 30.0


@dataclass(frozen=True)
class Chunk:
    """About one second of landmarks, encoded for the store."""

    seq: int
    t0_ms: float
    t1_ms: float
    n_frames: int
    data: bytes


def encode_chunk(seq: int, series: PoseSeries) -> Chunk:
    """Pack a PoseSeries piece as an uncompressed-pickle-free npz blob."""
    buf = io.BytesIO()
    arrays = {"t_ms": series.t_ms, "xyzv": series.xyzv, "flags": series.flags}
    if series.world is not None:
        arrays["world"] = series.world
    np.savez_compressed(buf, **arrays)
    return Chunk(seq, float(series.t_ms[0]), float(series.t_ms[-1]), len(series), buf.getvalue())


def decode_chunk(data: bytes, meta: SeriesMeta) -> PoseSeries:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as z:
        world = z["world"] if "world" in z.files else None
        return PoseSeries(z["t_ms"], z["xyzv"], world, z["flags"], meta)


def _now_offset_min() -> int:
    off = time.localtime().tm_gmtoff
    return int(round(off / 60.0))


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store(ABC):
    """Patients, plans, sessions, sets, repetitions, events, pain and landmark chunks.

    Thread-safe: one lock serialises the store's connection. Subclasses provide the
    connection (``_execute``, ``_transaction``) and the placeholder style.
    """

    dialect = "sql"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.host = socket.gethostname()
        self.clock_offset_s = 0.0  #: the database server's clock minus ours (PostgreSQL)

    def beat_time(self) -> float:
        """Heartbeat time on the database's clock, so stations with skewed clocks agree."""
        return time.time() + self.clock_offset_s

    # -- backend hooks --------------------------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one statement (``?`` placeholders) and return its rows (or [])."""

    @abstractmethod
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction, committed on exit, rolled back on error."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is (file path or DSN without password)."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock, self._transaction():
            yield

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._execute(sql, params)

    # -- patients -------------------------------------------------------------------------
    def add_patient(self, patient_id: str, display_name: str = "", notes: str = "") -> Patient:
        _check_id(patient_id, "patient id")
        if self.find_patient(patient_id):
            raise InputError(None, f"patient {patient_id!r} already exists")
        p = Patient(patient_id, display_name, time.time(), notes)
        with self._tx():
            self._execute("INSERT INTO patients (id, display_name, notes, created_at) VALUES (?, ?, ?, ?)",
                          (p.id, p.display_name, p.notes, p.created_at))
        return p

    def ensure_patient(self, patient_id: str) -> Patient:
        return self.find_patient(patient_id) or self.add_patient(patient_id)

    def find_patient(self, patient_id: str) -> Patient | None:
        rows = self._rows("SELECT id, display_name, created_at, notes FROM patients WHERE id = ?",
                          (patient_id,))
        return Patient(*rows[0]) if rows else None

    def get_patient(self, patient_id: str) -> Patient:
        p = self.find_patient(patient_id)
        if p is None:
            raise InputError(None, f"no patient {patient_id!r} in {self.location}")
        return p

    def list_patients(self) -> list[Patient]:
        return [Patient(*r) for r in self._rows(
            "SELECT id, display_name, created_at, notes FROM patients ORDER BY id")]

    def delete_patient(self, patient_id: str) -> dict[str, int]:
        """Erase everything of a patient (plans, sessions, reps, events, pain, landmarks)."""
        self.get_patient(patient_id)
        counts: dict[str, int] = {}
        sub = "session_id IN (SELECT id FROM sessions WHERE patient_id = ?)"
        with self._tx():
            for table in ("landmark_chunks", "events", "reps", "sets", "pain"):
                counts[table] = int(self._execute(f"SELECT COUNT(*) FROM {table} WHERE {sub}",
                                                  (patient_id,))[0][0])
                self._execute(f"DELETE FROM {table} WHERE {sub}", (patient_id,))
            for table in ("sessions", "plans"):
                counts[table] = int(self._execute(f"SELECT COUNT(*) FROM {table} WHERE patient_id = ?",
                                                  (patient_id,))[0][0])
                self._execute(f"DELETE FROM {table} WHERE patient_id = ?", (patient_id,))
            self._execute("DELETE FROM patients WHERE id = ?", (patient_id,))
        self._after_erase()
        return counts

    def _after_erase(self) -> None:
        """Backend hook: make erased data unrecoverable from the files (SQLite)."""

    # -- plans ----------------------------------------------------------------------------
    def save_plan(self, plan_id: str, patient_id: str, toml_text: str, source: str = "") -> None:
        """Store (or replace) a plan's TOML text; the patient is created if new."""
        self.ensure_patient(patient_id)
        with self._tx():
            self._execute(
                "INSERT INTO plans (id, patient_id, imported_at, source, toml) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET patient_id = excluded.patient_id, "
                "imported_at = excluded.imported_at, source = excluded.source, toml = excluded.toml",
                (plan_id, patient_id, time.time(), source, toml_text))

    def plan_texts(self, patient_id: str) -> list[tuple[str, float, str, str]]:
        """(plan id, imported at, source, TOML) of a patient's plans, newest first."""
        return [tuple(r) for r in self._rows(  # type: ignore[misc]
            "SELECT id, imported_at, source, toml FROM plans WHERE patient_id = ? "
            "ORDER BY imported_at DESC", (patient_id,))]

    def plan_text(self, plan_id: str) -> str | None:
        rows = self._rows("SELECT toml FROM plans WHERE id = ?", (plan_id,))
        return rows[0][0] if rows else None

    # -- sessions -------------------------------------------------------------------------
    def begin_session(self, session_id: str, patient_id: str, plan_id: str | None, scene: str,
                      source_desc: str, meta: SeriesMeta | None = None,
                      started_at: float | None = None, utc_offset_min: int | None = None) -> Session:
        self.ensure_patient(patient_id)
        now = time.time()
        s = Session(session_id, patient_id, plan_id, scene, source_desc,
                    now if started_at is None else started_at,
                    _now_offset_min() if utc_offset_min is None else utc_offset_min,
                    RECORDING, None, {}, self.host)
        with self._tx():
            self._execute(
                "INSERT INTO sessions (id, patient_id, plan_id, scene, source_desc, started_at, "
                "utc_offset_min, status, series_meta_json, host, pid, heartbeat_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (s.id, s.patient_id, s.plan_id, s.scene, s.source_desc, s.started_at,
                 s.utc_offset_min, RECORDING, json.dumps((meta or SeriesMeta()).to_dict()),
                 self.host, os.getpid(), self.beat_time()))
        return s

    def write_batch(self, session_id: str, chunks: Sequence[Chunk] = (), events: Sequence[Event] = (),
                    sets: Sequence[SetRecord] = (), reps: Sequence[RepRecord] = (),
                    pains: Sequence[PainCheckin] = ()) -> None:
        """Write what a recorder gathered since its last commit, in one transaction."""
        with self._tx():
            for c in chunks:
                self._execute("INSERT INTO landmark_chunks (session_id, seq, t0_ms, t1_ms, n_frames, data) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              (session_id, c.seq, c.t0_ms, c.t1_ms, c.n_frames, c.data))
            for e in events:
                self._execute("INSERT INTO events (session_id, t_ms, name, payload_json) VALUES (?, ?, ?, ?)",
                              (session_id, e.t_ms, e.name, json.dumps(e.payload, default=_json_default)))
            for st in sets:
                self._execute(
                    "INSERT INTO sets (session_id, exercise_id, set_index, side, target_reps, t_start_ms, "
                    "t_end_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, exercise_id, "
                    "set_index, side) DO UPDATE SET target_reps = excluded.target_reps, "
                    "t_start_ms = excluded.t_start_ms, t_end_ms = excluded.t_end_ms",
                    (session_id, st.exercise_id, st.set_index, st.side, st.target_reps,
                     st.t_start_ms, st.t_end_ms))
            for r in reps:
                self._execute(
                    "INSERT INTO reps (session_id, exercise_id, set_index, side, rep_index, t_start_ms, "
                    "t_end_ms, range_deg, target_deg, confidence, hold_s, score, faults_json, details_json) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, exercise_id, "
                    "set_index, side, rep_index) DO NOTHING",
                    (session_id, r.exercise_id, r.set_index, r.side, r.rep_index, r.t_start_ms,
                     r.t_end_ms, r.range_deg, r.target_deg, r.confidence, r.hold_s, r.score,
                     json.dumps(list(r.faults)), json.dumps(r.details, default=_json_default)))
            for p in pains:
                self._execute(
                    "INSERT INTO pain (session_id, moment, score, at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (session_id, moment) DO UPDATE SET score = excluded.score, at = excluded.at",
                    (session_id, p.when, p.score, p.at))
            self._execute("UPDATE sessions SET heartbeat_at = ? WHERE id = ?", (self.beat_time(), session_id))

    def finish_session(self, session_id: str, summary: dict[str, Any] | None = None,
                       status: str = FINISHED, ended_at: float | None = None) -> None:
        with self._tx():
            self._execute("UPDATE sessions SET status = ?, ended_at = ?, summary_json = ? WHERE id = ?",
                          (status, time.time() if ended_at is None else ended_at,
                           json.dumps(summary or {}, default=_json_default), session_id))

    def mark_interrupted(self) -> list[str]:
        """Mark sessions whose recorder died (same host: process gone; any host: no commit for
        ``STALE_AFTER_S``) as interrupted. Returns their ids. Runs on every open."""
        now = self.beat_time()
        gone = []
        for sid, host, pid, beat, started in self._rows(
                "SELECT id, host, pid, heartbeat_at, started_at FROM sessions WHERE status = ?", (RECORDING,)):
            last = beat if beat is not None else started
            dead = (host == self.host and not _pid_alive(int(pid or 0))) or now - last > STALE_AFTER_S
            if dead:
                gone.append((sid, last))
        with self._tx():
            for sid, last in gone:
                self._execute("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = ?",
                              (INTERRUPTED, last, sid, RECORDING))
        return [sid for sid, _ in gone]

    _SESSION_COLS = ("id, patient_id, plan_id, scene, source_desc, started_at, utc_offset_min, status, "
                     "ended_at, summary_json, host")

    @staticmethod
    def _session(row: tuple) -> Session:
        (sid, pid, plan, scene, src, start, off, status, end, summary, host) = row
        return Session(sid, pid, plan, scene, src, float(start), int(off), status,
                       None if end is None else float(end), json.loads(summary or "{}"), host or "")

    def find_session(self, session_id: str) -> Session | None:
        rows = self._rows(f"SELECT {self._SESSION_COLS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:  # a unique prefix is enough
            rows = self._rows(f"SELECT {self._SESSION_COLS} FROM sessions WHERE substr(id, 1, ?) = ?",
                              (len(session_id), session_id)) if session_id else []
            if len(rows) != 1:
                return None
        return self._session(rows[0])

    def get_session(self, session_id: str) -> Session:
        s = self.find_session(session_id)
        if s is None:
            raise InputError(None, f"no session {session_id!r} in {self.location}")
        return s

    def list_sessions(self, patient_id: str | None = None) -> list[Session]:
        if patient_id is None:
            rows = self._rows(f"SELECT {self._SESSION_COLS} FROM sessions ORDER BY started_at")
        else:
            rows = self._rows(f"SELECT {self._SESSION_COLS} FROM sessions WHERE patient_id = ? "
                              "ORDER BY started_at", (patient_id,))
        return [self._session(r) for r in rows]

    def sets(self, session_id: str) -> list[SetRecord]:
        return [SetRecord(session_id, *r) for r in self._rows(
            "SELECT exercise_id, set_index, side, target_reps, t_start_ms, t_end_ms FROM sets "
            "WHERE session_id = ? ORDER BY t_start_ms, exercise_id, set_index", (session_id,))]

    def reps(self, session_id: str) -> list[RepRecord]:
        out = []
        for r in self._rows(
                "SELECT exercise_id, set_index, rep_index, t_start_ms, t_end_ms, range_deg, target_deg, "
                "confidence, hold_s, score, faults_json, side, details_json FROM reps WHERE session_id = ? "
                "ORDER BY t_start_ms, exercise_id, set_index, rep_index", (session_id,)):
            out.append(RepRecord(session_id, r[0], int(r[1]), int(r[2]), float(r[3]), float(r[4]),
                                 *r[5:10], tuple(json.loads(r[10])), r[11], json.loads(r[12])))
        return out

    def events(self, session_id: str) -> list[Event]:
        return [Event(session_id, float(t), n, json.loads(p)) for t, n, p in self._rows(
            "SELECT t_ms, name, payload_json FROM events WHERE session_id = ? ORDER BY t_ms, id",
            (session_id,))]

    def pain(self, session_id: str) -> list[PainCheckin]:
        return [PainCheckin(session_id, w, int(s), float(a)) for w, s, a in self._rows(
            "SELECT moment, score, at FROM pain WHERE session_id = ? ORDER BY at", (session_id,))]

    def chunk_index(self, session_id: str) -> list[tuple[int, float, float, int]]:
        """(seq, t0_ms, t1_ms, n_frames) of a session's landmark chunks."""
        return [tuple(r) for r in self._rows(  # type: ignore[misc]
            "SELECT seq, t0_ms, t1_ms, n_frames FROM landmark_chunks WHERE session_id = ? ORDER BY seq",
            (session_id,))]

    def load_series(self, session_id: str) -> PoseSeries:
        """All recorded landmarks of a session as one PoseSeries (for replay and re-scoring)."""
        s = self.get_session(session_id)
        meta_rows = self._rows("SELECT series_meta_json FROM sessions WHERE id = ?", (s.id,))
        meta = SeriesMeta.from_dict(json.loads(meta_rows[0][0] or "{}"))
        parts = [decode_chunk(d, meta) for (d,) in self._rows(
            "SELECT data FROM landmark_chunks WHERE session_id = ? ORDER BY seq", (s.id,))]
        if any(p.world is not None for p in parts):  # keep world landmarks if only some chunks lack them
            parts = [p if p.world is not None else PoseSeries(
                p.t_ms, p.xyzv, np.full((len(p), p.xyzv.shape[1], 3), np.nan, np.float32), p.flags, meta)
                for p in parts]
        return PoseSeries.concat(parts, meta) if parts else PoseSeries.empty(meta)


def load_session_series(store: Store, session_id: str) -> PoseSeries:
    """The landmarks of a recorded session (see ``Store.load_series``)."""
    return store.load_series(session_id)


def _check_id(value: str, what: str) -> None:
    if not value or len(value) > 64 or not all(c.isalnum() or c in "-_." for c in value):
        raise InputError(None, f"bad {what} {value!r}: use 1-64 letters, digits, '-', '_' or '.'")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if hasattr(obj, "__dataclass_fields__"):
        import dataclasses
        return dataclasses.asdict(obj)
    if hasattr(obj, "name") and hasattr(obj, "value"):  # enums
        return obj.name
    return str(obj)


def is_postgres_spec(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://")) or ("host=" in spec and "dbname=" in spec)


def open_store(spec: str | None = None, *, recover: bool = True) -> Store:
    """Open the store named by ``spec`` (default: ``$PHYSIOQUEST_DB`` or the user's SQLite file),
    migrating its schema and marking sessions whose recorder died as interrupted."""
    from game.sessions.paths import default_db
    spec = spec or default_db()
    if is_postgres_spec(spec):
        from game.sessions.postgres_store import PostgresStore
        store: Store = PostgresStore(spec)
    else:
        from game.sessions.sqlite_store import SqliteStore
        store = SqliteStore(spec)
    if recover:
        store.mark_interrupted()
    return store

