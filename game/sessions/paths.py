"""Where PhysioQuest keeps a user's data: a private directory (0700), private files (0600)."""
from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the data directory (tests, portable installs).
DATA_DIR_ENV = "PHYSIOQUEST_DATA_DIR"
#: Environment variable naming the store: a SQLite file path or a postgresql:// DSN.
DB_ENV = "PHYSIOQUEST_DB"
DB_FILENAME = "physioquest.sqlite3"


def data_dir() -> Path:
    """The per-user data directory, created owner-only if missing."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        path = Path(env)
    else:
        import platformdirs
        path = Path(platformdirs.user_data_dir("physioquest", appauthor=False))
    return private_dir(path)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing and make it owner-only (0600)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)
    return path


def default_db() -> str:
    """The store to use: ``$PHYSIOQUEST_DB`` or the SQLite file in the data directory."""
    return os.environ.get(DB_ENV) or str(data_dir() / DB_FILENAME)


def add_db_argument(parser) -> None:  # type: ignore[no-untyped-def]
    """The ``--db`` option every store command shares."""
    parser.add_argument("--db", metavar="PATH|DSN", default=None,
                        help="the store: an SQLite file or a postgresql:// DSN "
                             "(default: $PHYSIOQUEST_DB, else physioquest.sqlite3 in your data folder)")
