"""Frame sources: video files, webcams and image folders behind one small interface.

A source is opened when it is constructed (bad input fails there, as an ``InputError`` or
``CameraLost`` with a one-line message) and then read frame by frame::

    with open_source("clip.mp4") as src:      # or "0" (webcam 0), or a folder of images
        for frame in src:                      # Frame(image_bgr, t_ms, index)
            ...

``FrameSource`` is the interface every source implements (the rendered virtual patient
too): subclass it and implement ``read()`` (next ``Frame`` or ``None`` at the end) and
``close()``; set ``name``, ``fps``, ``size`` and ``is_live`` in ``__init__``.

Timestamps: files give video time (``t_ms`` of frame 0 is 0, from the container's
timestamps when they are sane, else ``index * 1000 / fps``); cameras give the monotonic
clock time of capture, in ms since the camera was opened. ``t_ms`` never decreases.
"""
from __future__ import annotations

import math
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

# FFmpeg and OpenCV print decoder chatter to stderr for damaged or absent input; we turn
# those cases into one-line errors of our own. Set these variables to see the chatter.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
import cv2  # noqa: E402

from tracking.errors import CameraLost, InputError  # noqa: E402

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
#: consecutive failed grabs after which a camera counts as lost
CAMERA_MAX_FAILED_READS = 10


@dataclass(frozen=True)
class Frame:
    """One captured image."""

    image_bgr: np.ndarray  #: (H, W, 3) uint8, BGR (OpenCV order)
    t_ms: float  #: capture time (video time for files), never decreasing
    index: int  #: 0-based frame number in its source


