"""Rendered clips of the virtual patient doing an exercise, with their ground truth.

``exercise_motion`` asks the kinematic virtual patient (``tracking.virtual_patient.generate``)
for the movement and its truth, seen by a camera; ``render_clip`` renders that movement from
the very same camera into a video file and writes ``<clip>.truth.json`` beside it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from scenes.patient.render import CameraView, PatientRenderer, write_video
from tracking.errors import InputError
from tracking.landmarks import Landmark as L

#: Hip joint centre above the seat of a sitting adult (m): where the chair's seat goes.
HIP_ABOVE_SEAT = 0.09
#: Below this seat height the patient sits on the floor: no chair is drawn.
MIN_CHAIR_HEIGHT = 0.25
#: Camera placements a clip may ask for (m): closer than 1 m a webcam sees a torso at most;
#: 8 m is past any room's back wall.
MIN_DISTANCE, MAX_DISTANCE = 1.0, 8.0
MAX_CAMERA_HEIGHT = 2.5


@dataclass(frozen=True)
class PatientMotion:
    """Body-frame points of every frame, the truth, and the camera that measured it."""

    points: np.ndarray  #: (T, 33, 3) clean body-frame landmarks
    truth: Any  #: tracking.virtual_patient.generate.Truth
    view: CameraView  #: the truth's camera, as the renderer's view
    fps: float
    seated: bool
    chair: tuple[float, float] | None  #: (seat height, seat front z) or None
    series: Any = None  #: the generator's PoseSeries: the clean landmarks seen by the camera


def parse_size(text: str) -> tuple[int, int]:
    """``"640x480"`` -> (640, 480); InputError otherwise."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(None, f"--size must look like 640x480, got {text!r}") from None
    if not (32 <= w <= 4096 and 32 <= h <= 4096):
        raise InputError(None, f"--size must be 32-4096 pixels a side, got {text!r}")
    return w, h


def exercise_motion(exercise: str, reps: int = 3, rom_deg: float | None = None,
                    view: str | None = None,
                    faults: Sequence[str] | Mapping[int, Sequence[str]] = (),
                    side: str | None = None,
                    size: tuple[int, int] = (640, 480), fps: float = 30.0,
                    tempo: Any = None, lead_in_s: float = 1.0, seed: int = 0,
                    distance: float | None = None,
                    camera_height: float | None = None) -> PatientMotion:
    """The virtual patient's movement for an exercise (see ``generate`` for the arguments).

    ``view``: front, side (the working side), left, right, oblique or None (the spec's).
    ``distance``, ``camera_height``: the camera's horizontal distance from the patient and its
    height above the floor, metres (default: ``Camera``'s, 3.2 and 1.0).
    ``faults``: names shown in every repetition, or {repetition (1-based): names}.
    """
    from tracking.exercise.library import get_spec
    from tracking.virtual_patient.camera import Camera
    from tracking.virtual_patient.generate import default_camera, generate

    spec = get_spec(exercise)
    if reps < 1:
        raise InputError(None, f"--reps must be at least 1, got {reps}")
    known = {f.name for f in spec.faults}
    named = ([n for v in faults.values() for n in v] if isinstance(faults, Mapping)
             else list(faults))
    unknown = [f for f in named if f not in known]
    if unknown:
        raise InputError(None, f"exercise {spec.id!r} has no fault {unknown[0]!r} "
                               f"(its faults: {', '.join(sorted(known)) or 'none'})")
    if rom_deg is not None and not (0 < rom_deg <= 200):
        raise InputError(None, f"--rom must be between 0 and 200 degrees, got {rom_deg}")
    if distance is not None and not (MIN_DISTANCE <= distance <= MAX_DISTANCE):
        raise InputError(None, f"--distance must be {MIN_DISTANCE:g}-{MAX_DISTANCE:g} m, "
                               f"got {distance}")
    if camera_height is not None and not (0.0 < camera_height <= MAX_CAMERA_HEIGHT):
        raise InputError(None, f"--camera-height must be above 0 and at most "
                               f"{MAX_CAMERA_HEIGHT:g} m, got {camera_height}")
    sides = {"left": ("l",), "right": ("r",)}.get(side or "", ("l",))
    base = default_camera(spec, sides, view)
    placed = {k: v for k, v in (("distance", distance), ("height", camera_height)) if v is not None}
    camera = Camera(view=base.view, width=size[0], height_px=size[1], **placed)
    try:
        series, truth = generate(spec, reps=reps, rom_deg=rom_deg, view=camera,
                            faults=faults if isinstance(faults, Mapping) else tuple(faults),
                            side=side, fps=fps, tempo=tempo, lead_in_s=lead_in_s, seed=seed)
    except ValueError as exc:
        raise InputError(None, f"virtual patient: {exc}") from None
    points = np.asarray(truth.points, np.float32)
    cam_view = CameraView(view=camera.view, distance=camera.distance, height=camera.height,
                          look_at=camera.aim_height, vfov=camera.vfov_deg)
    seated = spec.position == "seated" or spec.id == "sit_to_stand"
    chair = None
    if seated:
        p0 = points[0]
        hip = (p0[L.LEFT_HIP] + p0[L.RIGHT_HIP]) / 2
        knee_z = float(min(p0[L.LEFT_KNEE, 2], p0[L.RIGHT_KNEE, 2]))
        seat = float(hip[1]) - HIP_ABOVE_SEAT
        if seat >= MIN_CHAIR_HEIGHT:
            chair = (seat, min(knee_z - 0.08, float(hip[2]) + 0.25))
    return PatientMotion(points, truth, cam_view, float(fps), seated, chair, series)


