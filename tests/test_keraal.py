"""KERAAL importer: the real sample files in ../shared/data/keraal, and bad files."""
import json

import numpy as np
import pytest

from tests.conftest import shared_data_path
from tracking.errors import InputError
from tracking.importers import load
from tracking.importers.keraal import kinect_to_body, load_keraal, read_kinect
from tracking.importers.skeletons import KINECT_V2_JOINTS
from tracking.landmarks import Landmark as L

EXERCISES = ("CTK", "ELK", "RTK")


def keraal(kind: str, ex: str):
    ext = "json" if kind == "BP" else "txt"
    return shared_data_path("keraal", "dataSampleKeraal", f"G3-{kind}-{ex}-P1T1-Unknown-C-0.{ext}")


def angle(a, b, c):
    u, v = a - b, c - b
    return np.degrees(np.arccos(np.sum(u * v, -1) / np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1)))


@pytest.mark.parametrize("ex", EXERCISES)
def test_kinect_take_is_a_plausible_seated_person(ex):
    s = load("keraal", keraal("Kinect", ex))
    assert len(s) > 150 and s.fps == 30 and s.world is not None
    w = s.world
    for a, b, lo, hi in ((L.LEFT_SHOULDER, L.LEFT_ELBOW, 0.2, 0.35), (L.LEFT_ELBOW, L.LEFT_WRIST, 0.18, 0.32),
                         (L.LEFT_HIP, L.LEFT_KNEE, 0.3, 0.5), (L.RIGHT_KNEE, L.RIGHT_ANKLE, 0.3, 0.5),
                         (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, 0.25, 0.42)):
        length = np.linalg.norm(w[:, a] - w[:, b], axis=-1)
        assert lo < np.median(length) < hi, (a.name, b.name, np.median(length))
        assert np.std(length) < 0.15 * np.median(length)  # Kinect joints jitter by a few cm
    # These three takes are done sitting: knees near 90 degrees (a standing knee would be ~180).
    knee = angle(w[:, L.LEFT_HIP], w[:, L.LEFT_KNEE], w[:, L.LEFT_ANKLE])
    assert 75 < np.median(knee) < 115
    # The subject faces the sensor: the left shoulder appears on the image's right; y is down.
    assert np.all(s.xyzv[:, L.LEFT_SHOULDER, 0] > s.xyzv[:, L.RIGHT_SHOULDER, 0])
    assert np.all(s.xyzv[:, L.LEFT_SHOULDER, 1] < s.xyzv[:, L.LEFT_ANKLE, 1])
    assert np.nanmin(s.xyzv[..., :2]) > 0 and np.nanmax(s.xyzv[..., :2]) < 1
    # Landmarks the Kinect lacks are NaN; mid-hip is the world origin.
    assert np.isnan(s.xyzv[:, L.NOSE]).all() and np.isnan(s.world[:, L.LEFT_HEEL]).all()
    assert np.abs(w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]).max() < 1e-5


def test_kinect_body_frame_has_feet_on_the_floor():
    body = kinect_to_body(read_kinect(keraal("Kinect", "CTK")))
    feet = body[:, [KINECT_V2_JOINTS.index("FootLeft"), KINECT_V2_JOINTS.index("FootRight")], 1]
    head = body[:, KINECT_V2_JOINTS.index("Head")]
    assert 0.0 < np.median(feet) < 0.08 and 1.0 < np.median(head[:, 1]) < 1.5  # seated
    left = body[:, KINECT_V2_JOINTS.index("ShoulderLeft"), 0]
    assert np.all(left > body[:, KINECT_V2_JOINTS.index("ShoulderRight"), 0])  # +x = left


