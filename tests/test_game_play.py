"""`physioquest play`: a whole short session, unattended, through the command line."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def play(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PHYSIOQUEST_DATA_DIR": str(tmp / "data")}
    env.pop("PHYSIOQUEST_DB", None)
    return subprocess.run([sys.executable, "-m", "game.cli", "play", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_whole_session_unattended(tmp_path: Path, monkeypatch) -> None:
    shots = tmp_path / "shots"
    r = play("--demo", "--offscreen", "--size", "320x180", "--sim-fps", "10", "--mute",
             "--screenshots", str(shots), "--duration", "120", "--json", tmp=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    for state in ("PatientChoice", "CameraCheck", "PainCheck", "Calibration", "Exercise",
                  "Paused", "SetSummary", "Rest", "SessionSummary"):
        assert state in out["states"], state
    assert out["states"][-1] == "SessionSummary" and not out["stopped_early"]
    assert [len(s["reps"]) for s in out["sets"]] == [3, 3]
    assert out["pain_before"] == 2 and out["pain_after"] == 3  # the demo answered by gesture
    assert out["pauses"] == ["out of view"]
    assert out["calibration"]["range_mini_squat"] > 30
    # recorded to the store as it was played
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PHYSIOQUEST_DB", raising=False)
    from game.sessions.store import load_session_series, open_store
    store = open_store()
    try:
        sess = store.get_session(out["session_id"])
        assert sess.status == "finished" and sess.patient_id == "demo"
        assert len(store.reps(sess.id)) == 6
        # the patient's 'set 1' and 'set 2' are the store's set_index 0 and 1
        assert sorted({r.set_index for r in store.reps(sess.id)}) == [0, 1]
        assert sorted(s.set_index for s in store.sets(sess.id)) == [0, 1]
        assert sorted(p.score for p in store.pain(sess.id)) == [2, 3]
        assert sess.summary["levels"]["mini_squat"]["success_streak"] == 1
        assert len(load_session_series(store, sess.id)) > 300  # the landmarks, every frame
    finally:
        store.close()
    files = sorted(shots.glob("*.png"))
    assert len(files) == len(out["screenshots"]) >= 9
    from panda3d.core import PNMImage, Filename
    for f in files:
        img = PNMImage(Filename.fromOsSpecific(str(f)))
        assert (img.getXSize(), img.getYSize()) == (320, 180)
        px = np.array([img.getGray(x, y) for x in range(0, 320, 10) for y in range(0, 180, 10)])
        assert px.std() > 0.03, f"{f.name} looks blank"


def test_duration_cuts_the_session_short_and_summary_on_stdout(tmp_path: Path) -> None:
    r = play("--demo", "--offscreen", "--size", "320x180", "--sim-fps", "5", "--duration", "4",
             "--exercise", "squat", "--palette", "colorblind", "--mode", "clinic", tmp=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith("Session summary for")
    assert "stopped early (time limit)" in r.stdout
    # offscreen runs stay quiet: no Panda3D pipe listing or failed X11 probe on stderr
    assert "Known pipe types" not in r.stderr and "Could not open display" not in r.stderr, r.stderr


@pytest.mark.parametrize("args,words", [
    (["--demo", "--scene", "moon"], "unknown scene"),
    (["--demo", "--exercise", "cartwheel"], "unknown exercise"),
    (["--demo", "--size", "big"], "size"),
    (["--video", "/nonexistent/clip.mp4"], "no such video"),
    (["--demo", "--mode", "clinic", "--config", "/nonexistent.toml"], "cannot read config"),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args, words) -> None:
    r = play(*args, "--offscreen", tmp=tmp_path)
    assert r.returncode == 2
    assert words in r.stderr and "Traceback" not in r.stderr


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="needs xvfb-run (scripts/setup-system.sh --test installs it)")
def test_clinic_mode_fills_a_real_screen_at_its_own_resolution(tmp_path: Path) -> None:
    """A real X window (Xvfb), not offscreen: clinic mode goes fullscreen at the screen's
    resolution (here 1024x600, not the 1280x720 window default) and the session runs."""
    shots = tmp_path / "shots"
    env = {**os.environ, "PHYSIOQUEST_DATA_DIR": str(tmp_path / "data")}
    env.pop("PHYSIOQUEST_DB", None)
    r = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1024x600x24", sys.executable, "-m",
                        "game.cli", "play", "--demo", "--unattended", "--mode", "clinic",
                        "--mute", "--duration", "2", "--exercise", "squat", "--no-record",
                        "--screenshots", str(shots)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    pngs = sorted(shots.glob("*.png"))
    assert pngs, r.stderr[-2000:]
    from panda3d.core import PNMImage
    img = PNMImage()
    assert img.read(str(pngs[0]))
    assert (img.getXSize(), img.getYSize()) == (1024, 600)
    assert "no supported display resolutions" not in r.stderr


@pytest.mark.skipif(bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
                    reason="a display is present: a window would open")
def test_no_display_without_offscreen_is_one_line_exit_2(tmp_path: Path) -> None:
    r = play("--demo", "--no-record", tmp=tmp_path)
    assert r.returncode == 2
    assert "could not open a window" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_video_file_plays_as_live_input(tmp_path: Path, shared_data) -> None:
    """A real clip through the live pipeline (MediaPipe): the game runs until the clip ends."""
    clip = shared_data / "videos" / "wt_squat_19.mp4"
    r = play("--video", str(clip), "--offscreen", "--exercise", "squat", "--size", "320x180",
             "--no-record", "--json", tmp=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    # how far a 5.7 s clip gets depends on how fast MediaPipe runs here; it always ends
    # with the summary when the clip ends
    assert out["states"][:2] == ["PatientChoice", "CameraCheck"]
    assert out["states"][-1] == "SessionSummary"
    assert out["stopped_early"] and "input ended" in r.stderr
    assert out["stop_reason"] == "input ended"


@pytest.mark.skipif(bool(__import__("glob").glob("/dev/video*")), reason="this machine has a camera")
def test_no_camera_and_no_demo_offers_the_demo(tmp_path: Path) -> None:
    r = play("--offscreen", tmp=tmp_path)
    assert r.returncode == 2 and "physioquest play --demo" in r.stderr
