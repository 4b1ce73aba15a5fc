"""The exercise library: every shipped file validates; broken files name file, field and problem."""
from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from tracking.errors import InputError
from tracking.exercise.library import EXERCISES_DIR, get_spec, library, load_library
from tracking.exercise.spec import CATEGORIES, ExerciseSpec, load_spec

UI_PRMD = ("deep_squat", "hurdle_step", "inline_lunge", "side_lunge", "sit_to_stand",
           "standing_straight_leg_raise", "shoulder_abduction", "shoulder_extension",
           "shoulder_internal_external_rotation", "shoulder_scaption")
REQUIRED = UI_PRMD + ("squat", "marching_in_place", "heel_raise", "mini_squat", "forward_reach",
                      "overhead_reach", "single_leg_stance", "tandem_stance", "hamstring_stretch",
                      "calf_stretch", "seated_knee_extension", "seated_march", "seated_forward_reach")
FILES = sorted(EXERCISES_DIR.glob("*.toml"))

GOOD = '''
id = "demo"
name = "Demo"
category = "strength"
position = "standing"
view = "side"
sides = "both"
scene = "park_path"
reps = 10
description = "A demo."
cues = ["Go"]

[primary]
angle = "knee_flexion"
start = 0
target = 90
min_range = 30

[[faults]]
name = "lean"
angle = "trunk_forward_lean"
comparison = "greater"
limit = 40
cue = "Chest up"
'''


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_shipped_file_validates(path: Path):
    spec = load_spec(path)
    assert spec.id == path.stem
    assert spec.description and spec.cues and spec.name
    for f in spec.faults:
        assert f.cue.strip()


def test_library_has_the_required_exercises():
    lib = library()
    assert len(lib) >= 24
    assert set(REQUIRED) <= set(lib)
    assert {s.category for s in lib.values()} == set(CATEGORIES)
    assert sum(s.position == "seated" for s in lib.values()) >= 5
    holds = {s.id for s in lib.values() if s.is_hold}
    assert {"single_leg_stance", "tandem_stance", "hamstring_stretch", "calf_stretch"} <= holds
    assert isinstance(get_spec("squat"), ExerciseSpec)
    with pytest.raises(InputError, match="unknown exercise"):
        get_spec("nope")


def _write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_spec_parses(tmp_path):
    s = load_spec(_write(tmp_path, GOOD))
    assert s.primary.direction == "increase" and s.primary.tolerance == 10.0
    assert s.tempo.up_s == 2.0 and s.faults[0].severity == "moderate" and s.faults[0].side == "same"
    assert s.sided and not s.is_hold


@pytest.mark.parametrize("change,field,problem", [
    (('category = "strength"', 'category = "cardio"'), "category", "not one of"),
    (('angle = "knee_flexion"', 'angle = "knee_bend"'), "primary.angle", "unknown angle"),
    (("target = 90", "target = 0"), "primary.target", "must differ"),
    (("min_range = 30", "min_range = 120"), "primary.min_range", "more than"),
    (("reps = 10", "reps = 0"), "reps", "1..100"),
    (("reps = 10", 'reps = "ten"'), "reps", "must be int"),
    (('comparison = "greater"', 'comparison = "more"'), "faults[0].comparison", "not one of"),
    (('cue = "Chest up"', 'cue = " "'), "faults[0].cue", "must not be empty"),
    (('scene = "park_path"', 'scene = "moon"'), "scene", "not one of"),
    (('sides = "both"', 'sides = "bilateral"\ncolour = "red"'), "colour", "unknown field"),
    (('id = "demo"', 'id = "Demo!"'), "id", "lower-case"),
])
def test_broken_fields_are_named(tmp_path, change, field, problem):
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as e:
        load_spec(path)
    msg = str(e.value)
    assert str(path) in msg and f"{field}:" in msg and problem in msg


def test_missing_field_syntax_error_and_file_name(tmp_path):
    with pytest.raises(InputError, match="description: missing"):
        load_spec(_write(tmp_path, GOOD.replace('description = "A demo."', "")))
    with pytest.raises(InputError, match=r"TOML syntax error.*line 3"):
        load_spec(_write(tmp_path, 'id = "demo"\nname = "x"\nreps = = 3\n'))
    with pytest.raises(InputError, match="must match the file name"):
        load_spec(_write(tmp_path, GOOD, "other.toml"))
    with pytest.raises(InputError, match="cannot read"):
        load_spec(tmp_path / "absent.toml")
    with pytest.raises(InputError, match="not sided"):
        load_spec(_write(tmp_path, GOOD.replace('angle = "knee_flexion"', 'angle = "hip_height"')))


def test_load_library_of_a_folder(tmp_path):
    _write(tmp_path, GOOD)
    assert list(load_library(tmp_path)) == ["demo"]
    with pytest.raises(InputError, match="not found"):
        load_library(tmp_path / "none")


def test_cli_list_show_check(tmp_path, capsys):
    assert main(["exercises", "list", "--category", "balance"]) == 0
    out = capsys.readouterr().out
    assert "single_leg_stance" in out and "squat " not in out
    assert main(["exercises", "show", "hurdle_step"]) == 0
    assert "primary angle hip_flexion" in capsys.readouterr().out
    good = _write(tmp_path, GOOD)
    bad = _write(tmp_path, GOOD.replace("reps = 10", "reps = -1"), "bad.toml")
    assert main(["exercises", "check", str(good)]) == 0
    assert main(["exercises", "check", str(good), str(bad)]) == 2
    out = capsys.readouterr()
    assert "FAIL" in out.out and "reps: must be 1..100" in out.out
    assert main(["exercises", "show", "nope"]) == 2
    assert main(["exercises", "angles"]) == 0
    assert "knee_flexion_l" in capsys.readouterr().out
