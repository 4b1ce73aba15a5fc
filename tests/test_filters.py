"""LandmarkFilter on synthetic series with known answers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tracking.filters import FilterParams, LandmarkFilter, OneEuro, filter_series, torso_geometry
from tracking.landmarks import NUM_LANDMARKS, TORSO, Landmark
from tracking.series import FLAG_GATED, FLAG_PERSON_SWITCH, PoseFrame, PoseSeries, SeriesMeta

_OFFSETS = np.random.default_rng(7).uniform(-1.0, 1.0, (NUM_LANDMARKS, 2))
_SIGNS = {Landmark.LEFT_SHOULDER: (1, -1), Landmark.RIGHT_SHOULDER: (-1, -1),
          Landmark.LEFT_HIP: (1, 1), Landmark.RIGHT_HIP: (-1, 1)}


def skeleton(cx: float, cy: float, size: float = 0.1, vis: float = 0.9) -> np.ndarray:
    """A (33, 4) frame whose torso is a square of half-side ``size`` around (cx, cy)."""
    xyzv = np.zeros((NUM_LANDMARKS, 4), np.float32)
    xyzv[:, :2] = np.array([cx, cy]) + _OFFSETS * 2 * size
    for lm, (sx, sy) in _SIGNS.items():
        xyzv[lm, :2] = (cx + sx * size, cy + sy * size)
    xyzv[:, 2] = 0.0
    xyzv[:, 3] = vis
    return xyzv


def frame(t_ms: float, xyzv: np.ndarray, i: int = -1) -> PoseFrame:
    world = xyzv[:, :3].copy() * 2.0
    return PoseFrame(t_ms, xyzv, world, 0, i)


def test_torso_geometry_of_the_synthetic_skeleton() -> None:
    centre, size = torso_geometry(skeleton(0.5, 0.4, 0.1))
    assert centre == pytest.approx([0.5, 0.4], abs=1e-6)
    assert size == pytest.approx(0.1 * math.sqrt(2), rel=1e-5)
    centre, _ = torso_geometry(skeleton(0.5, 0.4), aspect=16 / 9)
    assert centre[0] == pytest.approx(0.5 * 16 / 9, rel=1e-6)


def test_one_euro_first_steps_match_the_formula() -> None:
    mc, beta, dc = 1.5, 10.0, 1.0
    f = OneEuro(1, mc, beta, dc)
    assert f.step(np.array([0.2]), 0.0)[0] == pytest.approx(0.2)  # first value passes
    dt = 1 / 30
    out = f.step(np.array([0.3]), dt)[0]
    a_d = 1 / (1 + 1 / (2 * math.pi * dc) / dt)
    edx = a_d * (0.1 / dt)
    a = 1 / (1 + 1 / (2 * math.pi * (mc + beta * edx)) / dt)
    assert out == pytest.approx(0.2 + a * 0.1, rel=1e-9)


def test_constant_input_passes_unchanged_and_noise_is_reduced() -> None:
    filt = LandmarkFilter()
    base = skeleton(0.5, 0.5)
    outs = [filt.step(frame(i * 33.3, base, i)).xyzv for i in range(30)]
    assert np.allclose(outs[-1][:, :3], base[:, :3], atol=1e-6)
    rng = np.random.default_rng(1)
    filt.reset()
    raw, smooth = [], []
    for i in range(300):
        noisy = base.copy()
        noisy[:, :2] += rng.normal(0, 0.003, (NUM_LANDMARKS, 2))
        raw.append(noisy[:, :2])
        smooth.append(filt.step(frame(i * 1000 / 30, noisy, i)).xyzv[:, :2])
    raw_sd = np.std(np.array(raw[30:]), axis=0).mean()
    smooth_sd = np.std(np.array(smooth[30:]), axis=0).mean()
    assert smooth_sd < 0.6 * raw_sd


def test_moving_landmarks_follow_with_small_lag() -> None:
    """A 0.5 Hz sway of 0.1 units: the default filter stays within 0.02 units of it."""
    filt = LandmarkFilter()
    errs = []
    for i in range(150):
        t = i / 30
        cx = 0.5 + 0.1 * math.sin(2 * math.pi * 0.5 * t)
        out = filt.step(frame(t * 1000, skeleton(cx, 0.5), i))
        errs.append(abs(out.xyzv[Landmark.LEFT_HIP, 0] - (cx + 0.1)))
    assert max(errs[15:]) < 0.02
    assert max(errs[15:]) > 0  # it does smooth


def test_visibility_gating_and_gated_flag() -> None:
    xyzv = skeleton(0.5, 0.5)
    xyzv[Landmark.LEFT_WRIST, 3] = 0.3
    out = LandmarkFilter().step(frame(0, xyzv))
    assert np.isnan(out.xyzv[Landmark.LEFT_WRIST, :3]).all()
    assert out.xyzv[Landmark.LEFT_WRIST, 3] == pytest.approx(0.3)
    assert np.isnan(out.world[Landmark.LEFT_WRIST]).all()
    assert np.isfinite(out.xyzv[Landmark.RIGHT_WRIST, :3]).all()
    assert not out.flags & FLAG_GATED
    xyzv[[Landmark.LEFT_HIP], 3] = 0.1  # 3 torso landmarks left: still trusted
    assert not LandmarkFilter().step(frame(0, xyzv)).flags & FLAG_GATED
    xyzv[[Landmark.RIGHT_HIP], 3] = 0.1  # 2 left: gated
    assert LandmarkFilter().step(frame(0, xyzv)).flags & FLAG_GATED


def test_missing_frames_are_not_flagged_and_stay_nan() -> None:
    out = LandmarkFilter().step(PoseFrame.missing(0.0, 0))
    assert out.flags == 0 and not out.detected


def test_gap_stays_nan_and_the_filter_restarts_after_it() -> None:
    filt = LandmarkFilter()
    for i in range(10):
        filt.step(frame(i * 33.3, skeleton(0.5, 0.5), i))
    gap = skeleton(0.5, 0.5)
    gap[Landmark.LEFT_WRIST, :2] = np.nan
    assert np.isnan(filt.step(frame(333, gap, 10)).xyzv[Landmark.LEFT_WRIST, :2]).all()
    back = skeleton(0.5, 0.5)
    back[Landmark.LEFT_WRIST, :2] = (0.9, 0.9)  # far away: unsmoothed means reset
    out = filt.step(frame(366, back, 11))
    assert out.xyzv[Landmark.LEFT_WRIST, :2] == pytest.approx([0.9, 0.9], abs=1e-6)
    moved = skeleton(0.52, 0.5)  # others were continuous: they are smoothed
    out = filt.step(frame(400, moved, 12))
    assert abs(out.xyzv[Landmark.NOSE, 0] - moved[Landmark.NOSE, 0]) > 1e-4


def test_time_gap_restarts_every_landmark() -> None:
    filt = LandmarkFilter(FilterParams(max_gap_ms=200))
    filt.step(frame(0, skeleton(0.5, 0.5)))
    later = skeleton(0.55, 0.5)
    out = filt.step(frame(500, later))
    assert np.allclose(out.xyzv[:, :3], later[:, :3], atol=1e-6)


def _run(centres: list[tuple[float, float, float]], params: FilterParams | None = None,
         dt: float = 1000 / 30) -> tuple[list[PoseFrame], LandmarkFilter]:
    filt = LandmarkFilter(params)
    return [filt.step(frame(i * dt, skeleton(*c), i)) for i, c in enumerate(centres)], filt


def test_person_switch_is_flagged_until_stable_and_resets_the_filter() -> None:
    a = [(0.3 + 0.002 * i, 0.5, 0.1) for i in range(10)]
    b = [(0.7, 0.45, 0.06)] * 15  # another person: 2.8 torso sizes away, smaller
    outs, filt = _run(a + b)
    flagged = [i for i, f in enumerate(outs) if f.flags & FLAG_PERSON_SWITCH]
    settle = FilterParams().settle_frames
    assert flagged == list(range(10, 11 + settle))
    assert filt.switches == 1
    assert np.allclose(outs[10].xyzv[:, :3], skeleton(*b[0])[:, :3], atol=1e-6)  # reset


def test_scale_jump_alone_is_a_switch_but_slow_motion_is_not() -> None:
    outs, _ = _run([(0.5, 0.5, 0.1)] * 5 + [(0.5, 0.5, 0.2)] * 3)
    assert outs[5].flags & FLAG_PERSON_SWITCH
    walk = [(0.2 + 0.01 * i, 0.5, 0.1 * (1.01 ** i)) for i in range(40)]  # walking closer
    outs, filt = _run(walk)
    assert filt.switches == 0 and not any(f.flags & FLAG_PERSON_SWITCH for f in outs)


def test_no_switch_compared_across_a_long_absence() -> None:
    filt = LandmarkFilter()
    filt.step(frame(0, skeleton(0.3, 0.5), 0))
    filt.step(PoseFrame.missing(500, 1))
    out = filt.step(frame(2000, skeleton(0.7, 0.5), 2))  # 2 s later: a fresh start
    assert not out.flags & FLAG_PERSON_SWITCH


def test_apply_matches_step_and_records_params() -> None:
    rng = np.random.default_rng(3)
    frames = []
    for i in range(40):
        x = skeleton(0.4 + 0.003 * i, 0.5)
        x[:, :2] += rng.normal(0, 0.002, (NUM_LANDMARKS, 2))
        if i == 20:
            x[:] = np.nan
        frames.append(frame(i * 40.0, x, i))
    series = PoseSeries.from_frames(frames, SeriesMeta(source="synthetic", fps=25, width=640,
                                                        height=480))
    out = filter_series(series)
    filt = LandmarkFilter(aspect=640 / 480)
    stepped = [filt.step(f) for f in frames]
    assert np.array_equal(out.xyzv, np.stack([f.xyzv for f in stepped]), equal_nan=True)
    assert out.meta.extra["filter"]["beta"] == FilterParams().beta
    assert not out.detected[20] and out.detected[21]
    again = filter_series(series)  # apply() resets: same answer twice
    assert again.equals(out)


def test_params_are_validated() -> None:
    with pytest.raises(ValueError):
        FilterParams(min_cutoff=0)
    with pytest.raises(ValueError):
        FilterParams(switch_scale=1.0)


@pytest.mark.slow
@pytest.mark.parametrize("clip", ["wt_squat_19", "wt_push-up_1", "kai_squat_correct_015",
                                  "kai_squat_incorrect_004", "quva_020_fitness",
                                  "quva_027_fitness"])
def test_no_person_switch_on_single_person_clips(clip_series, clip: str) -> None:
    out = filter_series(clip_series(clip))
    assert not (out.flags & FLAG_PERSON_SWITCH).any()
    assert out.detection_rate == pytest.approx(clip_series(clip).detection_rate, abs=0.02)
