"""Live tracking: a capture thread and an inference thread joined by a "latest only" slot.

The capture thread reads the source as fast as it delivers (a camera) or at video time
(a file played as if live) and puts each frame in a one-frame slot; a frame still in the
slot when the next arrives is dropped (counted), so inference always works on the newest
frame and no backlog can build. The inference thread runs backend + filter and
publishes ``LiveResult``s; the consumer (the game's render loop) polls ``latest()``,
which never blocks. Each result carries its capture time, so its age when it is consumed
is measured (``stats()``).

A camera that cannot be read any more ends the pipeline cleanly: ``status`` says
``"camera lost: ..."`` and ``error`` holds the ``CameraLost``; the game keeps running.
"""
from __future__ import annotations

import collections
import dataclasses
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from tracking.errors import CameraLost, PhysioQuestError
from tracking.series import PoseFrame


@dataclass(frozen=True)
class LiveResult:
    """One inferred (and filtered) frame."""

    pose: PoseFrame  #: landmarks; ``pose.t_ms`` is the source time of the frame
    captured_at: float  #: time.monotonic() when the frame was captured (or released)
    inferred_at: float  #: time.monotonic() when backend + filter were done
    seq: int  #: 1, 2, 3... in inference order
    image_bgr: np.ndarray | None = None  #: the camera image (newest result only; for display)

    def age_s(self, now: float | None = None) -> float:
        """Seconds since capture."""
        return (time.monotonic() if now is None else now) - self.captured_at


@dataclass(frozen=True)
class LiveStats:
    """Counters and timings of a LivePipeline."""

    status: str  #: starting, running, ended, stopped, "camera lost: ...", "error: ..."
    running: bool
    captured: int  #: frames read from the source
    inferred: int  #: frames that went through the backend
    dropped: int  #: frames captured but never inferred (a newer one replaced them)
    consumed: int  #: results handed to the consumer
    skipped: int  #: results replaced by a newer one before the consumer asked
    max_pending: int  #: most frames ever waiting for inference (1 by design: no backlog)
    age_median_ms: float  #: age of results when consumed (NaN before any)
    age_p95_ms: float
    age_max_ms: float
    infer_median_ms: float  #: backend + filter time per frame
    elapsed_s: float


