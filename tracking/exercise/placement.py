"""Camera placement: how to stand for an exercise, and when the view the tracker sees cannot
show it. Pure: specs and view names in, plain words out (no panda3d, no cv2).

The rules come from the spec data (``view``, ``sides``, ``position``, the view primaries)
and the angle table's planes (``tracking.angles``); no exercise is named here. They assume
one ordinary camera whose pose model guesses depth (MediaPipe from a webcam or a video).

- A camera view shows one plane squarely: "front" the frontal plane, "side" the sagittal
  plane (``views.SHOWN_PLANE``). Heights ("vertical") and 3D measures ("3d") are read from
  any view. An oblique view ("any", as the tracker decides it) shows neither plane.
- **Advice** (``placement_advice``), before a set: view "front": "Face the camera." (seated:
  "Sit facing the camera."); "side": "Turn your left side to the camera." for a one-sided
  exercise whose working side is known (the working side nearest the camera: the side a
  side view hides is the far one, which the tracker reads least well, ``views.near_side``,
  and where the virtual patient's side camera stands, ``generate.default_camera``), else
  "Turn your side to the camera."; "any": "" (every view works).
- **Hint** (``view_check``), during a set or for a recording: only for a spec whose best view
  is "front" or "side", when the decided view differs from it AND that view cannot show what
  the exercise is measured by. Reasons, first that applies:
  ``hidden``: the measure counted from this view (its view primary, else the primary) lies
  in a plane the view does not show: the movement goes towards the camera;
  ``range``: a view primary of another measure stands in for the primary, whose plane the
  view does not show: repetitions are counted, the range is not the primary's angle;
  ``far_side``: an alternating exercise (both sides move in one set) filmed side-on: the far
  side is hidden behind the body;
  ``oblique``: a half-turned body and a planar primary (frontal or sagittal): neither plane
  is shown, the angle comes only from guessed depth;
  ``wrong_side``: right view (side), but the working side of a one-sided exercise is the far
  one (needs ``near``, the side nearer the camera).
  A view that shows the counted measure's plane (or reads it as a height or in 3D) is never
  flagged: e.g. a shoulder scaption (3D) filmed side-on.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from tracking.angles import ANGLES, SIDED, AngleDef
from tracking.exercise.spec import ExerciseSpec, PrimaryAngle
from tracking.views import SHOWN_PLANE

#: planes read from any view (heights in the image; 3D measures from the pose model's depth)
ANY_VIEW_PLANES = ("vertical", "3d")
#: how a view is named in words (after "from" / "Filmed")
_SEEN = {"front": "from the front", "side": "from the side", "any": "half-turned"}
_FILMED = {"front": "from the front", "side": "side-on", "any": "half-turned"}


@dataclass(frozen=True)
class ViewCheck:
    """A view that cannot show what an exercise is measured by."""

    view: str  #: the view seen: "front", "side" or "any" (oblique)
    best: str  #: the spec's best view
    reason: str  #: "hidden", "range", "far_side", "oblique" or "wrong_side"
    cue: str  #: short words for the patient (the game's cue line)
    note: str  #: one line for a recording's analysis


def angle_def(name: str) -> AngleDef:
    """The table entry of a measure or sided base name (the left one for a sided base)."""
    return ANGLES[name] if name in ANGLES else ANGLES[SIDED[name][0]]


def shows(view: str, plane: str) -> bool:
    """Does this view ("front", "side", "any") show a measure in ``plane``?"""
    return plane in ANY_VIEW_PLANES or SHOWN_PLANE.get(view) == plane


def counted_primary(spec: ExerciseSpec, view: str) -> PrimaryAngle:
    """The measure a single camera's tracker counts from this view (view primary or primary)."""
    return spec.view_primary(view) or spec.primary


def one_sided(spec: ExerciseSpec) -> bool:
    """One working side per set (a sided primary, sides "both", "left" or "right")."""
    return spec.sided and spec.sides in ("both", "left", "right")


def _side(spec: ExerciseSpec, side: str | None) -> str:
    """The working side ("left"/"right") when the spec is one-sided and it is known, else ""."""
    if not one_sided(spec):
        return ""
    return side if side in ("left", "right") else (spec.sides if spec.sides != "both" else "")


