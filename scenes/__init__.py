"""PhysioQuest's 3D places: one Panda3D scene per module, built from code and assets/scenes.

``SCENES`` maps a scene name (the ExerciseSpec ``scene`` field) to its class;
``create_scene(name, parent)`` makes one (call ``build()`` next). See docs/scenes.md.
"""
from __future__ import annotations

from typing import Any

from panda3d.core import NodePath

from scenes.base import Reach, Scene
from scenes.kitchen import Kitchen
from scenes.living_room import LivingRoom
from scenes.orchard import Orchard
from scenes.park_path import ParkPath
from scenes.settings import SceneSettings
from scenes.shore import Shore
from scenes.stepping_stones import SteppingStones

#: Scene name -> class, in the order a menu lists them.
SCENES: dict[str, type[Scene]] = {
    cls.name: cls for cls in (ParkPath, Kitchen, Orchard, SteppingStones, LivingRoom, Shore)}
SCENE_NAMES: tuple[str, ...] = tuple(SCENES)
DEFAULT_SCENE = "park_path"


def create_scene(name: str, parent: NodePath, settings: SceneSettings | None = None,
                 rng_seed: int = 0) -> Scene:
    """A scene by name (KeyError listing the known names if unknown); not yet built."""
    try:
        cls = SCENES[name]
    except KeyError:
        raise KeyError(f"unknown scene {name!r}; known: {', '.join(SCENE_NAMES)}") from None
    return cls(parent, settings, rng_seed)


def scene_for_exercise(spec: Any) -> str:
    """The scene hosting an exercise (a spec, or a shipped spec's id): the spec's ``scene``
    field if it names a scene, else the default."""
    if isinstance(spec, str):
        try:
            from tracking.exercise.library import get_spec
            spec = get_spec(spec)
        except Exception:  # unknown id or unreadable library: the default scene will do
            return DEFAULT_SCENE
    name = getattr(spec, "scene", None)
    return name if name in SCENES else DEFAULT_SCENE


__all__ = ["SCENES", "SCENE_NAMES", "DEFAULT_SCENE", "Reach", "Scene", "create_scene",
           "scene_for_exercise"]
