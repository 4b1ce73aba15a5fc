"""UI-PRMD importer: Kinect v2 repetitions (positions + angles files) -> PoseSeries.

UI-PRMD (Vakanski et al., Data 2018) stores, per frame at 30 Hz, 22 joints x 3 values:
the waist's absolute position (cm) and, for every other joint, its offset from its parent
in the parent's local frame; the angles file holds each joint's Euler angles (degrees,
columns x, y, z). Absolute positions come from forward kinematics through the chains, as in
BVH: a joint's rotation is ``Rz(z) @ Rx(x) @ Ry(y)``, its position is its parent's position
plus the parent's accumulated rotation applied to its offset, and its accumulated rotation is
the parent's times its own. Axes: +y up, the subject faces +z, +x is the subject's left
(the team's body frame). See docs/uiprmd.md for the mapping onto BlazePose and the camera.
"""
from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracking.errors import InputError
from tracking.landmarks import NUM_LANDMARKS, Landmark
from tracking.series import PoseSeries, SeriesMeta

FPS = 30.0
NUM_JOINTS = 22

#: UI-PRMD movement number -> PhysioQuest exercise id.
UIPRMD_MOVEMENTS: dict[int, str] = {
    1: "deep_squat", 2: "hurdle_step", 3: "inline_lunge", 4: "side_lunge", 5: "sit_to_stand",
    6: "standing_straight_leg_raise", 7: "shoulder_abduction", 8: "shoulder_extension",
    9: "shoulder_internal_external_rotation", 10: "shoulder_scaption",
}

#: Kinect joint names in file order (0-based index = file joint number - 1).
JOINT_NAMES: tuple[str, ...] = (
    "waist", "spine", "chest", "neck", "head", "head_tip",
    "left_collar", "left_upper_arm", "left_forearm", "left_hand",
    "right_collar", "right_upper_arm", "right_forearm", "right_hand",
    "left_upper_leg", "left_lower_leg", "left_foot", "left_toes",
    "right_upper_leg", "right_lower_leg", "right_foot", "right_toes",
)
#: Parent of each joint (-1 for the waist): arms hang from the chest, legs from the waist.
PARENTS: tuple[int, ...] = (-1, 0, 1, 2, 3, 4, 2, 6, 7, 8, 2, 10, 11, 12, 0, 14, 15, 16, 0, 18, 19, 20)

#: BlazePose landmark <- Kinect joint index. Every other landmark is NaN (no counterpart):
#: face points, fingers and heels. A Kinect "upper arm" joint is the shoulder, "forearm"
#: the elbow, "hand" the wrist, "upper leg" the hip, "lower leg" the knee, "foot" the ankle.
BLAZEPOSE_FROM_KINECT: dict[Landmark, int] = {
    Landmark.LEFT_SHOULDER: 7, Landmark.LEFT_ELBOW: 8, Landmark.LEFT_WRIST: 9,
    Landmark.RIGHT_SHOULDER: 11, Landmark.RIGHT_ELBOW: 12, Landmark.RIGHT_WRIST: 13,
    Landmark.LEFT_HIP: 14, Landmark.LEFT_KNEE: 15, Landmark.LEFT_ANKLE: 16,
    Landmark.LEFT_FOOT_INDEX: 17,
    Landmark.RIGHT_HIP: 18, Landmark.RIGHT_KNEE: 19, Landmark.RIGHT_ANKLE: 20,
    Landmark.RIGHT_FOOT_INDEX: 21,
}

#: Default front camera for the image landmarks (see docs/uiprmd.md): a 640x480 pinhole
#: camera, 60 degrees horizontal field of view, lens 1.0 m above the floor, 3.0 m in front of
#: the point between the subject's ankles, looking horizontally at the subject.
CAMERA_WIDTH = 640
CAMERA_HEIGHT = 480
CAMERA_HFOV_DEG = 60.0
CAMERA_HEIGHT_M = 1.0
CAMERA_DISTANCE_M = 3.0

_NAME_RE = re.compile(r"^m(\d+)_s(\d+)_e(\d+)_(positions|angles)(_inc)?\.txt(\.gz)?$")


@dataclass(frozen=True)
class UiprmdFile:
    """One UI-PRMD repetition on disk."""

    positions: Path
    angles: Path
    movement: int
    subject: int
    episode: int
    correct: bool

    @property
    def exercise(self) -> str:
        return UIPRMD_MOVEMENTS.get(self.movement, f"m{self.movement:02d}")


