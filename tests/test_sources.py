"""Frame sources: video files, image folders, webcams (faked) and every kind of bad input."""
from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest

import tracking.sources as sources
from tracking.errors import CameraLost, InputError
from tracking.sources import (Frame, FrameSource, ImageFolderSource, MemorySource, VideoFileSource,
                              WebcamSource, open_source)


def _write_video(path: Path, n: int = 20, fps: float = 10.0, size: tuple[int, int] = (64, 48)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        img = np.full((size[1], size[0], 3), (i * 10) % 256, np.uint8)
        writer.write(img)
    writer.release()
    return path


def test_video_file_frames_and_video_time(tmp_path: Path) -> None:
    path = _write_video(tmp_path / "clip.mp4", n=20, fps=10.0)
    with VideoFileSource(path) as src:
        assert isinstance(src, FrameSource) and not src.is_live
        assert src.fps == pytest.approx(10.0) and src.size == (64, 48)
        frames = list(src)
    assert [f.index for f in frames] == list(range(20))
    assert [f.t_ms for f in frames] == pytest.approx([i * 100.0 for i in range(20)], abs=1.0)
    assert all(f.image_bgr.dtype == np.uint8 and f.image_bgr.shape == (48, 64, 3) for f in frames)
    assert src.read() is None  # closed: nothing more, no error


def test_real_clips_decode_fully_with_monotonic_time(shared_data: Path) -> None:
    with open(shared_data / "videos" / "labels.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        with open_source(shared_data / "videos" / row["file"]) as src:
            t = np.array([f.t_ms for f in src])
            assert src.size == (int(row["width"]), int(row["height"])), row["file"]
        assert len(t) == int(row["frames"]), row["file"]
        assert t[0] == 0.0 and np.all(np.diff(t) > 0), row["file"]
        assert t[-1] == pytest.approx((len(t) - 1) * 1000 / float(row["fps"]), rel=0.01), row["file"]


def test_truncated_video_is_an_input_error(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "videos" / "wt_squat_19.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 8])  # header first in this file: opens, then stops
    with pytest.raises(InputError, match="truncated") as exc:
        with VideoFileSource(cut) as src:
            list(src)
    assert str(cut) in str(exc.value) and "\n" not in str(exc.value)


def test_damaged_video_with_index_at_the_end(tmp_path: Path) -> None:
    path = _write_video(tmp_path / "clip.mp4", n=30)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as exc:
        with open_source(path) as src:
            list(src)
    assert exc.value.path == str(path)


@pytest.mark.parametrize("content,problem", [(None, "no such file"), (b"", "empty"),
                                             (b"hello, not a video\n" * 50, "not a video")])
def test_bad_video_files(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "bad.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as exc:
        open_source(path)
    assert exc.value.path == str(path)


def test_unreadable_file(tmp_path: Path) -> None:
    import os
    path = _write_video(tmp_path / "clip.mp4")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: permissions are not enforced")
    with pytest.raises(InputError, match="permission"):
        open_source(path)


def test_image_folder(tmp_path: Path) -> None:
    for i in range(5):
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), np.full((20, 30, 3), i * 40, np.uint8))
    (tmp_path / "notes.txt").write_text("ignored")
    src = open_source(tmp_path, fps=20)
    assert isinstance(src, ImageFolderSource) and src.size == (30, 20) and src.frame_count == 5
    frames = list(src)
    assert [f.t_ms for f in frames] == [0, 50, 100, 150, 200]
    assert [int(f.image_bgr[0, 0, 0]) for f in frames] == [0, 40, 80, 120, 160]


def test_image_folder_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no images"):
        ImageFolderSource(tmp_path)
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((4, 4, 3), np.uint8))
    (tmp_path / "b.png").write_bytes(b"not a png")
    src = ImageFolderSource(tmp_path)
    src.read()
    with pytest.raises(InputError) as exc:
        src.read()
    assert exc.value.path == str(tmp_path / "b.png")


def test_memory_source() -> None:
    imgs = [np.zeros((2, 3, 3), np.uint8)] * 3
    src = MemorySource(imgs, fps=25, name="mem")
    assert [f.t_ms for f in src] == [0, 40, 80] and src.size == (3, 2)


class FakeCapture:
    """A cv2.VideoCapture stand-in: ``frames`` good reads, then nothing."""

    def __init__(self, frames: int, opened: bool = True) -> None:
        self.frames, self.opened, self.reads = frames, opened, 0

    def isOpened(self) -> bool:
        return self.opened

    def read(self):
        self.reads += 1
        if self.reads <= self.frames:
            return True, np.zeros((48, 64, 3), np.uint8)
        return False, None

    def get(self, prop: int) -> float:
        return {cv2.CAP_PROP_FPS: 30.0, cv2.CAP_PROP_FRAME_WIDTH: 64.0,
                cv2.CAP_PROP_FRAME_HEIGHT: 48.0}.get(prop, 0.0)

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        self.opened = False


def test_webcam_delivers_clock_time_then_camera_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    def fake(index: int) -> FakeCapture:
        made.append(index)
        return FakeCapture(frames=4)

    monkeypatch.setattr(sources.cv2, "VideoCapture", fake)
    monkeypatch.setattr(sources.time, "sleep", lambda s: None)
    src = open_source("2")
    assert isinstance(src, WebcamSource) and src.is_live and made == [2] and src.name == "webcam:2"
    got: list[Frame] = []
    with pytest.raises(CameraLost, match="camera 2 stopped"):
        for f in src:
            got.append(f)
    assert len(got) == 4 and all(np.diff([f.t_ms for f in got]) >= 0)
    assert src.read() is None  # after the loss: closed, no second error


def test_webcam_that_cannot_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources.cv2, "VideoCapture", lambda index: FakeCapture(0, opened=False))
    with pytest.raises(CameraLost, match="camera 0 could not be opened"):
        open_source("0")
