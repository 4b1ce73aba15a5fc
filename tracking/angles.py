"""The one table of named angle (and height) definitions of PhysioQuest.

Every exercise spec, fault rule, score and the virtual patient's ground truth names its
measures from this table; ``tracking.kinematics`` computes them. Each definition is
described in words in docs/exercises.md ("Angle definitions"); keep the two in step.

Conventions: degrees; 0 is the anatomical rest position (standing upright, arms at the
sides, knees straight); flexion, abduction, elevation and forward lean are positive.
Sided measures come in pairs ``NAME_l`` / ``NAME_r`` (the patient's left and right).
"""
from __future__ import annotations

from dataclasses import dataclass

from tracking.landmarks import Landmark as L

#: Planes a measure lives in; they decide which camera view shows it well.
PLANES = ("frontal", "sagittal", "3d", "vertical")


@dataclass(frozen=True)
class AngleDef:
    """One named measure."""

    name: str  #: e.g. "knee_flexion_l"
    kind: str  #: how it is computed (see tracking.kinematics)
    plane: str  #: "frontal", "sagittal", "3d" (needs depth) or "vertical" (heights)
    points: tuple[int, ...]  #: landmark indices the kind uses, in its order
    side: str  #: "l", "r" or "" (not sided)
    description: str
    unit: str = "deg"  #: "deg", or "pct" (percent of torso length or of hip width)
    base: str = ""  #: the name without its side suffix ("knee_flexion")

    @property
    def landmarks(self) -> tuple[L, ...]:
        return tuple(L(i) for i in self.points)


def _sided(base: str, kind: str, plane: str, left: tuple[L, ...], description: str,
           unit: str = "deg") -> list[AngleDef]:
    right = tuple(p.mirrored for p in left)
    return [AngleDef(f"{base}_l", kind, plane, tuple(int(p) for p in left), "l",
                     description.replace("{side}", "left"), unit, base),
            AngleDef(f"{base}_r", kind, plane, tuple(int(p) for p in right), "r",
                     description.replace("{side}", "right"), unit, base)]


_T = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)