class FrameSource(ABC):
    """Interface of every frame source. Opened on construction; iterate or call ``read``."""

    name: str = ""  #: human-readable origin: a path, "webcam:0", "virtual-patient:squat"
    fps: float = 0.0  #: nominal frames per second (0 if unknown)
    size: tuple[int, int] = (0, 0)  #: (width, height) in pixels
    is_live: bool = False  #: True for cameras: frames arrive in real time and cannot wait

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None at the end. Raises InputError / CameraLost on failure."""

    @abstractmethod
    def close(self) -> None:
        """Release the device or file. Safe to call twice."""

    @property
    def frame_count(self) -> int | None:
        """Number of frames if known in advance (files, folders), else None."""
        return None

    def __iter__(self) -> Iterator[Frame]:
        while True:
            frame = self.read()
            if frame is None:
                return
            yield frame

    def __enter__(self) -> "FrameSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _CaptureSource(FrameSource):
    """Shared reading loop of video files and webcams (both are a cv2.VideoCapture)."""

    def __init__(self, cap: "cv2.VideoCapture", name: str) -> None:
        self._cap = cap
        self.name = name
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if math.isfinite(fps) and 0.5 < fps < 1000 else 0.0
        self.size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
                     int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0))
        self._index = 0
        self._last_t = -math.inf

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None  # type: ignore[assignment]

    def _grab(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        return image if ok and image is not None and image.size else None


class VideoFileSource(_CaptureSource):
    """Frames of a video file, stamped with video time.

    A file whose decoding stops before the frame count in its header, by more than
    ``truncation_tolerance`` frames and 2% of that count (headers of some containers
    estimate the count from the duration), raises InputError: truncated or damaged.
    """

    def __init__(self, path: str | Path, truncation_tolerance: int = 2) -> None:
        path = Path(path)
        if not path.exists():
            raise InputError(path, "no such file")
        if path.is_dir():
            raise InputError(path, "is a folder, not a video file")
        if not os.access(path, os.R_OK):
            raise InputError(path, "cannot read the file (permission denied)")
        if path.stat().st_size == 0:
            raise InputError(path, "the file is empty")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            cap.release()
            raise InputError(path, "not a video file OpenCV can decode (wrong format or damaged)")
        super().__init__(cap, str(path))
        self.path = path
        header_count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self._header_count = header_count if header_count > 0 else None
        self._tolerance = truncation_tolerance
        self._t0: float | None = None
        self._first = self._grab()
        if self._first is None:
            self.close()
            raise InputError(path, "no frame could be decoded (not a video, or damaged)")
        if self.fps == 0.0:
            self.fps = 30.0  # containers without a rate: assume the usual camera rate
        h, w = self._first.shape[:2]
        self.size = (w, h)

    @property
    def frame_count(self) -> int | None:
        return self._header_count

    def _video_time(self) -> float:
        """Video time of the frame just decoded: container pts if sane, else index / fps."""
        period = 1000.0 / self.fps
        pos = float(self._cap.get(cv2.CAP_PROP_POS_MSEC)) if self._cap is not None else math.nan
        if self._t0 is None:
            self._t0 = pos if math.isfinite(pos) and pos >= 0 else 0.0
        t = pos - self._t0
        if self._index == 0:
            return 0.0
        if not (math.isfinite(t) and t > self._last_t):
            t = self._last_t + period  # missing or non-increasing pts: step one period
        return t

    def read(self) -> Frame | None:
        if self._first is not None:
            image, self._first = self._first, None
        else:
            image = self._grab()
        if image is None:
            if (self._cap is not None and self._header_count is not None
                    and self._index < self._header_count
                    - max(self._tolerance, 0.02 * self._header_count)):
                n = self._index
                self.close()
                raise InputError(self.path, f"video is truncated or damaged: decoding stopped after "
                                            f"{n} of {self._header_count} frames")
            return None
        t = self._video_time()
        frame = Frame(image, t, self._index)
        self._last_t = t
        self._index += 1
        return frame


class WebcamSource(_CaptureSource):
    """Frames of a camera, stamped with the monotonic clock (ms since the camera opened).

    Cannot open, or stops delivering (``CAMERA_MAX_FAILED_READS`` failed grabs in a
    row): ``CameraLost``. The caller may go on without the camera.
    """

    is_live = True

    def __init__(self, index: int = 0, width: int | None = None, height: int | None = None) -> None:
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            cap.release()
            raise CameraLost(f"camera {index} could not be opened (is it connected, and not "
                             f"used by another program?)")
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        super().__init__(cap, f"webcam:{index}")
        self.camera_index = index
        self._opened_at = time.monotonic()

    def read(self) -> Frame | None:
        if self._cap is None:
            return None
        for _ in range(CAMERA_MAX_FAILED_READS):
            image = self._grab()
            if image is not None:
                t = max((time.monotonic() - self._opened_at) * 1000.0, self._last_t)
                if self.size == (0, 0):
                    self.size = (image.shape[1], image.shape[0])
                frame = Frame(image, t, self._index)
                self._last_t = t
                self._index += 1
                return frame
            time.sleep(0.01)
        self.close()
        raise CameraLost(f"camera {self.camera_index} stopped delivering frames "
                         f"(unplugged or taken by another program?)")


class ImageFolderSource(FrameSource):
    """The images of a folder (png, jpg, bmp) in name order, played at ``fps``."""

    def __init__(self, folder: str | Path, fps: float = 30.0) -> None:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(folder, "no such folder")
        if fps <= 0:
            raise InputError(folder, f"frame rate must be positive, got {fps}")
        self._files = sorted(p for p in folder.iterdir()
                             if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise InputError(folder, f"no images ({', '.join(IMAGE_SUFFIXES)}) in the folder")
        self.name = str(folder)
        self.fps = float(fps)
        first = self._load(self._files[0])
        self.size = (first.shape[1], first.shape[0])
        self._index = 0

    @staticmethod
    def _load(path: Path) -> np.ndarray:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise InputError(path, "not an image OpenCV can decode (wrong format or damaged)")
        return image

    @property
    def frame_count(self) -> int | None:
        return len(self._files)

    def read(self) -> Frame | None:
        if self._index >= len(self._files):
            return None
        frame = Frame(self._load(self._files[self._index]), self._index * 1000.0 / self.fps,
                      self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._index = len(self._files)


class MemorySource(FrameSource):
    """Frames held in memory (pre-decoded clips for benchmarks and tests)."""

    def __init__(self, images: Sequence[np.ndarray], fps: float, name: str = "memory") -> None:
        if not images:
            raise InputError(None, f"{name}: no frames")
        self._images = list(images)
        self.name, self.fps = name, float(fps)
        self.size = (self._images[0].shape[1], self._images[0].shape[0])
        self._index = 0

    @property
    def frame_count(self) -> int | None:
        return len(self._images)

    def read(self) -> Frame | None:
        if self._index >= len(self._images):
            return None
        frame = Frame(self._images[self._index], self._index * 1000.0 / self.fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._index = len(self._images)


def open_source(spec: str | Path, fps: float = 30.0) -> FrameSource:
    """``"0"``, ``"1"``... -> webcam; a folder -> its images at ``fps``; else a video file."""
    text = str(spec)
    if text.isdigit():
        return WebcamSource(int(text))
    if Path(text).is_dir():
        return ImageFolderSource(text, fps)
    return VideoFileSource(text)
