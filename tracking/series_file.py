"""The landmark file: one documented on-disk format for a PoseSeries (see docs/landmark-file.md).

A ``.npz`` archive (zip of ``.npy`` arrays, no pickles) holding:

- ``format``: the string ``"physioquest-landmarks"``
- ``schema_version``: int, currently ``SCHEMA_VERSION``
- ``t_ms`` (T,) float64, ``xyzv`` (T, 33, 4) float32, ``flags`` (T,) uint8
- ``world`` (T, 33, 3) float32, only when the series has world landmarks
- ``meta_json``: the SeriesMeta as UTF-8 JSON
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from tracking.errors import InputError
from tracking.series import PoseSeries, SeriesMeta

FORMAT_NAME = "physioquest-landmarks"
SCHEMA_VERSION = 1
SUFFIX = ".npz"


def save_series(series: PoseSeries, path: str | Path) -> Path:
    """Write ``series`` to ``path`` atomically (a crash leaves the old file or none)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT_NAME),
        "schema_version": np.array(SCHEMA_VERSION, np.int32),
        "t_ms": series.t_ms,
        "xyzv": series.xyzv,
        "flags": series.flags,
        "meta_json": np.array(json.dumps(series.meta.to_dict(), sort_keys=True)),
    }
    if series.world is not None:
        arrays["world"] = series.world
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_series(path: str | Path) -> PoseSeries:
    """Read a landmark file; any problem becomes an InputError naming the file."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such landmark file")
    if not path.is_file():
        raise InputError(path, "not a file")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            if fh.read(4) == b"PK\x03\x04":
                raise InputError(path, "landmark file is truncated or damaged")
        raise InputError(path, "not a PhysioQuest landmark file (expected a .npz archive; "
                               "make one with 'physioquest analyze VIDEO --landmarks FILE')")
    try:
        with np.load(path, allow_pickle=False) as data:
            if "format" not in data.files or str(data["format"]) != FORMAT_NAME:
                raise InputError(path, "not a PhysioQuest landmark file")
            version = int(data["schema_version"])
            if version != SCHEMA_VERSION:
                raise InputError(path, f"landmark file schema version {version} is not supported "
                                       f"(this PhysioQuest reads version {SCHEMA_VERSION})")
            meta = SeriesMeta.from_dict(json.loads(str(data["meta_json"])))
            world = data["world"] if "world" in data.files else None
            return PoseSeries(data["t_ms"], data["xyzv"], world, data["flags"], meta)
    except InputError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, EOFError) as exc:
        raise InputError(path, f"unreadable landmark file ({exc.__class__.__name__}: {exc})") from None
