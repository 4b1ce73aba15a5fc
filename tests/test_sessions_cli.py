"""The patient and sessions commands, end to end through the CLI."""
from __future__ import annotations

import io
import sys

import pytest

from game.sessions.recorder import SessionRecorder
from game.sessions.store import open_store
from game.sessions.synthetic import record_synthetic_session, synthetic_frame, utc


class _Run:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture()
def cli(tmp_path, monkeypatch, capsys):
    """Run ``physioquest ARGS`` in this process (stdin from ``stdin``); returns code and output."""
    from game.cli import main
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PHYSIOQUEST_DB", raising=False)

    def run(*args: str, stdin: str = "") -> _Run:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out = capsys.readouterr()
        return _Run(code, out.out, out.err)
    return run


def test_patient_add_list_delete(cli) -> None:
    assert cli("patient", "list").stdout.strip() == "no patients"
    r = cli("patient", "add", "P-17", "--name", "Ann")
    assert r.returncode == 0 and "added patient P-17" in r.stdout
    r = cli("patient", "add", "P-17")
    assert r.returncode == 2 and "already exists" in r.stderr
    assert cli("patient", "add", "bad id!").returncode == 2
    with open_store() as store:
        record_synthetic_session(store, "P-17", utc(2026, 11, 2), sets=1, reps=2)
    r = cli("patient", "list")
    assert "P-17" in r.stdout and "Ann" in r.stdout and "1 session" in r.stdout
    r = cli("patient", "delete", "P-17", stdin="no\n")
    assert r.returncode == 1 and "not deleted" in r.stdout
    r = cli("patient", "delete", "P-17", stdin="P-17\n")
    assert r.returncode == 0 and "1 sessions, 2 reps" in r.stdout
    assert cli("patient", "list").stdout.strip() == "no patients"
    assert cli("patient", "delete", "P-17", "--yes").returncode == 2


def test_sessions_list_and_show(cli) -> None:
    with open_store() as store:
        a = record_synthetic_session(store, "P1", utc(2026, 11, 2, 9), sets=2, reps=3, pain_before=5, pain_after=3)
        b = record_synthetic_session(store, "P2", utc(2026, 11, 3, 9), sets=1, reps=2)
        rec = SessionRecorder(store, "P1", None, "park", "synthetic")
        rec.add_frame(synthetic_frame(0.0))
        rec.flush()
        store._execute("UPDATE sessions SET pid = 0, heartbeat_at = 0 WHERE id = ?", (rec.session_id,))
    r = cli("sessions", "list")
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0 and len(lines) == 3
    assert lines[0].startswith(a.id) and "6 reps" in lines[0] and "finished" in lines[0]
    assert "interrupted" in lines[2]  # found dead on this open
    r = cli("sessions", "list", "--patient", "P2")
    assert r.stdout.strip().splitlines()[0].startswith(b.id) and len(r.stdout.strip().splitlines()) == 1
    r = cli("sessions", "show", a.id[:15])
    out = r.stdout
    assert r.returncode == 0 and f"session {a.id}" in out
    assert "pain before 5/10" in out and "pain after  3/10" in out
    assert "set 1 seated_knee_extension: 3 reps of 3" in out and "set 2 seated_knee_extension" in out
    assert out.count("    rep ") == 6
    r = cli("sessions", "show", "nope")
    assert r.returncode == 2 and "no session 'nope'" in r.stderr and "Traceback" not in r.stderr
    assert cli("sessions", "list", "--patient", "ghost").returncode == 2


