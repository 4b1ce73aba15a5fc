"""The SQLite store: one owner-only file, WAL mode (readers never block the recorder),
``synchronous=FULL`` (a committed second survives a power cut), secure delete."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from game.sessions import schema
from game.sessions.paths import private_dir, private_file
from game.sessions.store import Store
from tracking.errors import InputError

_BUSY_TIMEOUT_MS = 10_000


class SqliteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.is_dir():
            raise InputError(self.path, "is a directory, not a PhysioQuest database")
        if self.path.exists() and self.path.stat().st_size > 0:
            _check_existing(self.path)  # read-only look: refuse before writing anything
        else:
            private_dir(self.path.parent) if not self.path.parent.exists() else None
            private_file(self.path)
        try:
            self._conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000,
                                         isolation_level=None, check_same_thread=False)
            for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                           "secure_delete = ON", f"busy_timeout = {_BUSY_TIMEOUT_MS}"):
                self._conn.execute(f"PRAGMA {pragma}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(self.path, f"cannot open the database ({exc})") from None

    @property
    def location(self) -> str:
        return str(self.path)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            if type(exc) is sqlite3.DatabaseError:  # corruption found while reading
                raise InputError(self.path, f"damaged database ({exc})") from None
            raise

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx():
            version = _version(self._conn, self.path)
            for v in range(version + 1, schema.SCHEMA_VERSION + 1):
                for stmt in schema.statements(v, "sqlite"):
                    self._conn.execute(stmt)
            if version == 0:
                self._conn.execute("INSERT INTO schema_version (app, version) VALUES (?, ?)",
                                   (schema.APP, schema.SCHEMA_VERSION))
            elif version < schema.SCHEMA_VERSION:
                self._conn.execute("UPDATE schema_version SET version = ? WHERE app = ?",
                                   (schema.SCHEMA_VERSION, schema.APP))

    def _after_erase(self) -> None:
        # secure_delete zeroed the freed pages; move them out of the WAL as well.
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _version(conn: sqlite3.Connection, path: Path) -> int:
    """Our schema version in ``conn`` (0: empty database); InputError if foreign or newer."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables.discard("sqlite_sequence")
    if not tables:
        return 0
    if "schema_version" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise InputError(path, f"not a PhysioQuest database (it holds other tables: {shown}); "
                               "left untouched")
    rows = conn.execute("SELECT version FROM schema_version WHERE app = ?", (schema.APP,)).fetchall()
    if not rows:
        raise InputError(path, "not a PhysioQuest database (schema_version has no physioquest entry); "
                               "left untouched")
    version = int(rows[0][0])
    if version > schema.SCHEMA_VERSION:
        raise InputError(path, f"made by a newer PhysioQuest (schema version {version}; this one reads "
                               f"up to {schema.SCHEMA_VERSION}); left untouched: update PhysioQuest")
    if version < 1:
        raise InputError(path, f"bad schema version {version}; left untouched")
    return version


def _check_existing(path: Path) -> None:
    """Look at an existing file read-only, so a foreign or damaged file is never changed."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    if head != b"SQLite format 3\x00":
        raise InputError(path, "not a PhysioQuest database (not an SQLite file, or damaged); left untouched")
    side = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    fresh = [p for p in side if not p.exists()]
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            _version(conn, path)
            bad = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            conn.close()
        if bad != "ok":
            raise InputError(path, f"damaged database ({bad}); left untouched")
    except (sqlite3.DatabaseError, InputError) as exc:
        for p in fresh:  # the read-only look may have made empty WAL files: take them away
            p.unlink(missing_ok=True)
        if isinstance(exc, InputError):
            raise
        raise InputError(path, f"damaged database ({exc}); left untouched") from None
