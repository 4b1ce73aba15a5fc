"""``physioquest analyze`` and ``physioquest score``: real runs and every kind of bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.cli import main
from tracking.series_file import load_series

ROOT = Path(__file__).resolve().parents[1]


def _blank_video(path: Path, n: int = 12) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (96, 64))
    for _ in range(n):
        writer.write(np.full((64, 96, 3), 90, np.uint8))
    writer.release()
    return path


def _one_line_error(capsys, *needles: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("physioquest: error: ") and "Traceback" not in err
    for n in needles:
        assert n in err
    return err


@pytest.mark.slow
def test_analyze_real_clip_writes_json_and_landmarks(shared_data, clip_series, tmp_path, capsys) -> None:
    video = shared_data / "videos" / "kai_squat_incorrect_004.mp4"
    out_json, out_lm = tmp_path / "r" / "result.json", tmp_path / "lm.npz"
    rc = main(["analyze", str(video), "--json", str(out_json), "--landmarks", str(out_lm)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "kai_squat_incorrect_004.mp4: 49 frames" in text and str(out_lm) in text
    data = json.loads(out_json.read_text())
    assert data["frames"] == 49 and data["fps"] == 30.0 and data["dropped"] == 0
    assert data["detection_rate"] >= 0.95 and data["duration_s"] == pytest.approx(49 / 30, abs=0.01)
    assert data["source"] == str(video)
    series = load_series(out_lm)
    assert len(series) == 49 and series.meta.backend == "mediapipe-pose"
    assert "filter" in series.meta.extra  # the filtered series is what gets written
    ref = clip_series("kai_squat_incorrect_004", filtered=True)
    assert np.array_equal(series.detected, ref.detected)
    assert np.nanmax(np.abs(series.xyzv[..., :2] - ref.xyzv[..., :2])) < 0.01


@pytest.mark.slow
def test_analyze_in_a_subprocess_prints_no_native_log_lines(shared_data, tmp_path) -> None:
    video = shared_data / "videos" / "kai_squat_correct_015.mp4"
    proc = subprocess.run([sys.executable, "-m", "game.cli", "analyze", str(video), "--json", "-"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["frames"] == 33
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kai_squat_correct_015.mp4: 33 frames"), lines


@pytest.mark.slow
def test_analyze_nobody_in_the_video_is_an_error_and_writes_nothing(tmp_path, capsys) -> None:
    video = _blank_video(tmp_path / "empty_room.mp4")
    out_json, out_lm = tmp_path / "r.json", tmp_path / "lm.npz"
    rc = main(["analyze", str(video), "--json", str(out_json), "--landmarks", str(out_lm)])
    assert rc == 2
    _one_line_error(capsys, str(video), "nobody was found in any of its 12 frames")
    assert not out_json.exists() and not out_lm.exists()


def test_analyze_missing_file(tmp_path, capsys) -> None:
    assert main(["analyze", str(tmp_path / "nope.mp4")]) == 2
    _one_line_error(capsys, "nope.mp4", "no such file")


def test_analyze_not_a_video(tmp_path, capsys) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("these are my notes, not a video\n" * 20)
    assert main(["analyze", str(bad)]) == 2
    _one_line_error(capsys, str(bad), "not a video")


def test_analyze_empty_file(tmp_path, capsys) -> None:
    bad = tmp_path / "empty.mp4"
    bad.write_bytes(b"")
    assert main(["analyze", str(bad)]) == 2
    _one_line_error(capsys, str(bad), "empty")


def test_analyze_truncated_video(shared_data, tmp_path, capsys) -> None:
    data = (shared_data / "videos" / "wt_squat_19.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 10])
    out_lm = tmp_path / "lm.npz"
    assert main(["analyze", str(cut), "--landmarks", str(out_lm)]) == 2
    _one_line_error(capsys, str(cut), "truncated")
    assert not out_lm.exists()


def test_analyze_camera_is_refused(capsys) -> None:
    assert main(["analyze", "0"]) == 2
    _one_line_error(capsys, "not a camera")


def test_analyze_in_a_subprocess_bad_input_is_one_line(tmp_path) -> None:
    bad = tmp_path / "x.mp4"
    bad.write_text("not a video")
    proc = subprocess.run([sys.executable, "-m", "game.cli", "analyze", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr


# -- physioquest score -------------------------------------------------------------------------

def _write_npz(path: Path, **arrays) -> Path:
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def test_score_wrong_landmark_file_version(tmp_path, capsys) -> None:
    bad = _write_npz(tmp_path / "future.npz", format=np.array("physioquest-landmarks"),
                     schema_version=np.array(99, np.int32))
    assert main(["score", str(bad), "--exercise", "squat"]) == 2
    _one_line_error(capsys, str(bad), "schema version 99")


@pytest.mark.parametrize("kind", ["missing", "not-npz", "other-npz"])
def test_score_bad_landmark_files(tmp_path, capsys, kind: str) -> None:
    path = tmp_path / "lm.npz"
    if kind == "not-npz":
        path.write_text("hello")
    elif kind == "other-npz":
        _write_npz(path, a=np.zeros(3))
    assert main(["score", str(path), "--exercise", "auto"]) == 2
    _one_line_error(capsys, str(path))


def test_score_landmark_file_with_nobody(tmp_path, capsys) -> None:
    from tracking.series import PoseFrame, PoseSeries, SeriesMeta
    from tracking.series_file import save_series

    empty = PoseSeries.from_frames([PoseFrame.missing(i * 40.0, i) for i in range(10)],
                                   SeriesMeta(source="x", fps=25))
    path = save_series(empty, tmp_path / "nobody.npz")
    assert main(["score", str(path), "--exercise", "squat"]) == 2
    _one_line_error(capsys, str(path), "nobody")


def test_score_unknown_exercise(tmp_path, capsys) -> None:
    from tracking.series import PoseSeries, SeriesMeta
    from tracking.series_file import save_series

    rng = np.random.default_rng(0)
    s = PoseSeries(np.arange(5) * 40.0, rng.uniform(0, 1, (5, 33, 4)), None, None, SeriesMeta(fps=25))
    path = save_series(s, tmp_path / "lm.npz")
    assert main(["score", str(path), "--exercise", "no_such_exercise"]) == 2
    _one_line_error(capsys, "unknown exercise 'no_such_exercise'")


@pytest.mark.slow
def test_score_real_squat_clip(clip_series, tmp_path, capsys) -> None:
    """wt_squat_19: 2 complete squats (labels.csv); analyze's landmark file scored as `squat`."""
    from tracking.series_file import save_series

    lm = save_series(clip_series("wt_squat_19", filtered=True), tmp_path / "sq.npz")
    out = tmp_path / "sq.json"
    assert main(["score", str(lm), "--exercise", "squat", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["exercise"] == "squat" and data["rep_count"] == 2 and data["frames"] == 143
    for rep in data["reps"]:
        assert rep["end_s"] > rep["start_s"] and rep["rom_deg"] > 20 and 0 <= rep["score"] <= 100
        assert isinstance(rep["faults"], list)
    text = capsys.readouterr().out
    assert text.startswith("squat: 2 repetitions") and "rep 2:" in text


@pytest.mark.slow
def test_analyze_with_exercise_adds_the_scoring_fields(shared_data, tmp_path, capsys) -> None:
    video = shared_data / "videos" / "kai_squat_correct_015.mp4"
    out = tmp_path / "r.json"
    assert main(["analyze", str(video), "--exercise", "squat", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["frames"] == 33 and data["exercise"] == "squat"
    assert data["rep_count"] == len(data["reps"]) and {"start_s", "end_s", "rom_deg", "score",
                                                       "faults"} <= set(data["reps"][0])
    assert "squat:" in capsys.readouterr().out


def test_progress_bar_draws_only_when_enabled() -> None:
    import io

    from tracking.progress import Progress

    quiet = io.StringIO()
    p = Progress(4, "clip", stream=quiet)  # not a terminal: off by default
    p.update(2)
    p.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    with Progress(4, "clip", stream=shown, enabled=True, interval_s=0) as p:
        p.update(2)
    text = shown.getvalue()
    assert "\rclip [" in text and " 50% 2/4 frames" in text and text.endswith("\n")