def _lower_thread_priority(nice: int) -> None:
    """Raise the calling thread's nice value by ``nice`` (per thread on Linux); best effort."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, 0) + nice)
    except OSError:
        pass


class LivePipeline:
    """``LivePipeline(source, backend_factory, landmark_filter)``: ``start()``, poll
    ``latest()``, ``stop()``.

    The pipeline owns the source (closes it) and makes its backend with
    ``backend_factory()`` on the inference thread (a fresh tracker per source).
    ``realtime``: release frames at video time (default: for sources that are not live);
    ``speed`` scales that clock. ``keep`` results are kept for ``drain()``.
    ``inference_nice`` lowers the inference thread's CPU priority by that much (Linux and
    macOS; MediaPipe's workers, started from that thread, inherit it) so that on a machine
    with few cores the game's render loop wins the CPU and tracking gives way instead.
    """

    def __init__(self, source: Any, backend_factory: Callable[[], Any],
                 landmark_filter: Any | None = None, realtime: bool | None = None,
                 speed: float = 1.0, keep: int = 64, inference_nice: int = 0) -> None:
        self.source = source
        self.inference_nice = max(0, int(inference_nice))
        self._factory = backend_factory
        self._filter = landmark_filter
        self.realtime = (not getattr(source, "is_live", False)) if realtime is None else realtime
        self.speed = speed
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._slot: tuple[Any, float] | None = None
        self._capture_done = False
        self._results: collections.deque[LiveResult] = collections.deque(maxlen=max(1, keep))
        self._newest: LiveResult | None = None
        self._last_seq = 0
        self._ages: collections.deque[float] = collections.deque(maxlen=100_000)
        self._infer: collections.deque[float] = collections.deque(maxlen=10_000)
        self._n = {"captured": 0, "inferred": 0, "dropped": 0, "consumed": 0, "skipped": 0,
                   "max_pending": 0}
        self._status = "starting"
        self.error: PhysioQuestError | BaseException | None = None
        self._threads: list[threading.Thread] = []
        self._started_at = 0.0
        self._finished = threading.Event()

    @classmethod
    def open(cls, spec: str, backend: str = "mediapipe-pose", params: Any = None,
             **options: Any) -> "LivePipeline":
        """A pipeline for ``open_source(spec)`` ("0" = webcam 0, or a video file) with a
        fresh ``backend`` and a LandmarkFilter fitted to the image size (not started)."""
        from tracking.backends import create_backend
        from tracking.filters import LandmarkFilter
        from tracking.sources import open_source

        source = open_source(spec)
        w, h = source.size
        return cls(source, lambda: create_backend(backend),
                   LandmarkFilter(params, w / h if w > 0 and h > 0 else 1.0), **options)

    # -- control --------------------------------------------------------------------------
    def start(self) -> "LivePipeline":
        if self._threads:
            raise RuntimeError("LivePipeline already started")
        self._started_at = time.monotonic()
        self._status = "running"
        self._threads = [threading.Thread(target=self._capture_loop, name="physioquest-capture",
                                          daemon=True),
                         threading.Thread(target=self._infer_loop, name="physioquest-infer",
                                          daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def stop(self, timeout: float = 5.0) -> LiveStats:
        """Stop both threads, close the source; returns the final stats."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout)
        if self._status in ("running", "starting"):
            self._status = "stopped"
        with self._cond:
            if self._slot is not None:  # slipped in after inference ended: never inferred
                self._n["dropped"] += 1
                self._slot = None
        if not (self._threads and self._threads[0].is_alive()):
            self._close_source()  # never while the capture thread may be inside read()
        return self.stats()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the source has ended and its last frame was inferred (True), or
        ``timeout`` passed (False). For tests and offline-like use; the game polls instead."""
        return self._finished.wait(timeout)

    def __enter__(self) -> "LivePipeline":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- consumer side (never blocks on tracking) ----------------------------------------
    @property
    def status(self) -> str:
        return self._status

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._finished.is_set() and not self._stop.is_set()

    def latest(self) -> LiveResult | None:
        """The newest result not handed out before, or None. Records its age."""
        with self._cond:
            r = self._newest
            if r is None or r.seq <= self._last_seq:
                return None
            self._n["skipped"] += r.seq - self._last_seq - 1
            self._consume(r)
            return r

    def peek(self) -> LiveResult | None:
        """The newest result, handed out before or not (for drawing the skeleton)."""
        return self._newest

    def drain(self) -> list[LiveResult]:
        """Every result not handed out before, oldest first (at most ``keep``), for
        consumers that must see each inferred frame, such as rep counting."""
        with self._cond:
            fresh = [r for r in self._results if r.seq > self._last_seq]
            if fresh:
                self._n["skipped"] += fresh[0].seq - self._last_seq - 1
                for r in fresh:
                    self._consume(r)
            return fresh

    def _consume(self, r: LiveResult) -> None:
        self._ages.append(r.age_s())
        self._last_seq = r.seq
        self._n["consumed"] += 1

    def stats(self) -> LiveStats:
        with self._cond:
            ages = np.array(self._ages) * 1000.0
            infer = np.array(self._infer) * 1000.0
            n = dict(self._n)
        pct = (lambda a, q: float(np.percentile(a, q)) if a.size else float("nan"))
        return LiveStats(self._status, self.running, n["captured"], n["inferred"], n["dropped"],
                         n["consumed"], n["skipped"], n["max_pending"], pct(ages, 50),
                         pct(ages, 95), float(ages.max()) if ages.size else float("nan"),
                         pct(infer, 50),
                         time.monotonic() - self._started_at if self._started_at else 0.0)

    # -- threads ----------------------------------------------------------------------------
    def _capture_loop(self) -> None:
        first_t: float | None = None
        clock0 = time.monotonic()
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    self._status = "ended"
                    break
                if self.realtime:
                    if first_t is None:
                        first_t, clock0 = frame.t_ms, time.monotonic()
                    due = clock0 + (frame.t_ms - first_t) / 1000.0 / self.speed
                    delay = due - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                captured_at = time.monotonic()
                with self._cond:
                    if self._slot is not None:
                        self._n["dropped"] += 1
                    self._slot = (frame, captured_at)
                    self._n["captured"] += 1
                    self._n["max_pending"] = max(self._n["max_pending"], 1)
                    self._cond.notify_all()
        except CameraLost as exc:
            self.error = exc
            self._status = f"camera lost: {exc}"
        except BaseException as exc:  # a damaged file or a source bug: end, don't crash the game
            self.error = exc
            self._status = f"error: {exc}"
        finally:
            with self._cond:
                self._capture_done = True
                self._cond.notify_all()
            self._close_source()

    def _infer_loop(self) -> None:
        backend = None
        try:
            _lower_thread_priority(self.inference_nice)
            backend = self._factory()
            while True:
                with self._cond:
                    while self._slot is None and not self._capture_done and not self._stop.is_set():
                        self._cond.wait(0.1)
                    if self._stop.is_set() or self._slot is None:
                        break
                    frame, captured_at = self._slot
                    self._slot = None
                t0 = time.monotonic()
                pose = backend.process(frame.image_bgr, frame.t_ms, frame.index)
                if self._filter is not None:
                    pose = self._filter.step(pose)
                done = time.monotonic()
                with self._cond:
                    self._n["inferred"] += 1
                    r = LiveResult(pose, captured_at, done, self._n["inferred"], frame.image_bgr)
                    if self._results:  # only the newest keeps its image: bounded memory
                        old = self._results[-1]
                        self._results[-1] = dataclasses.replace(old, image_bgr=None)
                    self._results.append(r)
                    self._newest = r
                    self._infer.append(done - t0)
        except BaseException as exc:
            self.error = exc
            self._status = f"error: {exc}"
            self._stop.set()
        finally:
            with self._cond:
                if self._slot is not None:  # captured, never inferred
                    self._n["dropped"] += 1
                    self._slot = None
            if backend is not None:
                backend.close()
            self._finished.set()

    def _close_source(self) -> None:
        try:
            self.source.close()
        except Exception:  # closing a lost camera may fail again; nothing left to do
            pass
