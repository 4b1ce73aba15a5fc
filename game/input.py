"""Input choice and landmark feeds. A feed is polled once per rendered frame and never blocks.

- ``--demo``: the virtual patient (``DemoFeed``), paced by the game clock, playing along
  with what the game asks (stand, exercise, answer the pain check-in, leave the frame).
- ``--video FILE`` / ``--camera N`` / default webcam: the live tracking pipeline.
- No camera and no ``--demo``: a PhysioQuestError that says so and offers the demo.
"""
from __future__ import annotations

import functools
import glob
import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from game.config import GameConfig
from game.demo_body import draw_camera_image
from game.gestures import pain_from_hand
from tracking.errors import InputError, PhysioQuestError
from tracking.series import PoseFrame


@dataclass(frozen=True)
class FeedSample:
    frame: PoseFrame | None  #: newest landmarks (None: nothing yet)
    image: np.ndarray | None = None  #: newest camera picture, RGB uint8, for the inset


class Feed(Protocol):
    name: str
    is_demo: bool
    backend: str  #: the pose backend of its frames (``SeriesMeta.backend``)
    size: tuple[int, int]  #: the camera picture's size in pixels (0, 0 if unknown)

    def latest(self, t_s: float) -> FeedSample: ...

    def close(self) -> None: ...


# -- the demo patient ---------------------------------------------------------------------
@dataclass(frozen=True)
class Activity:
    """What the demo patient does. kind: stand, exercise, pain, hands_up, leave."""
    kind: str = "stand"
    exercise: str = ""
    value: int = 0  #: pain number to show (kind == "pain")
    side: str | None = None  #: the working side of a "both" exercise
    fault_every: int = 3  #: every n-th repetition shows the spec's first fault (0: never)
    reps: int = 6  #: repetitions generated (then the movement repeats)


