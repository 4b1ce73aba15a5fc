"""How the virtual patient performs each exercise: a start pose and a movement, in body DOFs.

A ``Motion`` is a rest (start) pose plus the DOF change from rest to the peak of a
repetition at amplitude 1 (``move``), and optionally a detour taken on the way
(``arc``: added with weight sin(pi * phase), e.g. the forward lean of a sit-to-stand).
Keys may hold ``{s}`` (the working side: ``l`` or ``r``) or ``{o}`` (the other side); for a
bilateral movement ``{s}`` means both sides and ``{o}`` nothing. Values under a key starting
with ``~`` flip sign on the right side (movements towards the patient's left, such as a
lateral lean, mirror to the right). ``generate`` scales the amplitude so that the exercise's
primary angle, measured by ``tracking.kinematics``, reaches the requested value.

Every exercise of assets/exercises/ has an entry in ``MOTIONS`` (a test checks this).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from tracking.virtual_patient.body import DOF_DEFAULTS, level_ankle

_SEATED = {"hip_flexion_l": 90.0, "hip_flexion_r": 90.0, "knee_flexion_l": 90.0,
           "knee_flexion_r": 90.0}
_SQUAT = {"knee_flexion_{s}": 90.0, "hip_flexion_{s}": 97.0, "pelvis_tilt": 30.0,
          "shoulder_flexion_{s}": 60.0}


@dataclass(frozen=True)
class Motion:
    """Rest pose, movement to the peak at amplitude 1, and how to pose the feet."""

    rest: Mapping[str, float] = field(default_factory=dict)
    move: Mapping[str, float] = field(default_factory=dict)
    arc: Mapping[str, float] = field(default_factory=dict)
    level_feet: bool = False  #: recompute the ankles so both feet stay flat
    max_amplitude: float = 2.0  #: calibration searches amplitudes 0..this
    note: str = ""


MOTIONS: dict[str, Motion] = {
    "squat": Motion(move=_SQUAT, level_feet=True, note="feet flat, hips back, arms forward"),
    "mini_squat": Motion(move=_SQUAT, level_feet=True),
    # UI-PRMD's correct deep squats push the knees out over the feet from the start (knee
    # valgus relative to the start: median of the repetition's maximum -3.1 deg, subjects 1-4):
    # the thighs abduct and turn out 10 deg at the bottom
    "deep_squat": Motion(move={**_SQUAT, "pelvis_tilt": 27.0, "hip_abduction_{s}": 10.0,
                               "hip_rotation_{s}": -10.0}, level_feet=True,
                         note="knees pushed out over the feet"),
    # Feet a little wider than the hips (ankles 0.31 m apart): the knees then sit at 85 % of
    # the ankles' distance (knee-ankle separation ratio), as in UI-PRMD's correct sit-to-stands
    # (start median 86, subjects 1-6); an earlier 17-degree stance (ankles 0.72 m) read 63-70,
    # knees-in by the ratio, and made the side camera's perspective bend the thighs 1.8 degrees
    "sit_to_stand": Motion(rest={"hip_abduction_l": 3.0, "hip_abduction_r": 3.0,
                                 "shoulder_flexion_l": 35.0, "shoulder_flexion_r": 35.0,
                                 "elbow_flexion_l": 110.0, "elbow_flexion_r": 110.0},
                           move={"hip_flexion_{s}": 90.0, "knee_flexion_{s}": 90.0},
                           arc={"pelvis_tilt": 35.0, "hip_flexion_{s}": 35.0,
                                "shoulder_flexion_{s}": 35.0},
                           level_feet=True, max_amplitude=1.3,
                           note="standing -> seated on a 0.5 m chair -> standing (as UI-PRMD); feet "
                                "a little wider than the hips and flat, hands at the chest, held level "
                                "while leaning"),
    "heel_raise": Motion(move={"ankle_plantarflexion_{s}": 30.0}),
    "calf_stretch": Motion(rest={"hip_flexion_{s}": -3.0, "hip_flexion_{o}": 5.0,
                                 "knee_flexion_{o}": 5.0},
                           move={"hip_flexion_{s}": -20.0, "hip_flexion_{o}": 20.0,
                                 "knee_flexion_{o}": 30.0, "pelvis_tilt": 5.0,
                                 "shoulder_flexion_{s}": 80.0, "shoulder_flexion_{o}": 80.0},
                           level_feet=True, note="working leg behind, heel down, leaning forward"),
    "forward_reach": Motion(move={"shoulder_flexion_{s}": 90.0, "trunk_flexion": 5.0}),
    "overhead_reach": Motion(move={"shoulder_flexion_{s}": 150.0, "shoulder_abduction_{s}": 10.0}),
    "shoulder_abduction": Motion(move={"shoulder_abduction_{s}": 150.0,
                                       "shoulder_rotation_{s}": 40.0}),
    "shoulder_scaption": Motion(move={"shoulder_abduction_{s}": 130.0,
                                      "shoulder_flexion_{s}": 75.0}),
    "shoulder_extension": Motion(rest={"elbow_flexion_l": 35.0, "elbow_flexion_r": 35.0,
                                       "shoulder_rotation_l": -60.0, "shoulder_rotation_r": -60.0},
                                 move={"shoulder_flexion_{s}": -45.0},
                                 note="palms facing backwards, elbows bent a little"),
    "shoulder_internal_external_rotation": Motion(
        rest={"shoulder_abduction_{s}": 90.0, "elbow_flexion_{s}": 90.0, "shoulder_rotation_{s}": 90.0},
        move={"shoulder_rotation_{s}": -90.0},
        note="upper arm out at shoulder height, elbow bent 90, forearm up; turns forward and down"),
    "standing_hip_abduction": Motion(move={"hip_abduction_{s}": 30.0, "~trunk_lateral_lean": -2.0}),
    "standing_straight_leg_raise": Motion(move={"hip_flexion_{s}": 60.0,
                                                "ankle_plantarflexion_{s}": -10.0}),
    "hurdle_step": Motion(move={"hip_flexion_{s}": 70.0, "knee_flexion_{s}": 80.0,
                                "ankle_plantarflexion_{s}": -10.0, "shoulder_abduction_{s}": 10.0,
                                "shoulder_abduction_{o}": 10.0}),
    "marching_in_place": Motion(move={"hip_flexion_{s}": 60.0, "knee_flexion_{s}": 70.0,
                                      "shoulder_flexion_{o}": 25.0, "shoulder_flexion_{s}": -15.0,
                                      "elbow_flexion_{s}": 20.0, "elbow_flexion_{o}": 20.0}),
    "single_leg_stance": Motion(move={"hip_flexion_{s}": 25.0, "knee_flexion_{s}": 50.0,
                                      "shoulder_abduction_{s}": 15.0, "shoulder_abduction_{o}": 15.0}),
    "tandem_stance": Motion(move={"hip_abduction_l": -7.0, "hip_abduction_r": -7.0,
                                  "hip_flexion_l": 8.0, "hip_flexion_r": -8.0,
                                  "shoulder_abduction_l": 20.0, "shoulder_abduction_r": 20.0},
                            level_feet=True, note="left foot ends in front of the right"),
    "inline_lunge": Motion(rest={"hip_flexion_{s}": 30.0, "hip_flexion_{o}": -30.0,
                                 "hip_rotation_{o}": -25.0, "knee_flexion_{o}": 15.0,
                                 "stance_{s}": 1.0},
                           move={"hip_flexion_{s}": 60.0, "knee_flexion_{s}": 90.0,
                                 "hip_flexion_{o}": 20.0, "knee_flexion_{o}": 90.0,
                                 "ankle_plantarflexion_{o}": 60.0},
                           level_feet=True, note="working (front) foot pinned; split stance, the "
                                                 "back leg turned out"),
    "side_lunge": Motion(rest={"hip_abduction_l": 20.0, "hip_abduction_r": 20.0,
                               "shoulder_flexion_l": 130.0, "shoulder_flexion_r": 130.0},
                         move={"hip_flexion_{s}": 70.0, "knee_flexion_{s}": 80.0,
                               "hip_abduction_{o}": 10.0, "pelvis_tilt": 25.0,
                               "ankle_plantarflexion_{s}": -25.0,
                               "shoulder_flexion_l": -25.0, "shoulder_flexion_r": -25.0},
                         note="wide stance, arms raised forward (held level); the working knee "
                              "bends, the other leg stays straight"),
    "side_bend_stretch": Motion(move={"~trunk_lateral_lean": 20.0, "shoulder_abduction_{o}": 150.0}),
    "wall_push_up": Motion(rest={"pelvis_tilt": 18.0, "shoulder_flexion_l": 72.0,
                                 "shoulder_flexion_r": 72.0, "elbow_flexion_l": 10.0,
                                 "elbow_flexion_r": 10.0},
                           move={"elbow_flexion_{s}": 70.0, "shoulder_flexion_{s}": -20.0,
                                 "pelvis_tilt": 12.0},
                           level_feet=True, note="body straight, leaning on a wall"),
    "seated_bicep_curl": Motion(rest={**_SEATED, "elbow_flexion_l": 10.0, "elbow_flexion_r": 10.0,
                                      "forearm_pronation_l": -80.0, "forearm_pronation_r": -80.0},
                                move={"elbow_flexion_{s}": 120.0}, level_feet=True),
    "seated_forward_reach": Motion(rest=_SEATED, move={"shoulder_flexion_{s}": 90.0,
                                                       "trunk_flexion": 5.0}, level_feet=True),
    "seated_shoulder_flexion": Motion(rest=_SEATED, move={"shoulder_flexion_{s}": 150.0},
                                      level_feet=True),
    "seated_knee_extension": Motion(rest=_SEATED, move={"knee_flexion_{s}": -80.0}),
    "seated_march": Motion(rest=_SEATED, move={"hip_flexion_{s}": 30.0}),
    "seated_punches": Motion(rest={**_SEATED, "shoulder_flexion_l": 30.0, "shoulder_flexion_r": 30.0,
                                   "elbow_flexion_l": 120.0, "elbow_flexion_r": 120.0},
                             move={"elbow_flexion_{s}": -105.0, "shoulder_flexion_{s}": 60.0,
                                   "~trunk_rotation": -10.0}),
    "hamstring_stretch": Motion(rest={**_SEATED, "knee_flexion_l": 20.0, "knee_flexion_r": 20.0,
                                      "ankle_plantarflexion_l": -10.0, "ankle_plantarflexion_r": -10.0},
                                move={"trunk_flexion": 25.0, "shoulder_flexion_{s}": 70.0},
                                note="seated, legs out straight, reaching towards the toes"),
}


def _expand(pattern: Mapping[str, float], sides: tuple[str, ...]) -> dict[str, float]:
    """Resolve ``{s}``/``{o}``/``~`` keys for the working side(s) (("l",), ("r",) or both)."""
    out: dict[str, float] = {}
    bilateral = len(sides) == 2
    for key, value in pattern.items():
        flip = key.startswith("~") and sides == ("r",)
        key = key.lstrip("~")
        if "{s}" in key or "{o}" in key:
            if "{o}" in key and bilateral:
                continue
            for s in sides:
                o = "r" if s == "l" else "l"
                name = key.replace("{s}", s).replace("{o}", o)
                if name == "stance_r":  # the body model weights the left foot only
                    name, value = "stance_l", 1.0 - value
                out[name] = value
        else:
            out[key] = -value if flip else value
    unknown = sorted(set(out) - set(DOF_DEFAULTS))
    if unknown:
        raise ValueError(f"motion uses unknown DOFs: {', '.join(unknown)}")
    return out


def motion_dofs(motion: Motion, sides: tuple[str, ...], phase: np.ndarray,
                amplitude: np.ndarray) -> dict[str, np.ndarray]:
    """DOF trajectories for ``phase`` (T,) in 0..1 (0 rest, 1 peak) at ``amplitude`` (T,)."""
    phase = np.asarray(phase, float)
    amplitude = np.broadcast_to(np.asarray(amplitude, float), phase.shape)
    rest = _expand(motion.rest, sides)
    move = _expand(motion.move, sides)
    arc = _expand(motion.arc, sides)
    bump = np.sin(np.pi * np.clip(phase, 0.0, 1.0)) * np.minimum(amplitude, 1.0)
    dofs: dict[str, np.ndarray] = {}
    for name in set(rest) | set(move) | set(arc):
        dofs[name] = (rest.get(name, 0.0) + phase * amplitude * move.get(name, 0.0)
                      + bump * arc.get(name, 0.0))
    return dofs


def finish_feet(motion: Motion, dofs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Level both feet for motions that keep them flat (adds to any ankle DOF already set)."""
    if not motion.level_feet:
        return dofs
    out = dict(dofs)
    for s in ("l", "r"):
        extra = dofs.get(f"ankle_plantarflexion_{s}", 0.0)
        out[f"ankle_plantarflexion_{s}"] = level_ankle(dofs, s) + extra
    return out
