"""Offline analysis: a whole source through backend + filter, as fast as the machine allows.

Decoding runs on its own thread and feeds a small bounded queue, so the next frame is
decoded while the model looks at the current one (OpenCV and MediaPipe both release the
GIL). No window; an optional progress bar on stderr. Every decoded frame is inferred.
"""
from __future__ import annotations

import dataclasses
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tracking.errors import InputError
from tracking.filters import FilterParams, LandmarkFilter
from tracking.progress import Progress
from tracking.series import PoseFrame, PoseSeries, SeriesMeta

_END = object()


@dataclass(frozen=True)
class OfflineRun:
    """A tracked recording plus how the run went."""

    series: PoseSeries  #: filtered (or raw, when no filter was given)
    raw: PoseSeries  #: the backend's output before filtering
    frames: int  #: frames decoded and inferred
    frames_expected: int | None  #: frame count in the container header, if any
    wall_s: float  #: time the run took

    @property
    def dropped(self) -> int:
        """Frames the header promised that could not be decoded (0 for a sound file)."""
        return max(0, (self.frames_expected or 0) - self.frames)

    @property
    def fps_processed(self) -> float:
        return self.frames / self.wall_s if self.wall_s > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        """The JSON fields of an analysis without scoring."""
        s = self.series
        return {"source": s.meta.source, "frames": len(s), "fps": round(s.fps, 3),
                "duration_s": round(len(s) / s.fps if s.fps > 0 else s.duration_s, 3),
                "detection_rate": round(s.detection_rate, 4), "dropped": self.dropped,
                "backend": s.meta.backend, "model": s.meta.model,
                "processing_fps": round(self.fps_processed, 1)}


def _decode(source: Any, out: "queue.Queue[Any]", stop: threading.Event) -> None:
    try:
        for frame in source:
            while not stop.is_set():
                try:
                    out.put(frame, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        item: Any = _END
    except BaseException as exc:  # handed to the consumer, raised there
        item = exc
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def track_source(source: Any, backend: Any, landmark_filter: LandmarkFilter | None = None,
                 progress: Progress | None = None, queue_size: int = 4) -> OfflineRun:
    """Run every frame of ``source`` (a FrameSource) through ``backend`` and the filter.

    Closes neither the source nor the backend. Decode errors (truncated video) are raised
    here, from the consumer's thread.
    """
    frames_q: "queue.Queue[Any]" = queue.Queue(maxsize=max(1, queue_size))
    stop = threading.Event()
    decoder = threading.Thread(target=_decode, args=(source, frames_q, stop),
                               name="physioquest-decode", daemon=True)
    raw: list[PoseFrame] = []
    filtered: list[PoseFrame] = []
    start = time.monotonic()
    decoder.start()
    try:
        while True:
            item = frames_q.get()
            if item is _END:
                break
            if isinstance(item, BaseException):
                raise item
            pose = backend.process(item.image_bgr, item.t_ms, item.index)
            raw.append(pose)
            if landmark_filter is not None:
                filtered.append(landmark_filter.step(pose))
            if progress is not None:
                progress.update(len(raw))
    finally:
        stop.set()
        decoder.join(timeout=5)
        if progress is not None:
            progress.close()
    wall = time.monotonic() - start
    w, h = source.size
    meta = SeriesMeta(source=source.name, fps=float(source.fps), backend=backend.name,
                      model=backend.model, width=int(w), height=int(h))
    raw_series = PoseSeries.from_frames(raw, meta)
    series = raw_series
    if landmark_filter is not None:
        fmeta = dataclasses.replace(
            meta, extra={"filter": dataclasses.asdict(landmark_filter.params)})
        series = PoseSeries.from_frames(filtered, fmeta)
    return OfflineRun(series, raw_series, len(raw), source.frame_count, wall)


def analyze_video(path: str | Path, backend_name: str = "mediapipe-pose",
                  params: FilterParams | None = None, show_progress: bool | None = None,
                  source_factory: Callable[[str], Any] | None = None) -> OfflineRun:
    """Open ``path`` (anything ``open_source`` takes but a camera), track it with a fresh
    backend and filter it. ``show_progress``: None = only when stderr is a terminal."""
    from tracking.backends import create_backend
    from tracking.sources import open_source

    if str(path).isdigit():
        raise InputError(path, "offline analysis needs a video file or image folder, not a camera")
    opener = source_factory or open_source
    with opener(str(path)) as source:
        w, h = source.size
        filt = LandmarkFilter(params, w / h if w > 0 and h > 0 else 1.0)
        progress = Progress(source.frame_count, Path(str(path)).name, enabled=show_progress)
        with create_backend(backend_name) as backend:
            return track_source(source, backend, filt, progress)
