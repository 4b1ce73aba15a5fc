"""The PostgreSQL store (psycopg 3): the same interface for a clinic with several stations.

The DSN may name a schema with ``?options=-csearch_path%3Dname`` or the ``schema``
argument; tables are created there. Migration runs under an advisory lock so two stations
starting at once do not race.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from game.sessions import schema
from game.sessions.store import Store
from tracking.errors import InputError

_LOCK_KEY = 0x5051_4D49  # advisory lock id for migrations ("PQMI")


def _redact(dsn: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", re.sub(r"password=\S+", "password=***", dsn))


class PostgresStore(Store):
    dialect = "postgres"

    def __init__(self, dsn: str, schema_name: str | None = None) -> None:
        super().__init__()
        import psycopg
        self._dsn = dsn
        self._schema = schema_name
        try:
            self._conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise InputError(_redact(dsn), f"cannot connect to PostgreSQL ({str(exc).strip()})") from None
        if schema_name:
            if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema_name):
                raise InputError(None, f"bad PostgreSQL schema name {schema_name!r}")
            self._conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema_name}")
            self._conn.execute(f"SET search_path TO {schema_name}")
        self._migrate()
        import time
        before = time.time()
        server = float(self._execute("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8")[0][0])
        self.clock_offset_s = server - (before + time.time()) / 2

    @property
    def location(self) -> str:
        return _redact(self._dsn) + (f" (schema {self._schema})" if self._schema else "")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cur = self._conn.execute(sql.replace("?", "%s"), tuple(params))
        if cur.description is None:
            return []
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cur.fetchall()]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._conn.transaction():
            yield

    def _tables(self) -> set[str]:
        rows = self._execute("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = current_schema()")
        return {r[0] for r in rows}

    def _migrate(self) -> None:
        with self._tx():
            self._execute("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))
            tables = self._tables()
            version = 0
            if "schema_version" in tables:
                rows = self._execute("SELECT version FROM schema_version WHERE app = ?", (schema.APP,))
                if not rows:
                    raise InputError(self.location, "schema_version has no physioquest entry; left untouched")
                version = int(rows[0][0])
            elif tables & set(schema.TABLES):
                raise InputError(self.location, "holds tables named like PhysioQuest's but no "
                                                "schema_version; left untouched")
            if version > schema.SCHEMA_VERSION:
                raise InputError(self.location, f"made by a newer PhysioQuest (schema version {version}; "
                                                f"this one reads up to {schema.SCHEMA_VERSION}); left untouched")
            for v in range(version + 1, schema.SCHEMA_VERSION + 1):
                for stmt in schema.statements(v, "postgres"):
                    self._execute(stmt)
            if version == 0:
                self._execute("INSERT INTO schema_version (app, version) VALUES (?, ?)",
                              (schema.APP, schema.SCHEMA_VERSION))
            elif version < schema.SCHEMA_VERSION:
                self._execute("UPDATE schema_version SET version = ? WHERE app = ?",
                              (schema.SCHEMA_VERSION, schema.APP))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