_DEFS: list[AngleDef] = [
    *_sided("knee_flexion", "joint", "sagittal", (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
            "{side} knee flexion: 180 minus the angle at the knee between thigh and shank"),
    *_sided("elbow_flexion", "joint", "sagittal", (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
            "{side} elbow flexion: 180 minus the angle at the elbow between upper arm and forearm"),
    *_sided("hip_flexion", "trunk_sagittal", "sagittal", (L.LEFT_HIP, L.LEFT_KNEE),
            "{side} hip flexion: trunk line (mid-shoulder to mid-hip) against the thigh, "
            "sagittal plane, forward positive"),
    *_sided("hip_extension", "trunk_sagittal_neg", "sagittal", (L.LEFT_HIP, L.LEFT_KNEE),
            "{side} hip extension: minus hip flexion (thigh behind the trunk line positive)"),
    *_sided("hip_abduction", "trunk_frontal", "frontal", (L.LEFT_HIP, L.LEFT_KNEE),
            "{side} hip abduction: trunk midline (see shoulder abduction) against the thigh, "
            "frontal plane, outward positive"),
    *_sided("shoulder_flexion", "trunk_sagittal", "sagittal", (L.LEFT_SHOULDER, L.LEFT_ELBOW),
            "{side} shoulder flexion: trunk line against the upper arm, sagittal plane, "
            "forward positive"),
    *_sided("shoulder_extension", "trunk_sagittal_neg", "sagittal",
            (L.LEFT_SHOULDER, L.LEFT_ELBOW),
            "{side} shoulder extension: minus shoulder flexion (arm behind the trunk positive)"),
    *_sided("shoulder_abduction", "trunk_frontal", "frontal", (L.LEFT_SHOULDER, L.LEFT_ELBOW),
            "{side} shoulder abduction: trunk midline against the upper arm, frontal plane, "
            "outward positive (midline: of the trunk line and the mid-hip-to-head line, the one "
            "leaning less sideways, so a shoulder rising with its arm does not tilt it)"),
    *_sided("shoulder_elevation", "trunk_3d", "3d", (L.LEFT_SHOULDER, L.LEFT_ELBOW),
            "{side} shoulder elevation: 3D angle between the trunk line and the upper arm, "
            "in whatever plane the arm rises (scaption, reaching); a front view reads an arm "
            "below the horizontal and within 15 deg of the frontal plane in the image, against "
            "the trunk midline (see shoulder abduction): MediaPipe's guessed depth only adds "
            "noise there"),
    *_sided("shoulder_rotation", "rotation", "3d",
            (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
            "{side} shoulder external rotation: forearm about the upper-arm axis, 0 pointing "
            "forward, outward/upward positive (internal rotation negative)"),
    *_sided("knee_valgus", "valgus", "frontal", (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
            "{side} knee valgus: frontal-plane projection angle at the knee, positive when the "
            "knee falls inside the hip-ankle line"),
    *_sided("ankle_dorsiflexion", "shank_tilt", "sagittal",
            (L.LEFT_ANKLE, L.LEFT_KNEE),
            "{side} ankle dorsiflexion (foot flat): shank tilt from vertical, forward positive"),
    *_sided("heel_raise", "foot_pitch", "sagittal", (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
            "{side} heel raise: angle of the foot (toe to heel) above horizontal"),
    *_sided("pelvic_drop", "tilt", "frontal", (L.LEFT_HIP, L.RIGHT_HIP),
            "{side} pelvic drop: angle by which the {side} hip sits lower than the other, "
            "frontal plane"),
    *_sided("shoulder_hike", "hike", "frontal", (L.LEFT_SHOULDER, L.RIGHT_SHOULDER,
                                                  L.LEFT_HIP, L.RIGHT_HIP),
            "{side} shoulder hike: tilt of the shoulder line relative to the hip line, positive "
            "when the {side} shoulder is higher, frontal plane"),
    *_sided("trunk_lateral_lean", "trunk_lean_frontal", "frontal", _T,
            "trunk lean towards the {side}: trunk line against vertical, frontal plane (where the "
            "ears are seen, the smaller of that and the mid-hip-to-head line's lean, 0 if they "
            "disagree)"),
    *_sided("ankle_lift", "height_diff", "vertical", (L.LEFT_ANKLE, L.RIGHT_ANKLE),
            "{side} ankle lift: height of the {side} ankle above the other ankle, percent of "
            "torso length", "pct"),
    *_sided("wrist_height", "height_diff", "vertical", (L.LEFT_WRIST, L.LEFT_SHOULDER),
            "{side} wrist height: height of the {side} wrist above the {side} shoulder, "
            "percent of torso length", "pct"),
    *_sided("shoulder_drop", "height_diff", "vertical", (L.RIGHT_SHOULDER, L.LEFT_SHOULDER),
            "{side} shoulder drop: height of the other shoulder above the {side} shoulder, percent "
            "of torso length (side-on: the near shoulder drops in a bend towards the camera)", "pct"),
    *_sided("forearm_elevation", "elevation", "3d", (L.LEFT_ELBOW, L.LEFT_WRIST),
            "{side} forearm elevation: forearm (elbow to wrist) against horizontal, up positive"),
    *_sided("upper_arm_forward", "forward_component", "3d", (L.LEFT_SHOULDER, L.LEFT_ELBOW),
            "{side} upper arm forward: upper arm out of the frontal plane, forward positive "
            "(-90..90)"),
    *_sided("thigh_elevation", "from_down", "3d", (L.LEFT_HIP, L.LEFT_KNEE),
            "{side} thigh elevation: 3D angle of the thigh from straight down (gravity)"),
    AngleDef("pelvis_rotation", "yaw_line", "3d", (L.LEFT_HIP, L.RIGHT_HIP), "",
             "pelvis rotation: hip line turned about the vertical away from square to the camera "
             "(0..90)", "deg", "pelvis_rotation"),
    AngleDef("trunk_rotation", "yaw_line", "3d", (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), "",
             "trunk rotation: shoulder line turned about the vertical away from square to the "
             "camera (0..90)", "deg", "trunk_rotation"),
    AngleDef("trunk_forward_lean", "trunk_lean_sagittal", "sagittal", _T, "", "trunk forward lean: trunk line (mid-hip to mid-shoulder) against "
             "vertical, sagittal plane, forward positive", "deg", "trunk_forward_lean"),
    AngleDef("trunk_lateral_lean", "trunk_lean_frontal", "frontal", _T, "",
             "trunk lateral lean: trunk line against vertical, frontal plane, towards the "
             "patient's left positive; where the ears are seen, the smaller of that and the "
             "mid-hip-to-head line's lean (0 if they disagree: a shoulder rising with its arm or "
             "a head tilt alone is no trunk lean)", "deg", "trunk_lateral_lean"),
    AngleDef("hip_height", "hip_height", "vertical", (L.LEFT_ANKLE, L.RIGHT_ANKLE), "",
             "hip height: mid-ankle to mid-hip vertical distance, percent of torso length",
             "pct", "hip_height"),
    AngleDef("hip_height_sw", "hip_height_sw", "frontal", (L.LEFT_ANKLE, L.RIGHT_ANKLE), "",
             "hip height in shoulder widths: mid-ankle to mid-hip vertical distance, percent of "
             "the shoulder line's length (front-view squats: the shoulder line, unlike the torso, "
             "does not shorten as the trunk leans forward)", "pct", "hip_height_sw"),
    AngleDef("stance_width", "stance_width", "frontal", (L.LEFT_ANKLE, L.RIGHT_ANKLE), "",
             "stance width: side-to-side distance between the ankles, percent of hip width",
             "pct", "stance_width"),
    # View primaries (docs/exercises.md "Spec format"): measures a camera sees from a view
    # that does not show the plane of an exercise's primary angle.
    *_sided("ankle_height", "height_diff", "vertical", (L.LEFT_ANKLE, L.LEFT_HIP),
            "{side} ankle height: height of the {side} ankle above the {side} hip (negative "
            "when below), percent of torso length", "pct"),
    *_sided("hip_above_toes", "height_diff", "vertical", (L.LEFT_HIP, L.LEFT_FOOT_INDEX),
            "{side} hip above toes: height of the {side} hip above the {side} toes (foot "
            "index), percent of torso length (the body rises in a heel raise)", "pct"),
    AngleDef("torso_height_image", "image_height", "vertical",
             (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP), "",
             "torso height in the image: height of the torso's centre (mean of both shoulders "
             "and hips) above the image's centre row, percent of torso length; image only, and "
             "only its change means anything: the body's rise seen by a camera that does not "
             "move (front-view heel raises, counted relative to the patient's own rest)",
             "pct", "torso_height_image"),
    *_sided("foot_pitch_image", "foot_pitch", "vertical", (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
            "{side} foot pitch in the image: the heel raise angle (toe to heel above "
            "horizontal) read from the image alone, for side views (no depth used)"),
    # H4d: knee valgus that stays valid at any knee flexion (docs/exercises.md, docs/uiprmd.md)
    AngleDef("knee_ankle_separation", "separation_ratio", "frontal",
             (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE), "",
             "knee-to-ankle separation ratio (KASR, Barber-Westin et al.): side-to-side distance "
             "between the knees in percent of that between the ankles, along the body's "
             "horizontal lateral axis (100: knees over the feet; below 100: knees closer together "
             "than the feet, i.e. falling in); undefined while the ankles are not apart",
             "pct", "knee_ankle_separation"),
    # H1c (UI-PRMD procedure v4, docs/uiprmd.md): lunge and squat faults a therapist names
    *_sided("shank_side_tilt", "shank_tilt_frontal", "frontal", (L.LEFT_ANKLE, L.LEFT_KNEE),
            "{side} shank side tilt: shank (ankle to knee) against vertical, frontal plane, "
            "positive when the knee sits outward of the ankle (negative: the knee drifts in "
            "over the foot)"),
    AngleDef("trunk_twist", "twist", "3d",
             (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP), "",
             "trunk twist: the shoulder line turned about the vertical against the hip line "
             "(trunk rotation on the pelvis), towards the patient's left positive; needs depth",
             "deg", "trunk_twist"),
    AngleDef("stance_width_leg", "stance_width_leg", "frontal",
             (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HIP, L.LEFT_KNEE, L.RIGHT_HIP, L.RIGHT_KNEE), "",
             "stance width in leg lengths: side-to-side distance between the ankles along the "
             "body's horizontal lateral axis, percent of the mean leg length (hip-knee plus "
             "knee-ankle, both legs)", "pct", "stance_width_leg"),
]

#: name -> definition
ANGLES: dict[str, AngleDef] = {d.name: d for d in _DEFS}
#: base names of sided measures ("knee_flexion" -> ("knee_flexion_l", "knee_flexion_r"))
SIDED: dict[str, tuple[str, str]] = {}
for _d in _DEFS:
    if _d.side:
        SIDED.setdefault(_d.base, (f"{_d.base}_l", f"{_d.base}_r"))


def resolve(name: str, side: str = "") -> str:
    """A full measure name: ``resolve("knee_flexion", "l") == "knee_flexion_l"``.

    Names already in ``ANGLES`` are returned unchanged; a sided base name needs ``side``.
    Raises KeyError for unknown names.
    """
    if name in ANGLES and (not side or name not in SIDED):
        return name
    if name in SIDED:
        if side not in ("l", "r"):
            raise KeyError(f"{name} is sided: say which side (l or r)")
        return SIDED[name][0 if side == "l" else 1]
    raise KeyError(f"unknown angle {name!r}")


def known_names() -> list[str]:
    """Every name a spec may use: full names plus sided base names."""
    return sorted(set(ANGLES) | set(SIDED))
