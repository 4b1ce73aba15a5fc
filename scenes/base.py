"""The Scene interface every PhysioQuest environment implements.

Coordinates: Panda3D's, metres, +z up. A scene builds everything under its own ``root``
(a child of the ``parent`` it is given) and never touches the camera, the window or
``base``: the game asks ``camera_pose()`` and ``avatar_anchor()`` every frame and places
them itself. Lights are attached under ``root`` and applied with ``root.setLight``, so
they light only the scene (and the avatar, if the game parents it under ``root``).

Life cycle (driven by the game)::

    scene = create_scene("park_path", render, rng_seed=3)
    scene.build()
    scene.set_reach({"overhead": 1.95, "forward": 0.55})   # after calibration, any time
    scene.set_exercise("march_in_place")                   # the exercise now played
    every frame: scene.update(dt); pos, look = scene.camera_pose()
    for every exercise event: scene.on_event(event)       # RepCompleted, HoldProgress...
    scene.progress() -> 0..1;  scene.destroy()
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Mapping

from panda3d.core import (AmbientLight, DirectionalLight, NodePath, Point3)

from scenes.settings import SceneSettings, Schema, load_settings
from scenes.sky import add_sky

#: Event class names a scene reacts to (tracking.exercise events, matched by class name).
EVENT_NAMES = ("RepCompleted", "HoldProgress", "HoldCompleted", "FormFault", "SetCompleted")


@dataclass(frozen=True)
class Reach:
    """The patient's calibrated reach, metres (floor = 0; horizontal from the shoulder).

    ``set_reach`` takes a dict with any of these keys; missing keys keep their value.
    """

    shoulder_height: float = 1.40  #: shoulder height above the floor when standing
    overhead: float = 2.00  #: height the hands reach overhead
    forward: float = 0.60  #: horizontal reach forward from the shoulder
    side: float = 0.65  #: horizontal reach sideways from the shoulder
    low: float = 0.40  #: lowest hand height reached in a squat / bend

    def updated(self, values: Mapping[str, float]) -> "Reach":
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown reach keys: {', '.join(unknown)}")
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0.0 < float(value) < 3.0:
                raise ValueError(f"reach {key}: expected metres in 0..3, got {value!r}")
        return replace(self, **{k: float(v) for k, v in values.items()})


def hold_fraction(event: Any) -> float:
    """0..1 progress of a HoldProgress event, whatever its field names."""
    for name in ("fraction", "progress"):
        value = getattr(event, name, None)
        if isinstance(value, (int, float)):
            return max(0.0, min(1.0, float(value)))
    held = next((getattr(event, n) for n in ("held_s", "elapsed_s", "seconds")
                 if isinstance(getattr(event, n, None), (int, float))), None)
    target = next((getattr(event, n) for n in ("target_s", "goal_s", "hold_s")
                   if isinstance(getattr(event, n, None), (int, float))), None)
    if held is not None and target:
        return max(0.0, min(1.0, float(held) / float(target)))
    return 0.0


class Scene:
    """Base class: settings, sky, lights, event dispatch, geom counting.

    Subclasses set ``name``, ``title``, ``hosts``, ``SCHEMA`` and implement
    ``_build_static`` / ``_build_dynamic`` plus the ``_on_*`` reactions they need.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: What kind of exercises the scene hosts (for people; specs name the scene).
    hosts: ClassVar[tuple[str, ...]] = ()
    SCHEMA: ClassVar[Schema] = Schema()

    def __init__(self, parent: NodePath, settings: SceneSettings | None = None,
                 rng_seed: int = 0) -> None:
        self.settings = settings if settings is not None else load_settings(self.name,
                                                                            self.SCHEMA)
        self.rng_seed = rng_seed
        self.root = parent.attachNewNode(f"scene-{self.name}")
        self.reach = Reach()
        self.exercise_id = ""
        self.reps = 0
        self.faults = 0
        self.caution = 0.0  #: seconds left of the amber "careful" tint after a FormFault
        self.built = False

    # --- the interface -------------------------------------------------------------
    def build(self) -> None:
        """Make the geometry (static parts flattened) and the lights. Call once."""
        if self.built:
            return
        s = self.settings
        add_sky(self.root, s.sky)
        static = self.root.attachNewNode("static")
        self._build_static(static)
        static.flattenStrong()
        self._build_dynamic(self.root.attachNewNode("dynamic"))
        self._add_lights()
        self.built = True
        self._place_for_reach()

    def avatar_anchor(self) -> tuple[Point3, float]:
        """Where the patient's avatar stands (feet) and its heading in degrees."""
        return Point3(0, 0, 0), 0.0

    def camera_pose(self) -> tuple[Point3, Point3]:
        """Camera position and the point it looks at; may move after ``update``."""
        return Point3(0, -6, 2), Point3(0, 0, 1)

    def set_reach(self, reach: Mapping[str, float]) -> None:
        """Calibrated reach (keys of ``Reach``); targets move to it. ValueError if bad."""
        self.reach = self.reach.updated(reach)
        if self.built:
            self._place_for_reach()

    def set_exercise(self, exercise_id: str) -> None:
        """The exercise now played (spec id); scenes hosting several adapt to it."""
        self.exercise_id = exercise_id

    def on_event(self, event: Any) -> bool:
        """React to an exercise event (matched by class name). True if handled; False for
        other events and before ``build``."""
        if not self.built:
            return False
        kind = type(event).__name__
        if kind == "RepCompleted":
            self.reps += 1
            self._on_rep(event)
        elif kind == "HoldProgress":
            self._on_hold_progress(event, hold_fraction(event))
        elif kind == "HoldCompleted":
            self._on_hold_completed(event)
        elif kind == "FormFault":
            self.faults += 1
            self.caution = 1.5
            self._on_fault(event)
        elif kind == "SetCompleted":
            self._on_set_completed(event)
        else:
            return False
        return True

    def update(self, dt: float) -> None:
        """Advance animations by ``dt`` seconds (nothing to do before ``build``)."""
        if not self.built:
            return
        self.caution = max(0.0, self.caution - dt)
        self._update(dt)

    def progress(self) -> float:
        """0..1: how far the patient has come in this scene's journey."""
        return 0.0

    def destroy(self) -> None:
        """Remove everything this scene made (a second call does nothing)."""
        if self.root.isEmpty():
            return
        self.root.clearLight()
        self.root.clearFog()
        self.root.removeNode()
        self.built = False

    def geom_count(self) -> int:
        """Number of Geoms under the scene root (a cost measure for rendering)."""
        return sum(np.node().getNumGeoms() for np in self.root.findAllMatches("**/+GeomNode"))

    # --- for subclasses ------------------------------------------------------------
    def _build_static(self, node: NodePath) -> None:  # geometry that never moves
        raise NotImplementedError

    def _build_dynamic(self, node: NodePath) -> None:  # things that move on events
        pass

    def _place_for_reach(self) -> None:
        pass

    def _on_rep(self, event: Any) -> None:
        pass

    def _on_hold_progress(self, event: Any, fraction: float) -> None:
        pass

    def _on_hold_completed(self, event: Any) -> None:
        pass

    def _on_fault(self, event: Any) -> None:
        pass

    def _on_set_completed(self, event: Any) -> None:
        pass

    def _update(self, dt: float) -> None:
        pass

    def _add_lights(self) -> None:
        li = self.settings.light
        key = DirectionalLight("key")
        key.setColor(li.key_colour)
        key_np = self.root.attachNewNode(key)
        key_np.setHpr(*li.key_hpr)
        fill = DirectionalLight("fill")
        fill.setColor(li.fill_colour)
        fill_np = self.root.attachNewNode(fill)
        fill_np.setHpr(*li.fill_hpr)
        amb = AmbientLight("ambient")
        amb.setColor(li.ambient)
        amb_np = self.root.attachNewNode(amb)
        for light in (key_np, fill_np, amb_np):
            self.root.setLight(light)
