"""The store's schema, versioned: a ``schema_version`` table and forward-only migrations.

Each migration is a list of SQL statements with two placeholders that differ between
SQLite and PostgreSQL: ``{blob}`` (BLOB / BYTEA) and ``{autoid}`` (an auto-increment key).
A database is migrated on open, inside one transaction, to ``SCHEMA_VERSION``. A database
with a newer version, or tables that are not ours, is refused and never written.
"""
from __future__ import annotations

APP = "physioquest"
#: The schema this code writes and reads.
SCHEMA_VERSION = 2

#: Our tables (a database holding other tables and no schema_version is "foreign").
TABLES = ("schema_version", "patients", "plans", "sessions", "sets", "reps", "events",
          "pain", "landmark_chunks")

_V1 = [
    "CREATE TABLE schema_version (app TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    """CREATE TABLE patients (
        id TEXT PRIMARY KEY, display_name TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '', created_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
        imported_at DOUBLE PRECISION NOT NULL, source TEXT NOT NULL DEFAULT '',
        toml TEXT NOT NULL)""",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
        plan_id TEXT, scene TEXT NOT NULL DEFAULT '', source_desc TEXT NOT NULL DEFAULT '',
        started_at DOUBLE PRECISION NOT NULL, utc_offset_min INTEGER NOT NULL DEFAULT 0,
        ended_at DOUBLE PRECISION, status TEXT NOT NULL,
        summary_json TEXT NOT NULL DEFAULT '{{}}', series_meta_json TEXT NOT NULL DEFAULT '{{}}')""",
    "CREATE INDEX sessions_patient ON sessions (patient_id, started_at)",
    """CREATE TABLE sets (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        exercise_id TEXT NOT NULL, set_index INTEGER NOT NULL, side TEXT NOT NULL DEFAULT '',
        target_reps INTEGER, t_start_ms DOUBLE PRECISION, t_end_ms DOUBLE PRECISION,
        PRIMARY KEY (session_id, exercise_id, set_index, side))""",
    """CREATE TABLE reps (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        exercise_id TEXT NOT NULL, set_index INTEGER NOT NULL, side TEXT NOT NULL DEFAULT '',
        rep_index INTEGER NOT NULL,
        t_start_ms DOUBLE PRECISION NOT NULL, t_end_ms DOUBLE PRECISION NOT NULL,
        range_deg DOUBLE PRECISION, target_deg DOUBLE PRECISION, confidence DOUBLE PRECISION,
        hold_s DOUBLE PRECISION, score DOUBLE PRECISION,
        faults_json TEXT NOT NULL DEFAULT '[]', details_json TEXT NOT NULL DEFAULT '{{}}',
        PRIMARY KEY (session_id, exercise_id, set_index, side, rep_index))""",
    """CREATE TABLE events (
        id {autoid},
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_ms DOUBLE PRECISION NOT NULL, name TEXT NOT NULL, payload_json TEXT NOT NULL)""",
    "CREATE INDEX events_session ON events (session_id, t_ms)",
    """CREATE TABLE pain (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        moment TEXT NOT NULL, score INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (session_id, moment))""",
    """CREATE TABLE landmark_chunks (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, t0_ms DOUBLE PRECISION NOT NULL, t1_ms DOUBLE PRECISION NOT NULL,
        n_frames INTEGER NOT NULL, data {blob} NOT NULL,
        PRIMARY KEY (session_id, seq))""",
]

#: v2: liveness of a recording session (which station and process writes it, last commit),
#: so that an unfinished session is marked interrupted without touching live ones.
_V2 = [
    "ALTER TABLE sessions ADD COLUMN host TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE sessions ADD COLUMN pid INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sessions ADD COLUMN heartbeat_at DOUBLE PRECISION",
    "CREATE INDEX sessions_status ON sessions (status)",
]

#: version -> statements that bring version-1 to version.
MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2}


def statements(version: int, dialect: str) -> list[str]:
    """The statements of one migration for ``dialect`` ("sqlite" or "postgres")."""
    if dialect == "sqlite":
        subs = {"blob": "BLOB", "autoid": "INTEGER PRIMARY KEY AUTOINCREMENT"}
    else:
        subs = {"blob": "BYTEA", "autoid": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}
    return [s.format(**subs) for s in MIGRATIONS[version]]
