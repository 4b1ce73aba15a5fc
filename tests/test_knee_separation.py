"""knee_ankle_separation (KASR): the knees' side-to-side distance in percent of the ankles',
a knee-valgus measure that stays valid at any knee flexion (synthetic landmarks)."""
from __future__ import annotations

import numpy as np
import pytest

from tracking.angles import ANGLES
from tracking.kinematics import angles_arrays
from tracking.landmarks import Landmark as L

NAME = "knee_ankle_separation"


def _pose(knee_x: float = 0.1, ankle_x: float = 0.1, depth: float = 0.0, lean_deg: float = 0.0,
          yaw_deg: float = 0.0) -> np.ndarray:
    """Body-frame points (33, 3), metres, +y up, +x the patient's left, facing +z. ``depth``
    0..1 bends the knees from standing (0) to thighs horizontal (1); the shanks stay
    vertical, the trunk leans ``lean_deg`` forward; the whole body turns ``yaw_deg``."""
    p = np.full((33, 3), np.nan)
    a = np.radians(90.0 * depth)
    lean = np.radians(lean_deg)
    for s in (1.0, -1.0):  # left, right
        hip, knee, ank = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) if s > 0 else \
            (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
        sh = L.LEFT_SHOULDER if s > 0 else L.RIGHT_SHOULDER
        p[hip] = (s * 0.1, 0.0, 0.0)
        p[knee] = (s * knee_x, -0.45 * np.cos(a), 0.45 * np.sin(a))
        p[ank] = (s * ankle_x, p[knee][1] - 0.43, p[knee][2])
        p[sh] = (s * 0.18, 0.5 * np.cos(lean), 0.5 * np.sin(lean))
    y = np.radians(yaw_deg)
    rot = np.array([[np.cos(y), 0.0, np.sin(y)], [0.0, 1.0, 0.0], [-np.sin(y), 0.0, np.cos(y)]])
    return p @ rot.T


def _read(poses: list[np.ndarray], view: str = "any", names=(NAME,)) -> dict[str, np.ndarray]:
    """Measures of body-frame poses, from world landmarks (``view`` "any") or from a front
    camera's image (orthographic, "front")."""
    body = np.stack(poses)
    world = body * np.array([1.0, -1.0, -1.0])  # MediaPipe: y down, z away from the camera
    xyzv = np.zeros(body.shape[:2] + (4,))
    xyzv[..., 0] = 0.5 + 0.4 * body[..., 0]  # the patient's left is image right
    xyzv[..., 1] = 0.5 - 0.4 * body[..., 1] * 640 / 480
    xyzv[..., 2] = -0.4 * body[..., 2]
    xyzv[..., 3] = np.where(np.isfinite(body[..., 0]), 0.99, 0.0)
    r = angles_arrays(xyzv, world, list(names), view, 640, 480)
    return {n: r[n].value_deg for n in names}


def test_definition_in_the_table():
    d = ANGLES[NAME]
    assert (d.unit, d.plane, d.side) == ("pct", "frontal", "")
    assert d.landmarks == (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)


@pytest.mark.parametrize("view", ["any", "front"])
def test_straight_legs_hip_width_stance_read_100(view):
    v = _read([_pose(), _pose(ankle_x=0.15, knee_x=0.15)], view)[NAME]
    assert v == pytest.approx([100.0, 100.0], abs=1e-6)


@pytest.mark.parametrize("view", ["any", "front"])
def test_knees_falling_in_read_below_100_and_out_above(view):
    v = _read([_pose(knee_x=0.08), _pose(knee_x=0.05), _pose(knee_x=0.13)], view)[NAME]
    assert v == pytest.approx([80.0, 50.0, 130.0], abs=1e-6)


def test_deep_flexion_and_trunk_lean_do_not_break_it_where_the_frontal_angle_does():
    """Thighs horizontal, trunk leaning 40 degrees: the ratio still reads the knees'
    position over the feet; the frontal-plane projection angle (knee_valgus) has no answer."""
    poses = [_pose(depth=1.0, lean_deg=40.0), _pose(knee_x=0.08, depth=1.0, lean_deg=40.0),
             _pose(knee_x=0.08, depth=0.9, lean_deg=30.0, yaw_deg=25.0)]
    r = _read(poses, "any", (NAME, "knee_valgus_l"))
    assert r[NAME] == pytest.approx([100.0, 80.0, 80.0], abs=1e-6)
    valgus = r["knee_valgus_l"][1]  # 2 cm in at depth: 180 degrees (or undefined), not readable
    assert not (np.isfinite(valgus) and abs(valgus) <= 30.0), valgus
    # the same knees-in at every depth read the same
    depths = [_pose(knee_x=0.07, depth=d) for d in np.linspace(0.0, 1.0, 6)]
    assert _read(depths)[NAME] == pytest.approx([70.0] * 6, abs=1e-6)


def test_turning_to_the_camera_does_not_change_it():
    v = _read([_pose(knee_x=0.08, yaw_deg=y) for y in (0.0, 20.0, 45.0, -30.0)])[NAME]
    assert v == pytest.approx([80.0] * 4, abs=1e-6)


def test_undefined_while_the_ankles_are_not_apart():
    """Feet in line (a tandem stance) or crossed: the ratio has no denominator."""
    v = _read([_pose(ankle_x=0.0), _pose(ankle_x=-0.02), _pose()])[NAME]
    assert np.isnan(v[:2]).all() and v[2] == pytest.approx(100.0)
