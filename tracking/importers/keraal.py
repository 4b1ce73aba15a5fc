"""KERAAL importer (Nguyen et al., IJCNN 2024; BSD-2-Clause): BlazePose JSON and Kinect text.

Two of KERAAL's five skeleton formats are read (see docs/virtual-patient.md, "KERAAL"):

- **BlazePose** (``*-BP-*.json``): ``{"positions": {"<frame>.0": {"Left_shoulder": [x, y, z]}}}``.
  These are MediaPipe *image* landmarks: x, y normalised to the video frame (y down), z
  MediaPipe's relative depth. They go into ``xyzv`` unchanged; visibility is not in the file
  and is set to 1. There are no world landmarks (``world`` is None): MediaPipe's image depth
  is too coarse to make metres from (the thigh-shank angle it gives is off by 50+ degrees
  against the Kinect recorded at the same time). Assumed, not stated by the files: 30 fps
  and a 16:9 frame (1920x1080): with 16:9 the shoulder-width to trunk-length ratio agrees
  with the Kinect recorded at the same time within 17% on the three samples (the video
  camera stands elsewhere), with 4:3 it is 30-37% off.
- **Kinect v2** (``*-Kinect-*.txt``): per row 25 joints x (x, y, z, qx, qy, qz, qw), metres
  in the sensor's camera space (+x the sensor's left, +y up, +z away from the sensor), 30 Hz.
  World landmarks are those points seen from the sensor itself (MediaPipe axes: x image
  right, y down, z away from the camera, origin mid-hip); image landmarks are their pinhole
  projection through a 512x424 camera at the sensor with the Kinect v2 depth camera's focal
  length (365 px). Landmarks the Kinect lacks (face, pinkies, heels) are NaN.

OpenPose, AlphaPose (2D, another normalisation: they come out mirrored against the
BlazePose files) and Vicon (marker targets, not joints) are rejected with an InputError.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tracking.errors import InputError
from tracking.importers.skeletons import (BLAZEPOSE_FROM_KINECT_V2, KERAAL_BLAZEPOSE_NAMES,
                                          KINECT_V2_JOINTS, map_skeleton)
from tracking.landmarks import NUM_LANDMARKS, Landmark as L
from tracking.series import PoseSeries, SeriesMeta

FPS = 30.0
BP_WIDTH, BP_HEIGHT = 1920, 1080  # assumed (see the module docstring)
KINECT_WIDTH, KINECT_HEIGHT, KINECT_FOCAL_PX = 512, 424, 365.0
_KINECT_COLS = len(KINECT_V2_JOINTS) * 7


def load_keraal(path: str | Path) -> PoseSeries:
    """Read one KERAAL skeleton file (BlazePose JSON or Kinect text) as a PoseSeries."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such KERAAL file")
    if path.suffix.lower() == ".json":
        return _load_blazepose(path)
    if path.suffix.lower() == ".txt":
        return _load_kinect(path)
    raise InputError(path, "not a KERAAL skeleton file (expected a BlazePose .json or a Kinect .txt)")


def _meta(path: Path, fmt: str, width: int, height: int, model: str, **extra: object) -> SeriesMeta:
    ex = "-".join(p for p in ("CTK", "ELK", "RTK") if f"-{p}-" in path.name or f"_{p}_" in path.name)
    return SeriesMeta(source=str(path), fps=FPS, backend=f"keraal-{fmt}", model=model,
                      width=width, height=height,
                      extra={"format": f"keraal-{fmt}", "keraal_exercise": ex, **extra})


def _load_blazepose(path: Path) -> PoseSeries:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"unreadable KERAAL JSON ({exc.__class__.__name__})") from None
    frames = data.get("positions") if isinstance(data, dict) else None
    if not isinstance(frames, dict) or not frames:
        raise InputError(path, 'not a KERAAL skeleton file: no "positions" frames')
    try:
        numbers = {k: int(round(float(k))) for k in frames}
    except ValueError:
        raise InputError(path, "KERAAL frame keys must be frame numbers") from None
    first = next(iter(frames.values()))
    if not isinstance(first, dict) or "Left_shoulder" not in first:
        names = ", ".join(list(first)[:3]) if isinstance(first, dict) else "?"
        raise InputError(path, "not a KERAAL BlazePose file (joints named like "
                               f"{names}); only the BlazePose (-BP-) and Kinect files are supported")
    lo, hi = min(numbers.values()), max(numbers.values())
    xyzv = np.full((hi - lo + 1, NUM_LANDMARKS, 4), np.nan, np.float32)
    for key, joints in frames.items():
        if not isinstance(joints, dict):
            raise InputError(path, f"frame {key}: expected a dict of joints")
        row = xyzv[numbers[key] - lo]
        for name, value in joints.items():
            lm = KERAAL_BLAZEPOSE_NAMES.get(name)
            if lm is None:
                raise InputError(path, f"frame {key}: unknown BlazePose joint {name!r}")
            if (not isinstance(value, list) or len(value) != 3
                    or not all(isinstance(v, (int, float)) for v in value)):
                raise InputError(path, f"frame {key}, {name}: expected [x, y, z] numbers")
            row[lm, :3] = value
            row[lm, 3] = 1.0
    t_ms = np.arange(xyzv.shape[0]) * 1000.0 / FPS
    meta = _meta(path, "blazepose", BP_WIDTH, BP_HEIGHT, "BlazePose (KERAAL), image landmarks",
                 first_frame=lo, assumed=["fps", "width", "height", "visibility"])
    return PoseSeries(t_ms, xyzv, None, None, meta)


