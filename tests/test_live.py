"""LivePipeline: newest wins, drops counted, no backlog, camera loss, real MediaPipe at real speed."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tracking.backends import create_backend
from tracking.errors import CameraLost
from tracking.live import LivePipeline
from tracking.series import PoseFrame, PoseSeries
from tracking.sources import Frame, FrameSource, MemorySource, open_source


class CountingSource(FrameSource):
    """``n`` small frames at ``fps``; optionally the camera vanishes after ``lose_after``."""

    def __init__(self, n: int, fps: float = 30.0, lose_after: int | None = None,
                 live: bool = False) -> None:
        self.name, self.fps, self.size, self.is_live = "counting", fps, (8, 6), live
        self.n, self.lose_after, self.read_count, self.closed = n, lose_after, 0, 0
        self.lock = threading.Lock()

    def read(self) -> Frame | None:
        with self.lock:
            i = self.read_count
            if self.lose_after is not None and i >= self.lose_after:
                raise CameraLost("camera 0 stopped delivering frames")
            if i >= self.n:
                return None
            self.read_count += 1
        if self.is_live:
            time.sleep(1 / self.fps)
        return Frame(np.full((6, 8, 3), i % 256, np.uint8), i * 1000 / self.fps, i)

    def close(self) -> None:
        self.closed += 1


class SlowBackend:
    """Sleeps ``delay`` per frame; records which frame it saw and the newest captured then."""

    name, model = "slow", "test"

    def __init__(self, source: CountingSource, delay: float) -> None:
        self.source, self.delay = source, delay
        self.seen: list[tuple[int, int]] = []
        self.closed = False

    def process(self, image_bgr, t_ms, index=-1) -> PoseFrame:
        self.seen.append((index, self.source.read_count - 1))
        time.sleep(self.delay)
        xyzv = np.full((33, 4), 0.5, np.float32)
        return PoseFrame(t_ms, xyzv, None, 0, index)

    def close(self) -> None:
        self.closed = True


def _consume(pipe: LivePipeline, period: float = 0.005) -> list:
    got = []
    while pipe.running:
        r = pipe.latest()
        if r is not None:
            got.append(r)
        time.sleep(period)
    r = pipe.latest()
    if r is not None:
        got.append(r)
    return got


def test_newest_wins_drops_counted_no_backlog() -> None:
    """Inference (60 ms) slower than the 30 fps video played at real speed."""
    src = CountingSource(90, fps=30)
    backends: list[SlowBackend] = []

    def factory() -> SlowBackend:
        backends.append(SlowBackend(src, 0.06))
        return backends[-1]

    pipe = LivePipeline(src, factory).start()
    assert pipe.latest() is None  # nothing yet, and it did not block
    got = _consume(pipe)
    st = pipe.stop()
    b = backends[0]
    assert st.status == "ended" and not st.running and b.closed and src.closed >= 1
    assert st.captured == 90
    assert st.inferred + st.dropped == st.captured
    assert st.dropped > 20  # about half the frames cannot be inferred in time
    assert st.max_pending == 1
    seen = [i for i, _ in b.seen]
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    # newest wins: each inferred frame was the newest read from the source, or at most 2
    # behind (the next frame is read before its release time; a thread may be descheduled
    # between taking a frame and processing it). A queue would fall ~40 frames behind.
    assert all(newest - i <= 2 for i, newest in b.seen)
    assert seen[-1] >= 88  # the end of the video was reached without a queue behind it
    assert [r.seq for r in got] == sorted(r.seq for r in got)
    ages = [r.inferred_at - r.captured_at for r in got]
    assert max(ages) < 0.5  # a queue would reach ~1.3 s here


def test_drain_returns_every_result_once_in_order() -> None:
    src = CountingSource(20, fps=200)
    pipe = LivePipeline(src, lambda: SlowBackend(src, 0.0), realtime=False, keep=1000).start()
    assert pipe.wait(10)
    got = pipe.drain()
    st = pipe.stop()
    assert [r.seq for r in got] == list(range(1, st.inferred + 1))
    assert pipe.drain() == [] and pipe.latest() is None
    assert st.consumed == st.inferred and st.age_median_ms == st.age_median_ms  # not NaN


def test_camera_vanishing_ends_cleanly_with_a_status() -> None:
    src = CountingSource(1000, fps=100, lose_after=10, live=True)
    pipe = LivePipeline(src, lambda: SlowBackend(src, 0.0))
    assert not pipe.realtime  # a live source is never paced
    pipe.start()
    assert pipe.wait(10)
    st = pipe.stop()
    assert st.status.startswith("camera lost: camera 0 stopped")
    assert isinstance(pipe.error, CameraLost)
    assert st.captured == 10 and st.inferred + st.dropped == 10 and src.closed >= 1
    assert pipe.peek() is not None and pipe.peek().pose.index <= 9


def test_backend_failure_is_a_status_not_a_crash() -> None:
    src = CountingSource(1000, fps=100)

    def broken():
        raise RuntimeError("model file missing")

    pipe = LivePipeline(src, broken).start()
    assert pipe.wait(10)
    st = pipe.stop()
    assert st.status == "error: model file missing" and not st.running


def test_stop_mid_stream_is_prompt() -> None:
    src = CountingSource(100_000, fps=30)
    pipe = LivePipeline(src, lambda: SlowBackend(src, 0.01)).start()
    time.sleep(0.2)
    st = pipe.stop(timeout=5)
    assert st.status == "stopped" and not any(t.is_alive() for t in pipe._threads)
    assert st.inferred + st.dropped == st.captured


@pytest.mark.slow
def test_real_mediapipe_on_a_video_played_at_real_speed(shared_data) -> None:
    path = shared_data / "videos" / "kai_squat_incorrect_004.mp4"
    pipe = LivePipeline.open(str(path))  # source, fresh MediaPipe backend, filter for 16:9
    src = pipe.source
    n = src.frame_count
    assert pipe.realtime and pipe._filter.aspect == pytest.approx(16 / 9)
    pipe.start()
    got = _consume(pipe)
    st = pipe.stop()
    assert st.status == "ended" and st.captured == n
    assert st.inferred + st.dropped == st.captured and st.max_pending == 1
    idx = [r.pose.index for r in got]
    assert idx == sorted(idx) and len(set(idx)) == len(idx)
    assert sum(r.pose.detected for r in got) >= 0.9 * len(got)
    assert st.consumed + st.skipped == st.inferred
    assert 0 < st.age_median_ms <= st.age_p95_ms <= st.age_max_ms
    assert all(r.pose.t_ms == pytest.approx(r.pose.index * 1000 / src.fps, abs=1) for r in got)


def test_memory_source_can_be_played_as_if_live() -> None:
    imgs = [np.zeros((4, 4, 3), np.uint8)] * 10
    pipe = LivePipeline(MemorySource(imgs, fps=50),
                        lambda: create_backend("replay", series=PoseSeries.empty()))
    pipe.start()
    assert pipe.wait(10)
    st = pipe.stop()
    assert st.captured == 10 and st.elapsed_s >= 0.15  # 10 frames at 50 fps take 180 ms



def test_only_the_newest_result_keeps_its_image(tmp_path) -> None:
    import cv2

    for i in range(6):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((30, 40, 3), i * 30, np.uint8))
    pipe = LivePipeline(open_source(tmp_path),
                        lambda: create_backend("replay", series=PoseSeries.empty()),
                        realtime=False, keep=10)
    pipe.start()
    assert pipe.wait(10)
    results = pipe.drain()
    pipe.stop()
    assert len(results) == pipe.stats().inferred >= 1
    assert results[-1].image_bgr is not None and results[-1].image_bgr.shape == (30, 40, 3)
    assert all(r.image_bgr is None for r in results[:-1])


def test_inference_thread_can_give_way_to_rendering() -> None:
    """``inference_nice`` lowers the inference thread's priority, not the caller's."""
    import os

    seen: dict[str, int] = {}
    src = CountingSource(3)

    def factory():
        seen["infer"] = os.getpriority(os.PRIO_PROCESS, 0)
        return SlowBackend(src, 0.0)

    before = os.getpriority(os.PRIO_PROCESS, 0)
    pipe = LivePipeline(src, factory, realtime=False, inference_nice=5).start()
    pipe.wait(10)
    pipe.stop()
    assert seen["infer"] == min(19, before + 5)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
