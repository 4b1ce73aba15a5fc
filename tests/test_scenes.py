"""Scenes: every scene builds offscreen, stays cheap, reacts to exercise events, follows the
calibrated reach, renders a picture that is not blank; settings files are validated."""
from __future__ import annotations

import builtins
import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("panda3d")

from scenes import SCENE_NAMES, SCENES, create_scene, scene_for_exercise  # noqa: E402
from scenes.base import hold_fraction  # noqa: E402
from scenes.preview import close_base, frame_pixels, offscreen_base, render_frames  # noqa: E402
from scenes.settings import ASSET_DIR, load_settings, parse_settings  # noqa: E402
from tracking.errors import InputError  # noqa: E402


# Duck-typed stand-ins for tracking.exercise events: scenes match them by class name.
@dataclasses.dataclass
class RepCompleted:
    exercise_id: str = ""
    side: str = ""


@dataclasses.dataclass
class HoldProgress:
    held_s: float = 0.0
    target_s: float = 10.0


@dataclasses.dataclass
class HoldCompleted:
    held_s: float = 10.0


@dataclasses.dataclass
class FormFault:
    name: str = "trunk_lean"


@dataclasses.dataclass
class SetCompleted:
    reps: int = 5


@pytest.fixture(scope="module")
def base():
    existing = getattr(builtins, "base", None)  # another test module may own the ShowBase
    if existing is not None:
        yield existing
        return
    made = offscreen_base(320, 180)
    yield made
    close_base(made)  # leave no ShowBase behind for other test modules


@pytest.fixture
def make(base):
    made = []

    def _make(name: str, seed: int = 0):
        scene = create_scene(name, base.render, rng_seed=seed)
        scene.build()
        made.append(scene)
        return scene
    yield _make
    for scene in made:
        scene.destroy()


def test_registry_has_the_six_scenes():
    assert set(SCENE_NAMES) == {"park_path", "kitchen", "orchard", "stepping_stones",
                                "living_room", "shore"}
    for name, cls in SCENES.items():
        assert cls.name == name and cls.hosts and cls.title
    with pytest.raises(KeyError, match="known"):
        create_scene("moon_base", None)  # type: ignore[arg-type]


def test_scene_for_exercise_uses_the_spec_field():
    class Spec:
        scene = "orchard"
    assert scene_for_exercise(Spec()) == "orchard"
    Spec.scene = "nowhere"
    assert scene_for_exercise(Spec()) == "park_path"
    assert scene_for_exercise("no_such_exercise") == "park_path"
    try:
        from tracking.exercise.library import get_spec
        expected = get_spec("sit_to_stand").scene
    except Exception:
        pytest.skip("exercise library not available")
    assert scene_for_exercise("sit_to_stand") == expected


