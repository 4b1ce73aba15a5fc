"""Shared test fixtures.

- ``shared_data``: Path of ``../shared/data`` (the real recordings); the test is skipped
  cleanly when that folder is missing. ``shared_data_path(*parts)`` does the same outside
  fixtures.
- ``clip_names``: the video clips in ``shared/data/videos`` (file names).
- ``clip_series(name, filtered=False)``: the real MediaPipe PoseSeries of one clip
  (``"wt_squat_19"`` or ``"wt_squat_19.mp4"``): raw backend output, or after the default
  ``LandmarkFilter``. The model runs once per clip per test session, with a fresh tracker
  per clip. ``clip_run(name)`` gives the whole ``tracking.offline.OfflineRun``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_data_path(*parts: str) -> Path:
    """``../shared/data/<parts>``, or skip the calling test if it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return shared_data_path()


@pytest.fixture(scope="session")
def clip_names(shared_data: Path) -> list[str]:
    names = sorted(p.name for p in (shared_data / "videos").glob("*.mp4"))
    if not names:
        pytest.skip("no video clips in shared/data/videos")
    return names


@pytest.fixture(scope="session")
def clip_run(shared_data: Path) -> Callable[[str], object]:
    from tracking.offline import analyze_video

    cache: dict[str, object] = {}

    def run(name: str):
        file = name if name.endswith(".mp4") else f"{name}.mp4"
        if file not in cache:
            path = shared_data / "videos" / file
            if not path.exists():
                pytest.skip(f"clip not available: {path}")
            cache[file] = analyze_video(path, show_progress=False)
        return cache[file]

    return run


@pytest.fixture(scope="session")
def clip_series(clip_run: Callable[[str], object]) -> Callable[..., object]:
    def series(name: str, filtered: bool = False):
        run = clip_run(name)
        return run.series if filtered else run.raw  # type: ignore[attr-defined]

    return series