def test_game_recorder_factory(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace
    from game.sessions.game_hook import make_recorder_factory, patient_id_from_name
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    assert patient_id_from_name("Sam (demo)") == "sam-demo" and patient_id_from_name("Zoë Ünal") == "zoe-unal"
    assert patient_id_from_name("???") == "guest"
    app = SimpleNamespace(plan=SimpleNamespace(plan_id="not-stored"), scene_name="kitchen",
                          feed=SimpleNamespace(name="virtual patient"))
    rec = make_recorder_factory()(app, "Sam (demo)")
    rec.pain("before", 2)
    rec.add_frame(synthetic_frame(0.0))
    rec.finish({"ok": True})
    with open_store() as store:
        [s] = store.list_sessions("sam-demo")
        assert (s.plan_id, s.scene, s.source_desc, s.summary) == (None, "kitchen", "virtual patient", {"ok": True})
        assert store.get_patient("sam-demo").display_name == "Sam (demo)"


def test_game_recorder_takes_reps_from_the_session_log(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace
    from game.bridge import RepCompleted
    from game.sessions.game_hook import make_recorder_factory
    from tracking.exercise.events import RepResult
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path))
    app = SimpleNamespace(plan=None, scene_name="kitchen", feed=SimpleNamespace(name="webcam 0"))
    rec = make_recorder_factory()(app, "Ann")
    for i in range(60):
        rec.add_frame(synthetic_frame(i * 100.0))

    def rep(n: int, t0: float) -> RepCompleted:
        res = RepResult(n, "", t0, t0 + 2.0, t0 + 1.0, 36.0, 35.0, 0.7, 38.0, 0.8, (), 96, ("ok",))
        return RepCompleted(rep=n, score=96.0, range_deg=35.0, stars=3, result=res)
    log = SimpleNamespace(sets=[SimpleNamespace(exercise_id="mini_squat", set_no=1, target_reps=2, side=None,
                                                reps=[rep(1, 0.5), rep(2, 3.0)])])
    s = rec.finish(log)
    with open_store() as store:
        reps = store.reps(s.id)
        assert [(r.rep_index, r.t_start_ms, r.range_deg, r.target_deg) for r in reps] == \
            [(0, 500.0, 36.0, 38.0), (1, 3000.0, 36.0, 38.0)]
        [st] = store.sets(s.id)
        assert (st.exercise_id, st.set_index, st.target_reps, st.t_start_ms, st.t_end_ms) == \
            ("mini_squat", 0, 2, 500.0, 5000.0)


def test_text_views_say_each_repetitions_unit(tmp_path) -> None:
    """`sessions show`, the replay timeline and `score` print a height counted in percent as
    "%", and degrees (also for repetitions recorded without a unit) as "deg"."""
    from game.commands.score import print_scores
    from game.commands.sessions import session_text
    from game.replay.timeline import RepMark
    from game.sessions.models import RepRecord, SetRecord
    store = open_store(str(tmp_path / "pq.sqlite3"))
    store.begin_session("S1", "P1", None, "shore", "test", started_at=utc(2026, 11, 2, 9).timestamp(),
                        utc_offset_min=0)
    reps = [RepRecord("S1", "side_bend_stretch", 0, 0, 0.0, 16_000.0, 150.0, 80.0, 0.8, 15.0, 100.0,
                      details={"unit": "pct", "measure": "wrist_height"}),
            RepRecord("S1", "side_bend_stretch", 0, 1, 20_000.0, 36_000.0, 21.0, 20.0, 0.8, 15.0, 100.0)]
    store.write_batch("S1", [], (), [SetRecord("S1", "side_bend_stretch", 0, "", 2, 0.0, 40_000.0)], reps, [])
    store.finish_session("S1", {}, ended_at=utc(2026, 11, 2, 9).timestamp() + 40)
    text = session_text(store, "S1")
    assert "range 150% / target 80" in text and "range 21 deg / target 20" in text
    labels = [RepMark(i + 1, r, None).label() for i, r in enumerate(store.reps("S1"))]
    assert ", 150%" in labels[0] and ", 21 deg" in labels[1]
    out = io.StringIO()
    print_scores({"exercise": "side_bend_stretch", "rep_count": 2, "reps": [
        {"index": 1, "start_s": 0.0, "end_s": 16.0, "rom_deg": 150.0, "unit": "pct"},
        {"index": 2, "start_s": 20.0, "end_s": 36.0, "rom_deg": 21.0}]}, out)
    assert "range 150%" in out.getvalue() and "range 21 deg" in out.getvalue()
    store.close()
