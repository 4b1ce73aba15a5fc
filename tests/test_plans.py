"""Plans: the example plans load, and every mistake is reported with file, line and field."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.plans import PLANS_DIR, active_plan, import_plan, key_line, load_plan, parse_plan, targets
from game.sessions.store import open_store
from tracking.errors import InputError

GOOD = """\
id = "p1"
patient = "P001"
days_per_week = 3

[[exercises]]
id = "squat"
sets = 2
reps = 10
target_angle_deg = 80.0

[[exercises]]
id = "seated_knee_extension"
sets = 3
reps = 8
target_angle_deg = 20.0
hold_s = 2
[exercises.caps]
max_reps = 12
max_target_angle_deg = 10.0
max_level = 3
"""


def test_example_plans_load() -> None:
    files = sorted(PLANS_DIR.glob("*.toml"))
    assert len(files) >= 2
    for f in files:
        plan = load_plan(f)
        assert plan.exercises and 1 <= plan.days_per_week <= 7


def test_good_plan_fields() -> None:
    plan = parse_plan(GOOD, "good.toml")
    assert (plan.id, plan.patient_id, plan.days_per_week, plan.title) == ("p1", "P001", 3, "p1")
    ke = plan.exercise("seated_knee_extension")
    assert (ke.sets, ke.reps, ke.target_angle_deg, ke.hold_s) == (3, 8, 20.0, 2.0)
    assert (ke.max_reps, ke.max_target_angle_deg, ke.max_level, ke.side) == (12, 10.0, 3, "both")
    assert targets(ke) == {"reps": 8, "target": 20.0, "hold_s": 2.0}


@pytest.mark.parametrize("old,new,line,field,problem", [
    ("reps = 8", "reps = 13", 14, "exercises[2].reps", "above the cap max_reps = 12"),
    ("target_angle_deg = 20.0", "target_angle_deg = 5.0", 15, "exercises[2].target_angle_deg",
     "beyond the cap"),
    ('id = "squat"', 'id = "squatt"', 6, "exercises[1].id", "unknown exercise 'squatt'"),
    ("sets = 2", 'sets = "two"', 7, "exercises[1].sets", "whole number"),
    ("days_per_week = 3", "days_per_week = 9", 3, "days_per_week", "outside 1..7"),
    ("max_level = 3", "max_levle = 3", 20, "exercises[2].caps.max_levle", "unknown field"),
    ("target_angle_deg = 80.0", "target_angle_deg = -5.0", 9, "exercises[1].target_angle_deg",
     "not beyond the start"),
    ('patient = "P001"\n', '', None, "plan", "missing field 'patient'"),
])
def test_field_errors_name_file_line_and_field(old, new, line, field, problem) -> None:
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(InputError) as err:
        parse_plan(text, "plans/x.toml")
    msg = str(err.value)
    where = "plans/x.toml" + (f":{line}" if line else "")
    assert msg.startswith(where + ": " + field + ":"), msg
    assert problem in msg


def test_toml_syntax_error_uses_tomllibs_line(tmp_path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(GOOD.replace("sets = 3", "sets = = 3"))
    with pytest.raises(InputError, match=r"bad\.toml:13: TOML syntax error"):
        load_plan(f)
    with pytest.raises(InputError, match="no such plan file"):
        load_plan(tmp_path / "missing.toml")


def test_key_line_finds_nested_keys() -> None:
    assert key_line(GOOD, ("exercises", 0, "reps")) == 8
    assert key_line(GOOD, ("exercises", 1, "reps")) == 14
    assert key_line(GOOD, ("exercises", 1, "caps", "max_level")) == 20
    assert key_line(GOOD, ("days_per_week",)) == 3


def test_import_and_show(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PHYSIOQUEST_DATA_DIR", str(tmp_path / "d"))
    f = tmp_path / "p.toml"
    f.write_text(GOOD)
    with open_store(str(tmp_path / "s.db")) as store:
        assert active_plan(store, "P001") is None
        plan = import_plan(store, f)
        assert active_plan(store, "P001") == plan
        f.write_text(GOOD.replace("days_per_week = 3", "days_per_week = 4"))
        import_plan(store, f)  # same id: replaced, still one plan
        assert active_plan(store, "P001").days_per_week == 4 and len(store.plan_texts("P001")) == 1


def _cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    import os
    env = dict(os.environ, PHYSIOQUEST_DATA_DIR=str(env_dir))
    env.pop("PHYSIOQUEST_DB", None)
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, env=env)


def test_plan_cli(tmp_path) -> None:
    example = str(PLANS_DIR / "knee_osteoarthritis.toml")
    r = _cli("plan", "check", example, env_dir=tmp_path)
    assert r.returncode == 0 and "ok" in r.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("reps = 10", "reps = 0"))
    r = _cli("plan", "check", str(bad), env_dir=tmp_path)
    assert r.returncode == 2 and f"{bad}:8: exercises[1].reps" in r.stderr and "Traceback" not in r.stderr
    assert _cli("plan", "import", example, env_dir=tmp_path).returncode == 0
    r = _cli("plan", "show", "demo", env_dir=tmp_path)
    assert r.returncode == 0 and "seated_knee_extension: 3 x 10, target 15 deg" in r.stdout
    assert _cli("plan", "show", "nobody", env_dir=tmp_path).returncode == 2
