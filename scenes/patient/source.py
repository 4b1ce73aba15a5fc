"""``RenderedPatientSource``: the rendered virtual patient as a FrameSource (a camera stand-in).

Frames are rendered on demand from body-frame landmark points (T, 33, 3). OpenGL contexts
belong to one thread, while pipelines read sources from their own threads (the offline
decoder thread, a game's tracking thread); so a source without ``base`` renders on a
private worker thread that owns its own Panda3D engine, and ``read()`` may be called from
any thread. Given a ShowBase (``base=``), it instead pre-renders every frame at
construction, in the calling (main) thread, into an offscreen buffer of that ShowBase, and
``read()`` serves the images from memory: a game never runs a second engine.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Any

import numpy as np

from scenes.patient.figure import Palette
from scenes.patient.render import CameraView, PatientRenderer
from tracking.errors import InputError
from tracking.sources import Frame, FrameSource


class _RenderWorker:
    """A thread owning a PatientRenderer; ``render(points)`` waits for the image."""

    def __init__(self, size: tuple[int, int], view: CameraView, room: bool, palette: Palette,
                 chair: tuple[float, float] | None = None) -> None:
        self._jobs: "queue.Queue[Any]" = queue.Queue()
        self._results: "queue.Queue[Any]" = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(size, view, room, palette, chair),
                                        name="physioquest-patient-render", daemon=True)
        self._thread.start()
        ready = self._results.get()
        if isinstance(ready, BaseException):
            raise ready

    def _run(self, size, view, room, palette, chair) -> None:
        try:
            renderer = PatientRenderer(size, view, room=room, palette=palette)
            renderer.set_chair(*(chair or (None,)))
        except BaseException as exc:  # handed to the constructor's thread
            self._results.put(exc)
            return
        self._results.put(True)
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                try:
                    self._results.put(renderer.render(job))
                except BaseException as exc:
                    self._results.put(exc)
        finally:
            renderer.close()

    def render(self, points: np.ndarray) -> np.ndarray:
        self._jobs.put(points)
        image = self._results.get()
        if isinstance(image, BaseException):
            raise image
        return image

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)


class RenderedPatientSource(FrameSource):
    """Rendered frames of the figure posed from ``points`` (T, 33, 3) in the body frame.

    ``fps``: frame rate and time base (``t_ms = index * 1000 / fps``). ``loop``: start over
    at the end (an endless demo camera). ``realtime``: ``read()`` waits until each frame is
    due, like a camera (then ``is_live`` is True and timestamps are the monotonic clock's).
    ``base``: a ShowBase to pre-render in (see the module docstring). ``truth``: anything the
    caller wants to keep with the source (the generator's ground truth).
    """

    def __init__(self, points: np.ndarray, fps: float = 30.0, view: CameraView = CameraView(),
                 size: tuple[int, int] = (640, 480), name: str = "rendered-patient",
                 loop: bool = False, realtime: bool = False, room: bool = True,
                 palette: Palette = Palette(), base=None, truth: Any = None,
                 chair: tuple[float, float] | None = None) -> None:
        pts = np.asarray(points, np.float32)
        if pts.ndim != 3 or pts.shape[1:] != (33, 3) or len(pts) == 0:
            raise InputError(None, f"{name}: points must have shape (T, 33, 3), got {pts.shape}")
        if not np.isfinite(pts).all():
            raise InputError(None, f"{name}: points must be finite")
        if fps <= 0:
            raise InputError(None, f"{name}: frame rate must be positive, got {fps}")
        self._points = pts
        self.name, self.fps, self.size = name, float(fps), (int(size[0]), int(size[1]))
        self.is_live = bool(realtime)
        self.view, self.truth, self.chair = view, truth, chair
        self._loop = loop
        self._index = 0
        self._closed = False
        self._started: float | None = None
        self._images: list[np.ndarray] | None = None
        self._worker: _RenderWorker | None = None
        if base is not None:
            renderer = PatientRenderer(self.size, view, room=room, palette=palette, base=base)
            renderer.set_chair(*(chair or (None,)))
            try:
                self._images = [renderer.render(p) for p in pts]
            finally:
                renderer.close()
        else:
            self._worker = _RenderWorker(self.size, view, room, palette, chair)

    @classmethod
    def for_exercise(cls, exercise: str, reps: int = 3, rom_deg: float | None = None,
                     view: str | None = None, faults: tuple[str, ...] = (),
                     side: str | None = None, size: tuple[int, int] = (640, 480),
                     fps: float = 30.0, tempo: Any = None, lead_in_s: float = 1.0,
                     loop: bool = False, realtime: bool = False, room: bool = True,
                     base=None, distance: float | None = None,
                     camera_height: float | None = None) -> "RenderedPatientSource":
        """The virtual patient doing an exercise (``scenes.patient.clip.exercise_motion``);
        ``.truth`` holds the generator's Truth and ``.chair`` the chair drawn, if any."""
        from scenes.patient.clip import exercise_motion

        motion = exercise_motion(exercise, reps=reps, rom_deg=rom_deg, view=view, faults=faults,
                                 side=side, size=size, fps=fps, tempo=tempo, lead_in_s=lead_in_s,
                                 distance=distance, camera_height=camera_height)
        return cls(motion.points, fps=fps, view=motion.view, size=size,
                   name=f"rendered-patient:{exercise}", loop=loop, realtime=realtime, room=room,
                   base=base, truth=motion.truth, chair=motion.chair)

    @property
    def frame_count(self) -> int | None:
        return None if self._loop else len(self._points)

    @property
    def points(self) -> np.ndarray:
        """The body-frame landmark points posed in each frame (T, 33, 3)."""
        return self._points

    def read(self) -> Frame | None:
        if self._closed:
            return None
        n = len(self._points)
        if self._index >= n and not self._loop:
            return None
        i = self._index % n
        if self._images is not None:
            image = self._images[i]
        else:
            assert self._worker is not None
            image = self._worker.render(self._points[i])
        t_ms = self._index * 1000.0 / self.fps
        if self.is_live:
            now = time.monotonic()
            if self._started is None:
                self._started = now
            wait = self._started + t_ms / 1000.0 - now
            if wait > 0:
                time.sleep(wait)
            t_ms = max((time.monotonic() - self._started) * 1000.0, t_ms)
        frame = Frame(image, t_ms, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._closed = True
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._images = None