def parse_name(path: str | Path) -> tuple[int, int, int, str, bool] | None:
    """(movement, subject, episode, kind, correct) from a UI-PRMD file name, else None."""
    m = _NAME_RE.match(Path(path).name)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5) is None


def angles_path_for(positions_path: str | Path) -> Path:
    """The angles file that belongs to a positions file (``.../Positions/x_positions`` ->
    ``.../Angles/x_angles``, or the same folder when there is no ``Angles`` sibling)."""
    p = Path(positions_path)
    name = p.name.replace("_positions", "_angles")
    sibling = p.parent.parent / "Angles" / name
    return sibling if sibling.exists() or p.parent.name == "Positions" else p.with_name(name)


def read_table(path: str | Path) -> np.ndarray:
    """A UI-PRMD file (gzipped or plain CSV) as a (T, 22, 3) float64 array."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such UI-PRMD file")
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        rows = [ln for ln in text.decode("ascii").splitlines() if ln.strip()]
        data = np.array([[float(v) for v in ln.split(",")] for ln in rows], dtype=np.float64)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise InputError(path, f"unreadable UI-PRMD file ({exc.__class__.__name__})") from None
    except ValueError:
        raise InputError(path, "not a UI-PRMD file: rows must be comma-separated numbers "
                               f"with {NUM_JOINTS * 3} columns") from None
    if data.ndim != 2 or data.shape[0] == 0 or data.shape[1] != NUM_JOINTS * 3:
        raise InputError(path, f"not a UI-PRMD file: expected rows of {NUM_JOINTS * 3} values "
                               f"(22 joints x 3), got shape {data.shape}")
    if not np.isfinite(data).all():
        raise InputError(path, "UI-PRMD file holds non-finite values")
    return data.reshape(-1, NUM_JOINTS, 3)


def euler_to_matrix(angles_deg: np.ndarray) -> np.ndarray:
    """(..., 3) Euler angles in degrees (x, y, z) -> (..., 3, 3) ``Rz(z) @ Rx(x) @ Ry(y)``."""
    a = np.radians(np.asarray(angles_deg, dtype=np.float64))
    cx, sx = np.cos(a[..., 0]), np.sin(a[..., 0])
    cy, sy = np.cos(a[..., 1]), np.sin(a[..., 1])
    cz, sz = np.cos(a[..., 2]), np.sin(a[..., 2])
    out = np.empty(a.shape[:-1] + (3, 3))
    # Closed form of Rz @ Rx @ Ry.
    out[..., 0, 0] = cz * cy - sz * sx * sy
    out[..., 0, 1] = -sz * cx
    out[..., 0, 2] = cz * sy + sz * sx * cy
    out[..., 1, 0] = sz * cy + cz * sx * sy
    out[..., 1, 1] = cz * cx
    out[..., 1, 2] = sz * sy - cz * sx * cy
    out[..., 2, 0] = -cx * sy
    out[..., 2, 1] = sx
    out[..., 2, 2] = cx * cy
    return out


def kinect_positions_cm(offsets: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Forward kinematics: (T, 22, 3) offsets (cm) + (T, 22, 3) Euler angles (degrees) ->
    (T, 22, 3) absolute joint positions in the file's frame (cm)."""
    rot = euler_to_matrix(angles)
    pos = np.empty_like(offsets, dtype=np.float64)
    acc = np.empty(offsets.shape + (3,))
    for j, parent in enumerate(PARENTS):
        if parent < 0:
            pos[:, j] = offsets[:, j]
            acc[:, j] = rot[:, j]
        else:
            pos[:, j] = pos[:, parent] + np.einsum("tij,tj->ti", acc[:, parent], offsets[:, j])
            acc[:, j] = acc[:, parent] @ rot[:, j]
    return pos


