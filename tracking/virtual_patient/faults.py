"""Compensations the virtual patient can show, each a DOF change (degrees per unit magnitude).

A fault rule of an exercise spec (``[[faults]]``) is injected by what it measures: its angle
and direction (``INJECTIONS``). Keys use the same ``{s}``/``{o}``/``~`` patterns as motions
(``{s}`` = the side the fault is on; ``~`` flips sign for the right side). Some have variants: ``generate`` takes the first variant that
does not also push another fault of the same exercise over its limit, so that an injected
fault is the only one there is to find. Example: a side lean of the trunk on the pelvis
also tilts the shoulder line against the hip line (a "shoulder hike"); leaning the whole
upper body at the hips instead tilts the hip line (a "pelvic drop") but not the shoulders.
"""
from __future__ import annotations

import numpy as np

from tracking.angles import ANGLES, SIDED
from tracking.exercise.spec import FaultRule

_SIDE_LEAN_TRUNK = {"~trunk_lateral_lean": -1.0}  # away from the working side
_SIDE_LEAN_BLOCK = {"~pelvis_obliquity": 1.0, "~hip_abduction_l": -1.0, "~hip_abduction_r": 1.0}
#: The whole body sways forward at the ankles (the "ankle strategy" of standing balance):
#: trunk and pelvis tip together, the hips stay as they were, the feet stay flat. A forward
#: lean at the hip (trunk_flexion) also bends the hips as measured (trunk against thigh).
#: Only for motions that do not level the feet themselves (upright standing): in a squat it
#: would ask the ankles for more dorsiflexion than they have.
_SWAY = {"pelvis_tilt": 1.0, "ankle_plantarflexion_l": -1.0, "ankle_plantarflexion_r": -1.0}

#: (angle of the fault rule, +1 for "greater"/"abs_greater", -1 for "less") -> variants (first
#: preferred), each a DOF pattern per unit magnitude, on the side(s) the rule watches.
INJECTIONS: dict[tuple[str, int], tuple[dict[str, float], ...]] = {
    ("trunk_forward_lean", 1): ({"trunk_flexion": 1.0}, {"trunk_flexion": -1.0}, _SWAY,
                                {k: -v for k, v in _SWAY.items()}),
    ("trunk_forward_lean", -1): ({"trunk_flexion": -1.0}, {k: -v for k, v in _SWAY.items()}),
    ("trunk_lateral_lean", 1): (_SIDE_LEAN_TRUNK, _SIDE_LEAN_BLOCK),
    ("knee_valgus", 1): ({"hip_rotation_{s}": 1.0, "hip_abduction_{s}": -0.3},),
    ("knee_ankle_separation", -1): ({"hip_rotation_{s}": 1.0, "hip_abduction_{s}": -0.5},
                                    {"hip_abduction_{s}": -1.0}),
    ("heel_raise", 1): ({"ankle_plantarflexion_{s}": 1.0},),
    ("knee_flexion", 1): ({"knee_flexion_{s}": 1.0},),
    ("pelvic_drop", 1): ({"~pelvis_obliquity": -1.0, "~trunk_lateral_lean": -1.0,
                          "hip_abduction_{o}": -1.0},),
    ("shoulder_hike", 1): ({"shoulder_elevation_{s}": 1.0}, {"shoulder_elevation_l": 1.0}),
    ("elbow_flexion", 1): ({"elbow_flexion_{s}": 1.0},),
    ("elbow_flexion", -1): ({"elbow_flexion_{s}": -1.0},),
    ("shoulder_flexion", 1): ({"shoulder_flexion_{s}": 1.0},),
    ("hip_flexion", 1): ({"hip_flexion_{s}": 1.0},),
    ("shoulder_rotation", 1): ({"shoulder_rotation_{s}": 1.0},),
    ("stance_width", -1): ({"hip_abduction_l": -0.5, "hip_abduction_r": -0.5},),
    ("wrist_height", -1): ({"shoulder_flexion_{s}": -1.0, "shoulder_abduction_{s}": -0.5},),
    ("shoulder_elevation", 1): ({"shoulder_abduction_{s}": 0.8, "shoulder_flexion_{s}": 0.6},),
    ("shoulder_abduction", 1): ({"shoulder_abduction_{s}": 1.0},),
    ("shoulder_extension", 1): ({"shoulder_flexion_{s}": -1.0},),
    ("hip_abduction", 1): ({"hip_abduction_{s}": 1.0},),
    ("hip_extension", 1): ({"hip_flexion_{s}": -1.0},),
    ("ankle_lift", 1): ({"hip_flexion_{s}": 0.5, "knee_flexion_{s}": 1.0},
                        {"hip_flexion_l": 0.5, "knee_flexion_l": 1.0}),
}


def family(rule: FaultRule) -> tuple[str, int]:
    """A fault's kind: its angle and direction. Tiers of one compensation (``*_mild``,
    ``*_clear``, ``*_marked``) share a family; injecting one may show the others."""
    return rule.angle, (-1 if rule.comparison == "less" else 1)


def variants(rule: FaultRule) -> tuple[dict[str, float], ...]:
    try:
        return INJECTIONS[family(rule)]
    except KeyError:
        raise ValueError(f"the virtual patient cannot show fault {rule.name!r} "
                         f"({rule.angle} {rule.comparison} {rule.limit}) yet") from None


def fault_sides(rule: FaultRule, sides: tuple[str, ...]) -> tuple[str, ...]:
    """The side(s) a fault shows on, for a movement on ``sides`` (("l",), ("r",) or both)."""
    if rule.side == "opposite" and len(sides) == 1:
        return ("r",) if sides == ("l",) else ("l",)
    return sides


def measure_names(rule: FaultRule, sides: tuple[str, ...]) -> tuple[str, ...]:
    """Angle-table names whose values decide the fault (the worst of them counts)."""
    if rule.angle in ANGLES and (rule.angle not in SIDED or rule.side == "none"):
        return (rule.angle,)
    return tuple(f"{rule.angle}_{s}" for s in fault_sides(rule, sides))


def excess(rule: FaultRule, values: np.ndarray) -> np.ndarray:
    """How far values are past the limit (positive = the fault is there)."""
    v = np.asarray(values, float)
    if rule.comparison == "greater":
        return v - rule.limit
    if rule.comparison == "less":
        return rule.limit - v
    return np.abs(v) - rule.limit


def margin(rule: FaultRule) -> float:
    """How clearly an injected fault exceeds its limit (and a clean motion stays below)."""
    return max(4.0, 0.15 * abs(rule.limit))