@pytest.mark.parametrize("name", sorted(SCENES))
def test_scene_builds_cheap_and_renders_a_picture(base, make, name):
    scene = make(name)
    assert 0 < scene.geom_count() < 300
    render_frames(base, scene, 2)
    px = frame_pixels(base).astype(np.int32)
    assert px.std() > 12, "frame looks blank"
    distinct = {tuple(c) for c in (px // 24).reshape(-1, 3)}
    assert len(distinct) >= 12, f"only {len(distinct)} distinct colours"
    # the ground / floor fills the lower part and the upper part differs (sky, walls)
    assert np.abs(px[:60].mean(axis=(0, 1)) - px[-60:].mean(axis=(0, 1))).sum() > 10
    pos, heading = scene.avatar_anchor()
    cam, look = scene.camera_pose()
    assert (cam - look).length() > 1.0
    assert -360 <= heading <= 360
    assert scene.progress() == 0.0


def test_destroy_removes_everything(base):
    scene = create_scene("living_room", base.render)
    assert scene.on_event(RepCompleted()) is False  # not built yet: ignored, no crash
    scene.update(0.1)
    scene.build()
    scene.destroy()
    assert scene.root.isEmpty()
    scene.destroy()  # twice is harmless


def test_park_rep_walks_the_patient_forward(make):
    scene = make("park_path")
    start, _ = scene.avatar_anchor()
    cam0, _ = scene.camera_pose()
    for _ in range(3):
        assert scene.on_event(RepCompleted("march_in_place"))
    for _ in range(120):
        scene.update(1 / 30)
    end, _ = scene.avatar_anchor()
    walked = (end - start).length()
    step = scene.settings.layout["step_length"]
    assert walked == pytest.approx(3 * step, rel=0.15)
    assert (scene.camera_pose()[0] - cam0).length() > 1.0
    assert scene.progress() == pytest.approx(3 * step / scene.length)


def test_kitchen_rep_puts_an_item_in_the_basket(make):
    scene = make("kitchen")
    scene.set_exercise("shoulder_abduction")
    item = next(it[0] for it in scene.remaining() if it[1] == "side")
    basket = scene.basket_point()
    before = (item.getPos() - basket).length()
    scene.on_event(RepCompleted("shoulder_abduction", side="left"))
    for _ in range(60):
        scene.update(1 / 30)
    assert item in scene.in_basket
    assert (item.getPos() - basket).length() < before / 3
    assert item.getX() < 0.5  # a left-side item went
    assert scene.progress() == pytest.approx(1 / len(scene.items))


def test_kitchen_shelves_follow_the_calibrated_reach(make):
    scene = make("kitchen")
    scene.set_reach({"overhead": 1.8, "shoulder_height": 1.35, "forward": 0.5})
    low_top = scene.boards["top"].getZ()
    front_item = next(it[0] for it in scene.items if it[1] == "front")
    assert front_item.getY() == pytest.approx(0.5)
    assert front_item.getZ() == pytest.approx(1.35 - 0.08)
    scene.set_reach({"overhead": 2.1})
    assert scene.boards["top"].getZ() == pytest.approx(low_top + 0.3)
    with pytest.raises(ValueError):
        scene.set_reach({"overhead": -1})
    with pytest.raises(ValueError):
        scene.set_reach({"armspan": 1.0})


def test_orchard_picks_overhead_and_gathers_with_squats(make):
    scene = make("orchard")
    scene.set_reach({"overhead": 1.9, "low": 0.6})
    assert all(abs(f.getZ() - 1.9) < 0.1 for f in scene.hanging)
    assert all(abs(f.getZ() - 0.585) < 0.01 for f in scene.windfalls)  # on the stump
    scene.set_reach({"low": 0.05})
    assert all(f.getZ() < 0.1 for f in scene.windfalls) and scene.stump.isHidden()
    scene.set_exercise("shoulder_flexion")
    scene.on_event(RepCompleted())
    scene.set_exercise("squat")
    scene.on_event(RepCompleted())
    for _ in range(60):
        scene.update(1 / 30)
    assert scene.in_crate[0] in scene.hanging and scene.in_crate[1] in scene.windfalls
    assert all(f.getZ() < 0.5 for f in scene.in_crate)
    assert scene.progress() == pytest.approx(2 / 12)


def test_stepping_stones_hold_fills_then_hops(make):
    scene = make("stepping_stones")
    start, _ = scene.avatar_anchor()
    scene.on_event(HoldProgress(held_s=5, target_s=10))
    assert scene.hold == pytest.approx(0.5)
    small = scene.ring.getSx()
    scene.on_event(HoldProgress(held_s=9, target_s=10))
    assert scene.ring.getSx() > small
    scene.on_event(HoldCompleted())
    for _ in range(60):
        scene.update(1 / 30)
    end, _ = scene.avatar_anchor()
    assert end.y > start.y + 0.3 and end.z > 0  # on the first stone
    assert scene.progress() > 0


def test_living_room_rep_lights_a_bulb(make):
    scene = make("living_room")
    off = scene.bulbs[0].getColorScale()
    scene.on_event(RepCompleted("sit_to_stand"))
    scene.update(1 / 30)
    on = scene.bulbs[0].getColorScale()
    assert on != off and scene.bulbs[1].getColorScale() == off
    scene.on_event(FormFault())
    scene.update(1 / 30)
    assert scene.faults == 1
    assert scene.on_event(SetCompleted())
    assert scene.progress() == pytest.approx(1 / len(scene.bulbs))


def test_shore_orb_breathes_and_beads_time_the_hold(make):
    scene = make("shore")
    lay = scene.settings.layout
    sizes = []
    for _ in range(int((lay["inhale_s"] + lay["exhale_s"]) * 10)):
        scene.update(0.1)
        sizes.append(scene.orb.getSx())
    assert max(sizes) > 1.8 and min(sizes) < 1.2
    assert int(np.argmax(sizes)) == pytest.approx(lay["inhale_s"] * 10, abs=2)
    scene.on_event(HoldProgress(held_s=5, target_s=10))
    lit = [b.getColorScale() == scene.beads[0].getColorScale() for b in scene.beads]
    assert sum(lit) == len(scene.beads) // 2
    scene.on_event(HoldCompleted())
    assert scene.progress() == 1.0


def test_unknown_events_are_ignored(make):
    scene = make("park_path")

    class SessionStarted:
        pass
    assert scene.on_event(SessionStarted()) is False


def test_hold_fraction_reads_several_field_names():
    class A:
        fraction = 0.25

    class B:
        elapsed_s, target_s = 3.0, 12.0
    assert hold_fraction(A()) == 0.25
    assert hold_fraction(B()) == 0.25
    assert hold_fraction(object()) == 0.0


# --- settings files ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SCENES))
def test_default_settings_files_load(name):
    s = load_settings(name, SCENES[name].SCHEMA)
    assert s.name == name and s.palette and all(len(c) == 4 for c in s.palette.values())


def _doc(name: str) -> dict:
    return tomllib.loads((ASSET_DIR / f"{name}.toml").read_text())


def test_bad_colour_names_file_and_field():
    doc = _doc("park_path")
    doc["palette"]["grass_a"] = "green"
    with pytest.raises(InputError, match=r"park_path.toml: palette.grass_a: expected a colour"):
        parse_settings(doc, SCENES["park_path"].SCHEMA, "park_path.toml")


def test_count_out_of_range_and_missing_keys_are_refused():
    schema = SCENES["park_path"].SCHEMA
    doc = _doc("park_path")
    doc["counts"]["trees"] = 5000
    with pytest.raises(InputError, match=r"counts.trees: 5000 is outside"):
        parse_settings(doc, schema, "f.toml")
    doc = _doc("park_path")
    del doc["layout"]["step_length"]
    with pytest.raises(InputError, match=r"\[layout\]: missing step_length"):
        parse_settings(doc, schema, "f.toml")
    doc = _doc("park_path")
    doc["light"]["key_hpr"] = [1, 2]
    with pytest.raises(InputError, match=r"light.key_hpr"):
        parse_settings(doc, schema, "f.toml")


def test_optional_sky_glow():
    shore = load_settings("shore", SCENES["shore"].SCHEMA)
    assert shore.sky.glow is not None
    assert load_settings("park_path", SCENES["park_path"].SCHEMA).sky.glow is None
    doc = _doc("shore")
    doc["sky"]["glow"] = "pink"
    with pytest.raises(InputError, match="sky.glow"):
        parse_settings(doc, SCENES["shore"].SCHEMA, "f.toml")
    doc["sky"]["sparkle"] = "#ffffff"
    with pytest.raises(InputError, match=r"\[sky\]: unknown sparkle"):
        parse_settings(doc, SCENES["shore"].SCHEMA, "f.toml")


def test_settings_file_errors(tmp_path: Path):
    bad = tmp_path / "kitchen.toml"
    bad.write_text("name = [")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings("kitchen", SCENES["kitchen"].SCHEMA, bad)
    with pytest.raises(InputError, match="not found"):
        load_settings("kitchen", SCENES["kitchen"].SCHEMA, tmp_path / "none.toml")
    other = tmp_path / "other.toml"
    other.write_text((ASSET_DIR / "shore.toml").read_text())
    with pytest.raises(InputError, match="expected 'kitchen'"):
        load_settings("kitchen", SCENES["shore"].SCHEMA, other)


def test_reacts_to_the_tracker_s_real_event_classes(make):
    events = pytest.importorskip("tracking.exercise.events")
    scene = make("stepping_stones")
    assert scene.on_event(events.HoldProgress(t_s=1.0, side="", elapsed_s=3.0, target_s=12.0))
    assert scene.hold == pytest.approx(0.25)
    assert scene.on_event(events.HoldCompleted(t_s=13.0, side="", held_s=12.0))
    assert scene.index == 1
    kitchen = make("kitchen")
    kitchen.set_exercise("shoulder_abduction")
    assert kitchen.on_event(events.RepCompleted(t_s=2.0, side="right"))
    assert kitchen.in_basket[0].getX() > 0  # the right-side stand (+x: the patient's right)
    assert kitchen.on_event(events.FormFault(t_s=2.5, side="", name="trunk_lean", cue="Stand tall"))
    assert kitchen.on_event(events.SetCompleted(t_s=3.0, side="", set_index=1, reps=1))