def kinect_body_positions(offsets: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """(T, 22, 3) body-frame positions in metres: +y up, faces +z, +x the subject's left,
    origin between the ankles (median over the repetition) at the height of the file's
    y = 0, which in UI-PRMD lies near the floor (ankles about 10-15 cm above it)."""
    pos = kinect_positions_cm(offsets, angles) / 100.0
    ankles = pos[:, [16, 20]].mean(axis=1)
    origin = np.median(ankles, axis=0)
    origin[1] = 0.0
    return pos - origin


def _to_blazepose(body: np.ndarray) -> np.ndarray:
    """(T, 22, 3) Kinect joints -> (T, 33, 3) BlazePose landmarks (NaN where none maps)."""
    out = np.full((body.shape[0], NUM_LANDMARKS, 3), np.nan)
    for lm, j in BLAZEPOSE_FROM_KINECT.items():
        out[:, int(lm)] = body[:, j]
    return out


def body_to_world(body33: np.ndarray) -> np.ndarray:
    """Body frame (+y up, faces +z) -> MediaPipe world landmarks: metres, origin mid-hips,
    x = body x (patient's left is image right for a front camera), y down, z away from camera."""
    mid_hip = (body33[:, int(Landmark.LEFT_HIP)] + body33[:, int(Landmark.RIGHT_HIP)]) / 2.0
    rel = body33 - mid_hip[:, None, :]
    return rel * np.array([1.0, -1.0, -1.0])


def front_camera_image(body33: np.ndarray) -> np.ndarray:
    """(T, 33, 3) body-frame points -> (T, 33, 4) image-normalised xyzv seen by the default
    front camera. z follows MediaPipe: depth relative to the mid-hips, about the scale of x,
    smaller is nearer; visibility 1 for mapped points, 0 (with NaN x, y, z) for the rest."""
    focal_px = (CAMERA_WIDTH / 2.0) / np.tan(np.radians(CAMERA_HFOV_DEG) / 2.0)
    depth = CAMERA_DISTANCE_M - body33[..., 2]  # metres in front of the lens
    u = CAMERA_WIDTH / 2.0 + focal_px * body33[..., 0] / depth
    v = CAMERA_HEIGHT / 2.0 - focal_px * (body33[..., 1] - CAMERA_HEIGHT_M) / depth
    mid_hip = (body33[:, int(Landmark.LEFT_HIP)] + body33[:, int(Landmark.RIGHT_HIP)]) / 2.0
    hip_depth = (CAMERA_DISTANCE_M - mid_hip[:, 2])[:, None]
    z = focal_px * (depth - hip_depth) / hip_depth / CAMERA_WIDTH
    vis = np.where(np.isfinite(u), 1.0, 0.0)
    return np.stack([u / CAMERA_WIDTH, v / CAMERA_HEIGHT, z, vis], axis=-1)


def load_uiprmd_repetition(positions_path: str | Path,
                           angles_path: str | Path | None = None) -> PoseSeries:
    """Read one UI-PRMD Kinect repetition as a PoseSeries (30 Hz, world + image landmarks)."""
    positions_path = Path(positions_path)
    angles_path = angles_path_for(positions_path) if angles_path is None else Path(angles_path)
    offsets = read_table(positions_path)
    angles = read_table(angles_path)
    if offsets.shape != angles.shape:
        raise InputError(angles_path, f"angles file has {angles.shape[0]} frames but the "
                                      f"positions file {positions_path.name} has {offsets.shape[0]}")
    body33 = _to_blazepose(kinect_body_positions(offsets, angles))
    parsed = parse_name(positions_path)
    extra: dict[str, object] = {"format": "ui-prmd-kinect-v2", "angles": str(angles_path)}
    if parsed:
        extra.update(movement=parsed[0], subject=parsed[1], episode=parsed[2], correct=parsed[4],
                     exercise=UIPRMD_MOVEMENTS.get(parsed[0], ""))
    meta = SeriesMeta(source=str(positions_path), fps=FPS, backend="ui-prmd-kinect",
                      model="Kinect v2 (UI-PRMD), forward kinematics", width=CAMERA_WIDTH,
                      height=CAMERA_HEIGHT, extra=extra)
    t_ms = np.arange(offsets.shape[0]) * (1000.0 / FPS)
    return PoseSeries(t_ms, front_camera_image(body33).astype(np.float32),
                      body_to_world(body33).astype(np.float32), None, meta)


def find_uiprmd_files(root: str | Path, movement: int | None = None, subject: int | None = None,
                      correct: bool | None = None) -> list[UiprmdFile]:
    """Every UI-PRMD Kinect repetition under ``root`` (the ``ui-prmd`` folder) matching the
    filters, sorted by (movement, subject, correct first, episode)."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "no such UI-PRMD folder")
    found: list[UiprmdFile] = []
    for pos in root.rglob("*_positions*.txt*"):
        parsed = parse_name(pos)
        if parsed is None or parsed[3] != "positions":
            continue
        mov, sub, ep, _, ok = parsed
        if ((movement is not None and mov != movement) or (subject is not None and sub != subject)
                or (correct is not None and ok != correct)):
            continue
        found.append(UiprmdFile(pos, angles_path_for(pos), mov, sub, ep, ok))
    found.sort(key=lambda f: (f.movement, f.subject, not f.correct, f.episode))
    return found