def _smooth(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


HANDS_UP = {"shoulder_abduction": 170.0, "elbow_flexion": 90.0, "shoulder_rotation": 90.0}


class DemoPatient:
    """The kinematic body and front camera: poses for the demo's gestures and the
    generated exercise movements (cached per exercise, side and faults)."""

    def __init__(self) -> None:
        from tracking.virtual_patient.body import BodyShape
        from tracking.virtual_patient.camera import Camera
        self.body = BodyShape()
        self.camera = Camera(view="front")
        self._moves: dict[tuple, Any] = {}

    def points(self, dofs: dict[str, float]) -> np.ndarray:
        from tracking.virtual_patient.body import pose_landmarks
        return pose_landmarks({k: np.array([v], float) for k, v in dofs.items()}, self.body)[0]

    def frame(self, points: np.ndarray, t_s: float, index: int) -> PoseFrame:
        pts = points[None]
        return PoseFrame(t_s * 1000.0, self.camera.project(pts)[0].astype(np.float32),
                         self.camera.world_landmarks(pts)[0].astype(np.float32), 0, index)

    def movement(self, a: Activity) -> Any:
        """(PoseSeries, Truth) of the generator for the activity's exercise."""
        key = (a.exercise, a.side, a.fault_every, a.reps)
        if key not in self._moves:
            from tracking.exercise.library import get_spec
            from tracking.virtual_patient.generate import generate
            spec = get_spec(a.exercise)
            faults: dict[int, list[str]] = {}
            if a.fault_every > 0 and spec.faults:
                faults = {k: [spec.faults[0].name] for k in range(1, a.reps + 1)
                          if k % a.fault_every == 0}
            self._moves[key] = generate(spec, reps=a.reps, side=a.side, faults=faults)
        return self._moves[key]

    @staticmethod
    def pain_angle(value: int) -> float:
        """Right arm abduction at which ``pain_from_hand`` reads ``value``."""
        return _pain_angle(int(value))


@functools.lru_cache(maxsize=16)
def _pain_angle(value: int) -> float:
    vp = DemoPatient()
    best, err = 30.0, 99
    for ang in range(30, 181, 2):
        got = pain_from_hand(vp.camera.project(vp.points({"shoulder_abduction_r": ang})[None])[0])
        if got is not None and abs(got - value) < err:
            best, err = float(ang), abs(got - value)
    return best


class DemoFeed:
    """The virtual patient as a feed; ``set_activity`` tells it what to do from now on."""

    name = "virtual patient"
    is_demo = True
    backend = "virtual-patient"  #: exact 3D points: faults are judged from any view
    size = (640, 480)  #: the camera (and generator) picture size

    def __init__(self, image_size: tuple[int, int] = (192, 108), image_every_s: float = 0.1) -> None:
        self.patient = DemoPatient()
        self.activity = Activity()
        self._since = 0.0
        self._image_size = image_size
        self._image_every = image_every_s
        self._last_image: tuple[float, np.ndarray] | None = None
        self._index = 0
        self.points: np.ndarray | None = None  #: body-frame points of the newest frame
        self.renderer: Any = None  #: the PatientInset: the camera picture shows a person

    def set_activity(self, activity: Activity, t_s: float) -> None:
        if activity != self.activity:
            self.activity, self._since = activity, t_s

    def frame_at(self, t_s: float) -> PoseFrame:
        a, t, vp = self.activity, t_s - self._since, self.patient
        self._index += 1
        sway = {"trunk_lateral_lean": 1.0 * math.sin(t * 1.3)}
        if a.kind == "exercise":
            series, truth = vp.movement(a)
            i = int(t * series.fps) % len(series)
            f = series[i]
            self.points = truth.points[i]
            return PoseFrame(t_s * 1000.0, f.xyzv, f.world, f.flags, self._index)
        if a.kind == "leave":
            dofs = {"root_x": 0.8 * t}
            if dofs["root_x"] > 2.2:
                self.points = None
                return PoseFrame.missing(t_s * 1000.0, self._index)
        elif a.kind == "hands_up":
            k = _smooth(t / 0.8)
            dofs = {f"{n}_{s}": v * k for n, v in HANDS_UP.items() for s in "lr"}
        elif a.kind == "pain":
            dofs = {"shoulder_abduction_r": vp.pain_angle(a.value) * _smooth(t / 1.0)}
        else:
            dofs = sway
        self.points = vp.points(dofs)
        return vp.frame(self.points, t_s, self._index)

    def latest(self, t_s: float) -> FeedSample:
        frame = self.frame_at(t_s)
        if self._last_image is None or t_s - self._last_image[0] >= self._image_every:
            w, h = self._image_size
            if self.renderer is not None and self.points is not None:
                self.renderer.pose(self.points)  # drawn with the next game frame
                img = self.renderer.image_rgb()
                if img is not None:
                    self._last_image = (t_s, img)
                    return FeedSample(frame, img)
            xyzv = frame.xyzv if self.activity.kind != "exercise" else None
            if xyzv is None and frame.world is not None:  # show the movement from the front
                xyzv = self.patient.camera.project(
                    (frame.world * np.array([1, -1, -1], np.float32))[None]
                    + np.array([0, 0.95, 0], np.float32))[0]
            self._last_image = (t_s, draw_camera_image(xyzv if frame.detected else None, w, h))
        return FeedSample(frame, self._last_image[1])

    def close(self) -> None:
        pass


# -- live input ---------------------------------------------------------------------------
def cameras_present() -> list[str]:
    """Video capture devices this machine shows (Linux: /dev/video*)."""
    return sorted(glob.glob("/dev/video*"))


class LiveFeed:
    """The live tracking pipeline (``LivePipeline``: capture and pose inference on
    their own threads; ``latest()`` never blocks). A frame is handed on once; between new
    results the sample's frame is None (no news) and the last picture stays.
    Inference runs at a lower CPU priority so that rendering stays fluid on a machine
    with few cores (bench/render.py measures the effect)."""

    is_demo = False
    INFERENCE_NICE = 10
    backend = "mediapipe-pose"  #: the pipeline's pose backend (LivePipeline.open's default)

    def __init__(self, spec: str, name: str) -> None:
        from tracking.live import LivePipeline
        self.name = name
        self._pipe = LivePipeline.open(spec, inference_nice=self.INFERENCE_NICE)
        self.size = tuple(self._pipe.source.size)
        self._image: np.ndarray | None = None
        self._pipe.start()

    @property
    def status(self) -> str:
        return self._pipe.stats().status

    @property
    def ended(self) -> bool:
        """The video ended, or the camera was lost."""
        st = self.status
        return st in ("ended", "stopped") or st.startswith(("camera lost", "error"))

    def latest(self, t_s: float) -> FeedSample:
        res = self._pipe.latest()
        if res is None:
            return FeedSample(None, self._image)
        if res.image_bgr is not None:
            img = res.image_bgr[::4, ::4, ::-1]  # small RGB copy for the inset
            self._image = np.ascontiguousarray(img)
        return FeedSample(res.pose, self._image)

    def close(self) -> None:
        self._pipe.stop()


def open_feed(config: GameConfig) -> Feed:
    """The feed the configuration asks for, or a PhysioQuestError in plain words."""
    if config.input == "demo":
        return DemoFeed()
    if config.input == "video" or config.video:
        if not config.video:
            raise InputError(None, "--video needs a file")
        from pathlib import Path
        if not Path(config.video).is_file():
            raise InputError(config.video, "no such video file")
        return LiveFeed(config.video, f"video {Path(config.video).name}")
    if config.input == "auto" and not cameras_present():
        raise PhysioQuestError("no camera found on this machine. Connect a webcam, or play "
                               "with the virtual patient: physioquest play --demo")
    return LiveFeed(str(config.camera), f"camera {config.camera}")