def read_kinect(path: str | Path) -> np.ndarray:
    """A KERAAL Kinect file as (T, 25, 3) positions in the sensor's camera space (metres);
    joints reported at exactly (0, 0, 0) (not tracked) are NaN."""
    path = Path(path)
    try:
        rows = [ln.split() for ln in path.read_text(encoding="ascii").splitlines() if ln.strip()]
        data = np.array([[float(v) for v in r] for r in rows], dtype=np.float64)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"unreadable KERAAL Kinect file ({exc.__class__.__name__})") from None
    except ValueError:
        raise InputError(path, "not a KERAAL Kinect file: rows must be numbers "
                               f"({_KINECT_COLS} per row)") from None
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] != _KINECT_COLS:
        got = data.shape[1] if data.ndim == 2 and data.size else 0
        hint = " (a Vicon file? only Kinect and BlazePose are supported)" if got == 119 else ""
        raise InputError(path, f"not a KERAAL Kinect file: expected {_KINECT_COLS} values per row "
                               f"(25 joints x 7), got {got}{hint}")
    pos = data.reshape(-1, len(KINECT_V2_JOINTS), 7)[:, :, :3].copy()
    pos[np.all(pos == 0.0, axis=-1)] = np.nan
    if not np.isfinite(pos).any():
        raise InputError(path, "KERAAL Kinect file has no tracked joints")
    return pos


def kinect_to_body(cam: np.ndarray) -> np.ndarray:
    """Kinect camera space -> the team's body frame for a subject facing the sensor
    (turned 180 degrees about y: +x the subject's left, faces +z), origin on the floor level
    of the lowest foot point, between the ankles (median over the take)."""
    body = cam * np.array([-1.0, 1.0, -1.0])
    feet = body[:, [KINECT_V2_JOINTS.index(n) for n in ("AnkleLeft", "AnkleRight")]]
    origin = np.nanmedian(feet.reshape(-1, 3), axis=0)
    soles = body[:, [KINECT_V2_JOINTS.index(n) for n in ("FootLeft", "FootRight")], 1]
    origin[1] = np.nanpercentile(soles, 5) - 0.03  # the Foot joint sits ~3 cm above the floor
    return body - origin


def _load_kinect(path: Path) -> PoseSeries:
    cam = map_skeleton(read_kinect(path), BLAZEPOSE_FROM_KINECT_V2)  # (T, 33, 3)
    # Camera axes as MediaPipe: x image right (= -Kinect x), y down, z away from the sensor.
    mp_cam = cam * np.array([-1.0, -1.0, 1.0])
    mid = (mp_cam[:, L.LEFT_HIP] + mp_cam[:, L.RIGHT_HIP]) / 2.0
    world = mp_cam - mid[:, None, :]
    depth = mp_cam[..., 2]
    u = (KINECT_FOCAL_PX * mp_cam[..., 0] / depth + KINECT_WIDTH / 2.0) / KINECT_WIDTH
    v = (KINECT_FOCAL_PX * mp_cam[..., 1] / depth + KINECT_HEIGHT / 2.0) / KINECT_HEIGHT
    z = (depth - mid[:, 2:3]) * KINECT_FOCAL_PX / mid[:, 2:3] / KINECT_WIDTH
    vis = np.where(np.isfinite(u), 1.0, np.nan)
    xyzv = np.stack([u, v, z, vis], axis=-1)
    t_ms = np.arange(cam.shape[0]) * 1000.0 / FPS
    meta = _meta(path, "kinect", KINECT_WIDTH, KINECT_HEIGHT,
                 "Kinect v2 (KERAAL), projected at the sensor", focal_px=KINECT_FOCAL_PX)
    return PoseSeries(t_ms, xyzv.astype(np.float32), world.astype(np.float32), None, meta)