def clean_analysis(motion: PatientMotion) -> dict[str, Any] | None:
    """The analysis (``analyze_series``) of the clean landmarks: the repetitions and ranges a
    perfect tracker would report. Comparing with it isolates rendering + tracking errors
    from how the analysis itself defines a repetition's start and range."""
    from tracking.exercise.analysis import analyze_series

    if motion.series is None:
        return None
    result = analyze_series(motion.series, motion.truth.exercise)
    return {"rep_count": result.rep_count,
            "reps": [{"index": r.index, "side": r.side, "start_s": round(r.start_s, 3),
                      "end_s": round(r.end_s, 3), "peak_deg": round(r.peak_deg, 2),
                      "rom_deg": round(r.rom_deg, 2), "unit": r.unit,
                      "faults": sorted({f.name for f in r.faults})} for r in result.reps]}


def truth_record(motion: PatientMotion, size: tuple[int, int], video: str | None = None
                 ) -> dict[str, Any]:
    """The truth JSON: the generator's truth plus the camera, image size and definitions."""
    from tracking.angles import ANGLES, SIDED
    from tracking.exercise.library import get_spec

    truth = motion.truth
    spec = get_spec(truth.exercise)
    record = truth.to_dict()
    name = spec.primary.angle
    defs = {n: ANGLES[n].description for n in (SIDED.get(name) or (name,)) if n in ANGLES}
    for rule in spec.faults:
        for n in SIDED.get(rule.angle) or (rule.angle,):
            if n in ANGLES:
                defs[n] = ANGLES[n].description
    v = motion.view
    record.update({
        "view": str(v.view), "fps": motion.fps, "width": size[0], "height": size[1],
        "frames": int(len(motion.points)), "video": video,
        "camera": {"view": v.view, "distance_m": v.distance, "height_m": v.height,
                   "look_at_m": v.look_at, "vfov_deg": v.vfov},
        "definitions": {"primary": name, "rom": "excursion of the primary angle from the "
                        "repetition's start to its peak, measured by tracking.kinematics on the "
                        "clean landmarks seen by this camera", "angles": defs},
        "chair": None if motion.chair is None else {"seat_height_m": motion.chair[0]},
        "renderer": "scenes.patient (PatientFigure, fixed-function lighting)",
        "clean_analysis": clean_analysis(motion),
    })
    return record


def render_frames(motion: PatientMotion, size: tuple[int, int], room: bool = True
                  ) -> Iterator[np.ndarray]:
    """BGR images of every frame of ``motion``."""
    with PatientRenderer(size, motion.view, room=room) as renderer:
        if motion.chair is not None:
            renderer.set_chair(*motion.chair)
        for p in motion.points:
            yield renderer.render(p)


def truth_path(video: str | Path) -> Path:
    """``clip.mp4`` -> ``clip.truth.json`` (beside it)."""
    video = Path(video)
    return video.with_name(video.stem + ".truth.json")


def render_clip(motion: PatientMotion, out: str | Path, size: tuple[int, int],
                room: bool = True) -> dict[str, Any]:
    """Render ``motion`` into the video ``out`` and its truth JSON; returns the truth record."""
    out = Path(out)
    if out.suffix.lower() not in (".mp4", ".m4v", ".mov"):
        raise InputError(out, "the clip must be an .mp4 file")
    if not out.parent.is_dir():
        raise InputError(out, "the folder to write into does not exist")
    n = write_video(render_frames(motion, size, room), out, motion.fps)
    record = truth_record(motion, size, out.name)
    record["frames"] = n
    truth_path(out).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    return record
