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
from game.demo_body import BodyPose, body_points, draw_camera_image, to_frame
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

    def latest(self, t_s: float) -> FeedSample: ...

    def close(self) -> None: ...


# -- the demo patient ---------------------------------------------------------------------
@dataclass(frozen=True)
class Activity:
    """What the demo patient does. kind: stand, exercise, pain, hands_up, leave."""
    kind: str = "stand"
    exercise: str = ""
    value: int = 0  #: pain number to show (kind == "pain")
    rep_period_s: float = 3.2
    fault_every: int = 3  #: every n-th repetition shows a form fault (0: never)


def _smooth(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


def _rep_phase(t: float, period: float) -> tuple[int, float]:
    """(repetition number, 0..1 of the way up) for a rise-hold-lower-rest cycle."""
    n, u = divmod(t, period)
    up, hold, down = 0.3, 0.35, 0.25
    if u < period * up:
        k = _smooth(u / (period * up))
    elif u < period * (up + hold):
        k = 1.0
    elif u < period * (up + hold + down):
        k = 1.0 - _smooth((u - period * (up + hold)) / (period * down))
    else:
        k = 0.0
    return int(n), k


@functools.lru_cache(maxsize=16)
def _arm_for_pain(value: int) -> float:
    """Arm abduction (degrees) at which ``pain_from_hand`` reads ``value``."""
    best, err = 10.0, 99
    for ang in range(20, 181, 2):
        got = pain_from_hand(to_frame(body_points(BodyPose(arm_right=ang)), 0.0).xyzv)
        if got is not None and abs(got - value) < err:
            best, err = float(ang), abs(got - value)
    return best


class DemoFeed:
    """The virtual patient as a feed; ``set_activity`` tells it what to do from now on."""

    name = "virtual patient"
    is_demo = True

    def __init__(self, image_size: tuple[int, int] = (192, 108), image_every_s: float = 0.1) -> None:
        self.activity = Activity()
        self._since = 0.0
        self._image_size = image_size
        self._image_every = image_every_s
        self._last_image: tuple[float, np.ndarray] | None = None
        self._index = 0

    def set_activity(self, activity: Activity, t_s: float) -> None:
        if activity != self.activity:
            self.activity, self._since = activity, t_s

    def pose(self, t_s: float) -> BodyPose | None:
        a, t = self.activity, t_s - self._since
        breathe = 0.01 * math.sin(t * 1.3)
        if a.kind == "leave":
            x = min(3.0, 0.8 * t)
            return None if x > 2.0 else BodyPose(x=x)
        if a.kind == "hands_up":
            k = _smooth(t / 0.8)
            return BodyPose(arm_left=10 + 155 * k, arm_right=10 + 155 * k, elbow_left=40 * k,
                            elbow_right=40 * k, sway=breathe)  # hands together overhead
        if a.kind == "pain":
            k = _smooth(t / 1.0)
            return BodyPose(arm_right=10 + (_arm_for_pain(a.value) - 10) * k, sway=breathe)
        if a.kind == "exercise":
            n, k = _rep_phase(t, a.rep_period_s)
            faulty = a.fault_every > 0 and n % a.fault_every == a.fault_every - 1
            if a.exercise == "squat":
                return BodyPose(knee=5 + 80 * k, lean=(14 * k if faulty else 0.0))
            bend = 60 * k if faulty else 0.0
            arm = 12 + 150 * k
            return BodyPose(arm_left=arm, arm_right=arm, elbow_left=bend, elbow_right=bend,
                            sway=breathe)
        return BodyPose(sway=breathe)

    def latest(self, t_s: float) -> FeedSample:
        self._index += 1
        pose = self.pose(t_s)
        frame = PoseFrame.missing(t_s * 1000.0, self._index) if pose is None else \
            to_frame(body_points(pose), t_s * 1000.0, self._index)
        if self._last_image is None or t_s - self._last_image[0] >= self._image_every:
            w, h = self._image_size
            self._last_image = (t_s, draw_camera_image(frame.xyzv if frame.detected else None, w, h))
        return FeedSample(frame, self._last_image[1])

    def close(self) -> None:
        pass


# -- live input ---------------------------------------------------------------------------
def cameras_present() -> list[str]:
    """Video capture devices this machine shows (Linux: /dev/video*)."""
    return sorted(glob.glob("/dev/video*"))


class LiveFeed:
    """Adapter around the live tracking pipeline (``tracking.live.LivePipeline``)."""

    is_demo = False

    def __init__(self, spec: str, name: str) -> None:
        try:
            from tracking.live import LivePipeline  # type: ignore[import-not-found]
        except ImportError:
            raise PhysioQuestError(
                "live tracking (tracking.live) is not installed in this build; "
                "try the demo: physioquest play --demo") from None
        self.name = name
        self._pipe: Any = LivePipeline.open(spec) if hasattr(LivePipeline, "open") else LivePipeline(spec)
        if hasattr(self._pipe, "start"):
            self._pipe.start()

    def latest(self, t_s: float) -> FeedSample:
        res = self._pipe.latest()
        if res is None:
            return FeedSample(None, None)
        frame = getattr(res, "pose", None) or getattr(res, "frame", None)
        img = getattr(res, "image_rgb", None)
        if img is None and getattr(res, "image_bgr", None) is not None:
            img = res.image_bgr[..., ::-1]
        return FeedSample(frame if isinstance(frame, PoseFrame) else None, img)

    def close(self) -> None:
        close = getattr(self._pipe, "close", None) or getattr(self._pipe, "stop", None)
        if close:
            close()


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
