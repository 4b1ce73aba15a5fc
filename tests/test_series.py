"""PoseSeries and the landmark file: lossless round trip, clear errors for bad files."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from tracking.errors import InputError
from tracking.landmarks import BONES, NUM_LANDMARKS, Landmark
from tracking.series import FLAG_PERSON_SWITCH, PoseFrame, PoseSeries, SeriesMeta
from tracking.series_file import SCHEMA_VERSION, load_series, save_series


def _series(n: int = 50, world: bool = True) -> PoseSeries:
    rng = np.random.default_rng(1)
    xyzv = rng.random((n, NUM_LANDMARKS, 4), dtype=np.float32)
    xyzv[5] = np.nan  # nobody seen
    w = rng.normal(size=(n, NUM_LANDMARKS, 3)).astype(np.float32) if world else None
    flags = np.zeros(n, np.uint8)
    flags[7] = FLAG_PERSON_SWITCH
    meta = SeriesMeta(source="clip.mp4", fps=30.0, backend="test", model="none",
                      width=640, height=360, extra={"note": "ünïcode"})
    return PoseSeries(np.arange(n) * 33.3, xyzv, w, flags, meta)


def test_landmark_enum_has_33_blazepose_names() -> None:
    assert len(Landmark) == NUM_LANDMARKS == 33
    assert Landmark.LEFT_KNEE == 25 and Landmark(32) is Landmark.RIGHT_FOOT_INDEX
    assert Landmark.LEFT_WRIST.mirrored is Landmark.RIGHT_WRIST
    assert Landmark.NOSE.mirrored is Landmark.NOSE
    assert all(a != b for a, b in BONES)


@pytest.mark.parametrize("world", [True, False])
def test_round_trip_is_lossless(tmp_path, world: bool) -> None:
    s = _series(world=world)
    path = save_series(s, tmp_path / "a.npz")
    back = load_series(path)
    assert back.equals(s)
    assert back.detected.sum() == len(s) - 1
    assert (path.stat().st_mode & 0o777) == 0o600


def test_from_frames_and_slicing() -> None:
    s = _series(10)
    again = PoseSeries.from_frames(list(s), s.meta)
    assert again.equals(s)
    part = s.between(100, 200)
    assert np.all((part.t_ms >= 100) & (part.t_ms < 200))
    assert PoseFrame.missing(5.0).detected is False
    assert PoseSeries.concat([s.slice(0, 4), s.slice(4, 10)]).equals(s)


def test_shape_and_time_validation() -> None:
    with pytest.raises(ValueError):
        PoseSeries(np.arange(3), np.zeros((3, 32, 4)))
    with pytest.raises(ValueError):
        PoseSeries(np.array([0.0, 2.0, 1.0]), np.zeros((3, 33, 4)))


def test_bad_files_give_input_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="no such landmark file"):
        load_series(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match="not a PhysioQuest landmark file"):
        load_series(junk)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(InputError, match="not a PhysioQuest landmark file"):
        load_series(other)
    path = save_series(_series(), tmp_path / "v.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["schema_version"] = np.array(SCHEMA_VERSION + 1)
    np.savez(tmp_path / "future.npz", **arrays)
    with pytest.raises(InputError, match="schema version"):
        load_series(tmp_path / "future.npz")
    trunc = tmp_path / "trunc.npz"
    trunc.write_bytes(path.read_bytes()[:200])
    with pytest.raises(InputError, match="truncated or damaged"):
        load_series(trunc)
