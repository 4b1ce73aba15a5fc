"""Importers: other data sets' skeleton files -> PoseSeries.

- ``keraal``: KERAAL BlazePose JSON and Kinect text files (``load_keraal``).
- ``uiprmd``: UI-PRMD Kinect v2 repetitions (``load_uiprmd_repetition``).
- ``skeletons``: mappings of other skeletons onto the 33 BlazePose landmarks.

``load(kind, path)`` picks the importer by name (``"keraal"`` or ``"ui-prmd"``).
"""
from __future__ import annotations

from pathlib import Path

from tracking.series import PoseSeries

KINDS = ("keraal", "ui-prmd")


def load(kind: str, path: str | Path) -> PoseSeries:
    """Read one file of a data set (``kind`` from KINDS) as a PoseSeries."""
    if kind == "keraal":
        from tracking.importers.keraal import load_keraal
        return load_keraal(path)
    if kind == "ui-prmd":
        from tracking.importers.uiprmd import load_uiprmd_repetition
        return load_uiprmd_repetition(path)
    raise ValueError(f"unknown importer {kind!r}; use one of {', '.join(KINDS)}")