def placement_advice(spec: ExerciseSpec, side: str | None = None) -> str:
    """How to stand (or sit) to the camera for this exercise and working side; "" for "any"."""
    seated = spec.position == "seated"
    if spec.view == "front":
        return "Sit facing the camera." if seated else "Face the camera."
    if spec.view == "side":
        s = _side(spec, side)
        who = f"your {s} side" if s else "your side"
        return f"Sit with {who} to the camera." if seated else f"Turn {who} to the camera."
    return ""


def _turn(spec: ExerciseSpec, side: str | None) -> str:
    if spec.view == "front":
        return "Turn to face the camera"
    s = _side(spec, side)
    return f"Turn your {s} side to the camera" if s else "Turn your side to the camera"


def _words(d: AngleDef) -> str:
    """A measure's short name from its description ("hip height in shoulder widths")."""
    head = d.description.split(":", 1)[0].strip()
    for w in ("left ", "right "):
        head = head.removeprefix(w)
    return head


def view_check(spec: ExerciseSpec, view_now: str | None, side: str | None = None,
               near: str | None = None) -> ViewCheck | None:
    """Why the view the tracker decided (``view_now``: "front", "side", "any" = oblique)
    cannot show this exercise, or None when it can (or the spec's view is "any", or the view
    is not known yet). ``side``: the set's working side; ``near``: the side nearer the camera
    ("left"/"right"), for a one-sided exercise filmed from the side. Rules: module docstring."""
    best = spec.view
    if best not in SHOWN_PLANE or view_now not in ("front", "side", "any"):
        return None
    prim = angle_def(spec.primary.angle)
    reason = ""
    if view_now == best:
        s = _side(spec, side)
        if view_now == "side" and s and near in ("left", "right") and near != s:
            reason = "wrong_side"
    elif view_now == "any":
        if prim.plane in SHOWN_PLANE.values():
            reason = "oblique"
    else:
        counted = counted_primary(spec, view_now)
        if not shows(view_now, angle_def(counted.angle).plane):
            reason = "hidden"
        elif counted.angle != spec.primary.angle and not shows(view_now, prim.plane):
            reason = "range"
        elif view_now == "side" and spec.sides == "alternating":
            reason = "far_side"
    if not reason:
        return None
    turn, seen = _turn(spec, side), _SEEN[view_now]
    filmed = f"Filmed {_FILMED[view_now]}: this exercise is best filmed {_FILMED[best]}; "
    if reason in ("hidden", "range"):
        cue = f"{turn}: {seen} we cannot see all of this movement."
        note = filmed + "movement towards the camera may be missed"
        if reason == "range":
            d = angle_def(counted_primary(spec, view_now).angle)
            unit = ", not in degrees" if d.unit != "deg" else ""
            note += f", and the range is read from {_words(d)}{unit}"
    elif reason == "far_side":
        cue = f"{turn}: {seen} we cannot see your far side."
        note = filmed + "the side away from the camera is hidden, so left and right may be mixed up"
    elif reason == "oblique":
        cue = f"{turn}: {seen} we cannot measure this well."
        note = filmed + f"the {_words(prim)} is only estimated"
    else:
        s = _side(spec, side)
        cue = f"{turn}: your {s} side is hidden now."
        note = (f"Filmed with the {near} side to the camera: this exercise is best filmed with "
                f"the working ({s}) side nearest the camera")
    return ViewCheck(view_now, best, reason, cue, note + ".")


def view_hint(spec: ExerciseSpec, view_now: str | None, side: str | None = None,
              near: str | None = None) -> str | None:
    """The short cue of ``view_check`` for the patient, or None when the view is fine."""
    c = view_check(spec, view_now, side, near)
    return c.cue if c else None


def dominant_view(views: Iterable[str | None], share: float = 0.5) -> tuple[str | None, float]:
    """The view decided in more than ``share`` of the frames given (e.g. a recording's
    detected frames) and its share; (None, share of the commonest) when none dominates."""
    counts = Counter(v for v in views if v)
    total = sum(counts.values())
    if not total:
        return None, 0.0
    view, n = counts.most_common(1)[0]
    return (view if n / total > share else None), n / total