@pytest.mark.parametrize("ex", EXERCISES)
def test_blazepose_json_gives_image_landmarks_consistent_with_the_kinect(ex):
    s = load_keraal(keraal("BP", ex))
    k = load_keraal(keraal("Kinect", ex))
    assert s.world is None and s.detection_rate == 1.0 and abs(len(s) - len(k)) < 5
    assert np.isfinite(s.xyzv).all() and (s.xyzv[..., 3] == 1).all()
    assert 0 < s.xyzv[..., :2].min() and s.xyzv[..., :2].max() < 1
    assert np.all(s.xyzv[:, L.LEFT_SHOULDER, 0] > s.xyzv[:, L.RIGHT_SHOULDER, 0])
    assert np.all(s.xyzv[:, L.NOSE, 1] < s.xyzv[:, L.LEFT_HIP, 1])
    # The assumed 16:9 frame: shoulder width / trunk length agrees with the Kinect's within
    # 20% (the video camera stands elsewhere), and far better than a 4:3 frame would.
    def ratio(x):
        sw = np.abs(x[:, L.LEFT_SHOULDER, 0] - x[:, L.RIGHT_SHOULDER, 0])
        trunk = np.abs((x[:, L.LEFT_SHOULDER, 1] + x[:, L.RIGHT_SHOULDER, 1]
                        - x[:, L.LEFT_HIP, 1] - x[:, L.RIGHT_HIP, 1]) / 2)
        return np.median(sw / trunk)
    bp = ratio(s.xyzv[..., :2] * np.array([s.meta.width, s.meta.height]))
    kin = ratio(k.world)
    assert bp == pytest.approx(kin, rel=0.2)
    assert abs(bp - kin) < abs(ratio(s.xyzv[..., :2] * np.array([4, 3])) - kin) - 0.05


@pytest.mark.parametrize("kind", ["AP", "OP", "Vicon"])
def test_other_keraal_formats_are_refused_in_one_line(kind):
    ext = "txt" if kind == "Vicon" else "json"
    path = shared_data_path("keraal", "dataSampleKeraal", f"G3-{kind}-CTK-P1T1-Unknown-C-0.{ext}")
    with pytest.raises(InputError) as err:
        load_keraal(path)
    assert "\n" not in str(err.value) and path.name in str(err.value)


@pytest.mark.parametrize("name, content", [
    ("x.json", "{not json"), ("x.json", json.dumps({"frames": {}})),
    ("x.json", json.dumps({"positions": {"1.0": {"Left_shoulder": [0.1, 0.2]}}})),
    ("x.json", json.dumps({"positions": {"a": {"Left_shoulder": [0.1, 0.2, 0.3]}}})),
    ("x.txt", "1 2 3\n"), ("x.txt", "a b c\n"), ("x.csv", "1,2,3\n"), ("x.txt", ""),
])
def test_bad_files_raise_input_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError):
        load_keraal(path)
    with pytest.raises(InputError, match="no such"):
        load_keraal(tmp_path / "missing.json")


def test_blazepose_frame_gaps_become_missing_frames(tmp_path):
    joints = {name: [0.5, 0.5, 0.0] for name in ("Left_shoulder", "Right_shoulder", "Nose")}
    path = tmp_path / "G3-BP-CTK-x.json"
    path.write_text(json.dumps({"positions": {"1.0": joints, "2.0": joints, "5.0": joints}}))
    s = load_keraal(path)
    assert len(s) == 5 and s.t_ms[-1] == pytest.approx(4000 / 30)
    assert s.detected.tolist() == [True, True, False, False, True]
    assert np.isnan(s.xyzv[0, L.LEFT_HIP]).all() and s.xyzv[0, L.NOSE, 3] == 1
    assert s.meta.extra["keraal_exercise"] == "CTK"
    with pytest.raises(ValueError, match="unknown importer"):
        load("vicon", path)


def test_kinect_mapping_leaves_missing_joints_nan():
    from tracking.importers.skeletons import BLAZEPOSE_FROM_KINECT_V2, map_skeleton

    pts = np.arange(2 * 25 * 3, dtype=float).reshape(2, 25, 3)
    out = map_skeleton(pts, BLAZEPOSE_FROM_KINECT_V2)
    assert out.shape == (2, 33, 3)
    assert np.array_equal(out[:, L.LEFT_ELBOW], pts[:, KINECT_V2_JOINTS.index("ElbowLeft")])
    assert np.isnan(out[:, [L.NOSE, L.LEFT_PINKY, L.LEFT_HEEL]]).all()
