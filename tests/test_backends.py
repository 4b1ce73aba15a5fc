"""Pose backends: the registry, ReplayBackend, and the real MediaPipe model on real clips."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tracking.backends import BACKENDS, PoseBackend, backend_class, create_backend
from tracking.backends.replay import ReplayBackend
from tracking.errors import InputError
from tracking.landmarks import Landmark
from tracking.series import FLAG_GATED, PoseFrame, PoseSeries, SeriesMeta
from tracking.series_file import load_series, save_series


def _series(n: int = 5, fps: float = 10.0) -> PoseSeries:
    rng = np.random.default_rng(0)
    xyzv = rng.uniform(0, 1, (n, 33, 4)).astype(np.float32)
    xyzv[2] = np.nan
    flags = np.zeros(n, np.uint8)
    flags[3] = FLAG_GATED
    return PoseSeries(np.arange(n) * 1000 / fps, xyzv, rng.uniform(-1, 1, (n, 33, 3)), flags,
                      SeriesMeta(source="synthetic", fps=fps, backend="mediapipe-pose"))


def test_registry_names_and_errors() -> None:
    assert set(BACKENDS) >= {"mediapipe-pose", "replay"}
    assert backend_class("replay") is ReplayBackend
    assert backend_class("tracking.backends.replay:ReplayBackend") is ReplayBackend
    with pytest.raises(InputError, match="unknown pose backend 'nope'"):
        create_backend("nope")
    with pytest.raises(InputError, match="cannot be loaded"):
        create_backend("tracking.no_such_module:Thing")


def test_replay_by_index() -> None:
    s = _series()
    with create_backend("replay", series=s) as b:
        assert isinstance(b, PoseBackend) and b.name == "replay"
        f = b.process(None, 123.0, 1)
        assert f.t_ms == 123.0 and f.index == 1
        assert np.array_equal(f.xyzv, s.xyzv[1]) and np.array_equal(f.world, s.world[1])
        assert not b.process(None, 0.0, 2).detected
        assert b.process(None, 0.0, 3).flags == FLAG_GATED
        assert not b.process(None, 0.0, 99).detected  # beyond the recording
    assert len(list(b.frames())) == 5


def test_replay_by_time() -> None:
    s = _series(fps=10)
    b = ReplayBackend(s, match="time")
    assert np.array_equal(b.process(None, 96.0).xyzv, s.xyzv[1])  # nearest, 4 ms off
    assert np.array_equal(b.process(None, 140.0).xyzv, s.xyzv[1])
    assert not b.process(None, 1000.0).detected  # nothing recorded near 1 s
    with pytest.raises(ValueError):
        ReplayBackend(s, match="nearest")


@pytest.mark.slow
def test_mediapipe_on_an_empty_image_finds_nobody() -> None:
    with create_backend("mediapipe-pose") as b:
        assert b.name == "mediapipe-pose" and "complexity 1" in b.model
        f = b.process(np.zeros((360, 640, 3), np.uint8), 40.0, 1)
    assert isinstance(f, PoseFrame) and not f.detected and f.t_ms == 40.0 and f.index == 1
    assert np.isnan(f.xyzv).all() and np.isnan(f.world).all()


@pytest.mark.slow
def test_mediapipe_finds_the_person_in_every_clip(clip_names, clip_series) -> None:
    for name in clip_names:
        s = clip_series(name)
        assert s.detection_rate >= 0.95, (name, s.detection_rate)
        det = s.detected
        xyzv = s.xyzv[det]
        assert np.isfinite(xyzv).all() and np.isfinite(s.world[det]).all(), name
        assert ((xyzv[..., 3] >= 0) & (xyzv[..., 3] <= 1)).all(), name
        assert s.meta.backend == "mediapipe-pose" and s.meta.width > 0 and s.meta.source.endswith(name)
        assert np.all(np.diff(s.t_ms) > 0), name
        # world landmarks: metres around the hips, a body of plausible size
        hips = s.world[det][:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1)
        assert np.abs(hips).max() < 0.1, name
        span = np.nanmax(s.world[det][..., 1], axis=1) - np.nanmin(s.world[det][..., 1], axis=1)
        assert 0.3 < float(np.median(span)) < 2.2, name


@pytest.mark.slow
def test_upright_clip_has_shoulders_above_hips_and_left_on_image_right(clip_series) -> None:
    """Front view of a standing person: shoulders above hips; BGR->RGB and sides are right."""
    s = clip_series("wt_squat_19")
    d = s.xyzv[s.detected]
    sh_y = d[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], 1].mean(axis=1)
    hip_y = d[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 1].mean(axis=1)
    assert (sh_y < hip_y).mean() > 0.95
    assert (d[:, Landmark.LEFT_SHOULDER, 0] > d[:, Landmark.RIGHT_SHOULDER, 0]).mean() > 0.9
    assert np.median(d[:, list(range(11, 33)), 3]) > 0.8


@pytest.mark.slow
def test_landmark_file_round_trip_of_real_output(clip_series, tmp_path: Path) -> None:
    for raw in (True, False):
        s = clip_series("quva_020_fitness", filtered=not raw)
        back = load_series(save_series(s, tmp_path / "lm.npz"))
        assert back.equals(s)
        assert back.meta.extra == s.meta.extra


@pytest.mark.slow
def test_replay_of_real_output_reproduces_it(clip_series) -> None:
    s = clip_series("kai_squat_correct_015")
    with ReplayBackend(s) as b:
        again = PoseSeries.from_frames([b.process(None, f.t_ms, f.index) for f in s], s.meta)
    assert again.equals(s)
