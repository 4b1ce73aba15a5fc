"""MediaPipe BlazePose (``mp.solutions.pose``) as a PoseBackend. Runs offline: the full
model (``model_complexity=1``) ships inside the mediapipe 0.10.21 wheel.

One instance follows one person through one source: make a fresh one per clip or camera
(a reused tracker keeps looking for the previous clip's person and can find nobody).
MediaPipe's own landmark smoothing stays on (its default); ``tracking.filters`` adds our
One Euro filter, gating and person-switch detection on top.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Iterator

import numpy as np

from tracking.backends.base import BackendBase
from tracking.landmarks import NUM_LANDMARKS
from tracking.series import PoseFrame

_MODEL_NAMES = {0: "blazepose-lite", 1: "blazepose-full", 2: "blazepose-heavy"}


class MediaPipePoseBackend(BackendBase):
    """BlazePose landmarks (image-normalised xyz + visibility) and world landmarks (metres)."""

    name = "mediapipe-pose"

    def __init__(self, model_complexity: int = 1, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5, smooth_landmarks: bool = True,
                 static_image_mode: bool = False) -> None:
        import mediapipe as mp  # heavy import, only when a backend is made

        self.model = (f"{_MODEL_NAMES.get(model_complexity, model_complexity)} "
                      f"(complexity {model_complexity}, mediapipe {mp.__version__})")
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static_image_mode, model_complexity=model_complexity,
            smooth_landmarks=smooth_landmarks, enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence)

    def process(self, image_bgr: np.ndarray, t_ms: float, index: int = -1) -> PoseFrame:
        if self._pose is None:
            raise RuntimeError("MediaPipePoseBackend used after close()")
        import cv2

        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return PoseFrame.missing(t_ms, index)
        xyzv = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark],
                        np.float32).reshape(NUM_LANDMARKS, 4)
        world = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
        if result.pose_world_landmarks is not None:
            world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark],
                             np.float32).reshape(NUM_LANDMARKS, 3)
        return PoseFrame(float(t_ms), xyzv, world, 0, index)

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence MediaPipe's C++ log lines (TFLite, glog) on file descriptor 2 while Python's
    ``sys.stderr`` (errors, progress bar) still reaches the terminal. Used by the CLI;
    set ``PHYSIOQUEST_NATIVE_LOGS=1`` to see the native lines. No-op when stderr is not a
    real file (e.g. captured by a test)."""
    try:
        if os.environ.get("PHYSIOQUEST_NATIVE_LOGS") or sys.stderr.fileno() != 2:
            raise ValueError
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        yield
        return
    old = sys.stderr
    old.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = open(saved, "w", buffering=1, encoding=old.encoding or "utf-8",
                      errors="backslashreplace", closefd=False)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = old
        os.dup2(saved, 2)
        os.close(saved)
