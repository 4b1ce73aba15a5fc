"""ExerciseSpec: one exercise, read from a TOML file in assets/exercises/ and validated.

The format is documented in docs/exercises.md ("Spec format"). A broken file raises
``InputError(path, "FIELD: problem")``; a TOML syntax error names the line.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from tracking.angles import ANGLES, SIDED
from tracking.errors import InputError

CATEGORIES = ("strength", "stretching", "balance", "aerobic")
POSITIONS = ("standing", "seated", "lying")
VIEWS = ("front", "side", "any")
SIDES = ("left", "right", "both", "alternating", "bilateral")
SCENES = ("park_path", "kitchen", "orchard", "stepping_stones", "living_room", "shore")
COMPARISONS = ("greater", "less", "abs_greater")
SEVERITIES = ("minor", "moderate", "major")
FAULT_SIDES = ("same", "opposite", "none")


@dataclass(frozen=True)
class PrimaryAngle:
    """The measure that defines a repetition: from ``start`` towards ``target``."""

    angle: str  #: a name or sided base name from tracking.angles
    start: float
    target: float
    min_range: float  #: smallest excursion (same unit as the angle) that counts as a repetition
    tolerance: float = 10.0  #: a hold counts while within this of the target
    #: measured from the patient's own resting reading (taken as ``start``), not from ``start``
    #: itself: offsets of the body or the tracker at rest cancel (docs/exercises.md)
    relative: bool = False
    #: view primaries only: "either" counts one repetition signal, the larger of the two
    #: sides' excursions (a view that hides one side of an alternating exercise); a second cue
    #: (``also``) only: "near", the sided measure of the side nearer a side camera, frame by
    #: frame; "" the spec's
    sides: str = ""
    #: view primaries only: "image3d" reads the measure from the image landmarks with the pose
    #: model's relative depth (tracking.kinematics source), for a movement along the camera's
    #: axis; "auto" (default) as every measure
    source: str = "auto"
    #: view primaries only: counted instead of ``primary`` only for a pose model that guesses
    #: depth from one picture (MediaPipe), not for a depth camera or the virtual patient's exact
    #: points, which measure the primary's plane from any view
    guessed_depth_only: bool = False
    #: view primaries only (an angle in degrees): counted through its tangent, 100 * tan, the
    #: measure's sideways offset over its vertical extent; a pose model's guessed depth puts a
    #: limb at rest tilted far out of the image plane, and from such a tilt the angle compresses
    #: a swing (by cos^2 of the tilt) while the tangent moves by the same amount from any rest.
    #: The spec's numbers stay in degrees; reported peaks are converted back (docs/exercises.md)
    tangent: bool = False
    #: view primaries only: a second cue counted beside this measure (``[side_primary.also]``;
    #: its repetitions add to the count only where this measure's do not: the rule is in
    #: tracking/exercise/second_cue.py, docs/exercises.md "A second cue")
    also: PrimaryAngle | None = None

    @property
    def direction(self) -> str:
        return "increase" if self.target > self.start else "decrease"

    @property
    def span(self) -> float:
        return abs(self.target - self.start)


@dataclass(frozen=True)
class Tempo:
    up_s: float = 2.0  #: start -> target
    down_s: float = 2.0  #: target -> start

    @property
    def total_s(self) -> float:
        return self.up_s + self.down_s


@dataclass(frozen=True)
class FaultRule:
    """A named compensation: ``angle`` beyond ``limit`` for at least ``min_duration_s``."""

    name: str
    angle: str
    comparison: str  #: "greater", "less" or "abs_greater"
    limit: float
    cue: str  #: plain words for the patient
    severity: str = "moderate"
    min_duration_s: float = 0.3
    side: str = "same"  #: for sided angles: the working side, the other one, or "none"
    relative: bool = False  #: compare the change since the repetition started

    def violated(self, value: float) -> bool:
        if self.comparison == "greater":
            return value > self.limit
        if self.comparison == "less":
            return value < self.limit
        return abs(value) > self.limit


@dataclass(frozen=True)
class ExerciseSpec:
    id: str
    name: str
    category: str
    position: str
    view: str
    sides: str
    primary: PrimaryAngle
    tempo: Tempo
    hold_s: float
    reps: int
    scene: str
    description: str
    cues: tuple[str, ...] = ()
    faults: tuple[FaultRule, ...] = ()
    path: str = field(default="", compare=False)
    #: the measure counted instead when the camera faces the patient (e.g. a squat's hip
    #: height: the knee angle cannot be read from the front); None: always ``primary``
    front_primary: PrimaryAngle | None = None
    #: the measure counted instead when the camera films the patient side-on
    side_primary: PrimaryAngle | None = None

    def view_primary(self, view: str | None) -> PrimaryAngle | None:
        """The primary counted from this view ("front" or "side") instead of ``primary``,
        where the spec has one; else None."""
        return {"front": self.front_primary, "side": self.side_primary}.get(view or "")

    @property
    def is_hold(self) -> bool:
        return self.hold_s > 0

    @property
    def sided(self) -> bool:
        """The primary angle has a left and a right version."""
        return self.primary.angle in SIDED


_TOP = {"id", "name", "category", "position", "view", "sides", "primary", "tempo", "hold_s",
        "reps", "scene", "description", "cues", "faults", "front_primary", "side_primary"}
_PRIMARY = {"angle", "start", "target", "min_range", "tolerance", "direction", "relative"}
_VIEW_PRIMARY = _PRIMARY | {"sides", "source", "guessed_depth_only", "tangent", "also"}
_ALSO = {"angle", "start", "target", "min_range", "tolerance", "relative", "sides"}
#: tables counted instead of [primary] from a view that does not show its plane
VIEW_PRIMARIES = ("front_primary", "side_primary")
_TEMPO = {"up_s", "down_s"}
_FAULT = {"name", "angle", "comparison", "limit", "cue", "severity", "min_duration_s", "side",
          "relative"}


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, fld: str, problem: str) -> InputError:
        return InputError(self.path, f"{fld}: {problem}")

    def check_keys(self, data: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for k in data:
            if k not in allowed:
                raise self.fail(f"{prefix}{k}", f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def get(self, data: dict[str, Any], key: str, typ: type | tuple[type, ...], prefix: str = "",
            default: Any = ...) -> Any:
        if key not in data:
            if default is ...:
                raise self.fail(prefix + key, "missing")
            return default
        v = data[key]
        if typ is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if isinstance(v, bool) and typ is not bool or not isinstance(v, typ):
            want = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
            raise self.fail(prefix + key, f"must be {want}, got {type(v).__name__} {v!r}")
        return v

    def choice(self, data: dict[str, Any], key: str, options: tuple[str, ...], prefix: str = "",
               default: Any = ...) -> str:
        v = self.get(data, key, str, prefix, default)
        if v not in options:
            raise self.fail(prefix + key, f"{v!r} is not one of {', '.join(options)}")
        return v

    def angle(self, data: dict[str, Any], key: str, prefix: str) -> str:
        v = self.get(data, key, str, prefix)
        if v not in ANGLES and v not in SIDED:
            raise self.fail(prefix + key, f"unknown angle {v!r} (see physioquest exercises angles)")
        return v

    def positive(self, v: float, fld: str, allow_zero: bool = False) -> float:
        if v < 0 or (v == 0 and not allow_zero):
            raise self.fail(fld, f"must be {'>= 0' if allow_zero else '> 0'}, got {v}")
        return v


def parse_spec(data: dict[str, Any], path: str = "<memory>") -> ExerciseSpec:
    """Validate a decoded TOML table into an ExerciseSpec."""
    r = _Reader(path)
    r.check_keys(data, _TOP, "")
    sid = r.get(data, "id", str)
    if not sid or not all(c.islower() or c.isdigit() or c == "_" for c in sid):
        raise r.fail("id", f"{sid!r} must be lower-case letters, digits and underscores")
    primary = _primary(r, r.get(data, "primary", dict), "primary")
    t = r.get(data, "tempo", dict, "", {})
    r.check_keys(t, _TEMPO, "tempo.")
    tempo = Tempo(r.positive(r.get(t, "up_s", float, "tempo.", 2.0), "tempo.up_s"),
                  r.positive(r.get(t, "down_s", float, "tempo.", 2.0), "tempo.down_s"))
    sides = r.choice(data, "sides", SIDES)
    if primary.angle in SIDED and primary.angle in ANGLES and sides == "bilateral":
        pass  # e.g. trunk_lateral_lean: the unsided (signed) version is used
    elif primary.angle not in SIDED and sides != "bilateral":
        raise r.fail("sides", f"{sides!r} needs a sided primary angle; {primary.angle!r} is not sided")
    views = {key: _view_primary(r, r.get(data, key, dict), key, sides)
             for key in VIEW_PRIMARIES if key in data}
    faults = []
    names = set()
    raw_faults = r.get(data, "faults", list, "", [])
    for i, f in enumerate(raw_faults):
        pre = f"faults[{i}]."
        if not isinstance(f, dict):
            raise r.fail(f"faults[{i}]", "must be a table ([[faults]])")
        r.check_keys(f, _FAULT, pre)
        fr = FaultRule(name=r.get(f, "name", str, pre), angle=r.angle(f, "angle", pre),
                       comparison=r.choice(f, "comparison", COMPARISONS, pre),
                       limit=r.get(f, "limit", float, pre), cue=r.get(f, "cue", str, pre),
                       severity=r.choice(f, "severity", SEVERITIES, pre, "moderate"),
                       min_duration_s=r.positive(r.get(f, "min_duration_s", float, pre, 0.3),
                                                 pre + "min_duration_s", True),
                       side=r.choice(f, "side", FAULT_SIDES, pre, "same"),
                       relative=r.get(f, "relative", bool, pre, False))
        if fr.name in names:
            raise r.fail(pre + "name", f"duplicate fault name {fr.name!r}")
        if fr.angle in SIDED and fr.angle not in ANGLES and fr.side == "none":
            raise r.fail(pre + "side", f"{fr.angle!r} is sided: use same or opposite")
        if not fr.cue.strip():
            raise r.fail(pre + "cue", "must not be empty")
        names.add(fr.name)
        faults.append(fr)
    cues = r.get(data, "cues", list, "", [])
    for i, c in enumerate(cues):
        if not isinstance(c, str) or not c.strip():
            raise r.fail(f"cues[{i}]", "must be a non-empty string")
    hold_s = r.positive(r.get(data, "hold_s", float, "", 0.0), "hold_s", True)
    reps = r.get(data, "reps", int)
    if not 1 <= reps <= 100:
        raise r.fail("reps", f"must be 1..100, got {reps}")
    return ExerciseSpec(
        id=sid, name=r.get(data, "name", str), category=r.choice(data, "category", CATEGORIES),
        position=r.choice(data, "position", POSITIONS), view=r.choice(data, "view", VIEWS),
        sides=sides, primary=primary, tempo=tempo, hold_s=hold_s, reps=reps,
        scene=r.choice(data, "scene", SCENES), description=r.get(data, "description", str),
        cues=tuple(cues), faults=tuple(faults), path=path, front_primary=views.get("front_primary"),
        side_primary=views.get("side_primary"))


def _view_primary(r: "_Reader", p: dict[str, Any], pre: str, sides: str) -> PrimaryAngle:
    """A [front_primary] / [side_primary] table: a [primary] table, plus ``sides = "either"``,
    ``source = "image3d"``, ``guessed_depth_only`` and ``tangent``."""
    own = ("sides", "source", "guessed_depth_only", "tangent", "also")
    vp = _primary(r, {k: v for k, v in p.items() if k not in own}, pre, _VIEW_PRIMARY, p)
    vp = replace(vp, sides=r.choice(p, "sides", ("either",), pre + ".") if "sides" in p else "",
                 source=r.choice(p, "source", ("auto", "image3d"), pre + ".", "auto"),
                 guessed_depth_only=r.get(p, "guessed_depth_only", bool, pre + ".", False),
                 tangent=r.get(p, "tangent", bool, pre + ".", False),
                 also=_also(r, r.get(p, "also", dict, pre + "."), pre) if "also" in p else None)
    if vp.tangent:
        unit = ANGLES[vp.angle if vp.angle in ANGLES else SIDED[vp.angle][0]].unit
        if unit != "deg":
            raise r.fail(pre + ".tangent", f"needs an angle in degrees, {vp.angle!r} is in {unit}")
        if max(abs(vp.start), abs(vp.target)) > 75.0:
            raise r.fail(pre + ".tangent", "start and target must lie within 75 degrees of 0")
    if vp.sides == "either" and vp.angle not in SIDED:
        raise r.fail(pre + ".sides", f"'either' needs a sided measure, {vp.angle!r} is not sided")
    if vp.angle not in SIDED and sides != "bilateral":
        raise r.fail(pre + ".angle", f"{vp.angle!r} is not sided: sides = {sides!r} needs a sided "
                                     "measure (an unsided one needs sides = 'bilateral')")
    return vp


def _also(r: "_Reader", a: dict[str, Any], pre: str) -> PrimaryAngle:
    """A view primary's ``also`` sub-table: a [primary] table's numbers, plus ``sides = "near"``
    (only in [side_primary]) for a sided measure."""
    pre = pre + ".also"
    base = _primary(r, {k: v for k, v in a.items() if k != "sides"}, pre, _ALSO, a)
    sides = r.choice(a, "sides", ("near",), pre + ".") if "sides" in a else ""
    sided = base.angle in SIDED and base.angle not in ANGLES
    if sides == "near" and not pre.startswith("side_primary"):
        raise r.fail(pre + ".sides", "'near' needs a side camera: only in [side_primary]")
    if sided and not sides:
        raise r.fail(pre + ".sides", f"missing: {base.angle!r} is sided, say sides = 'near'")
    if sides and not sided:
        raise r.fail(pre + ".sides", f"'near' needs a sided measure, {base.angle!r} is not sided")
    return replace(base, sides=sides)


def _primary(r: "_Reader", p: dict[str, Any], pre: str, allowed: set[str] = _PRIMARY,
             raw: dict[str, Any] | None = None) -> PrimaryAngle:
    """A [primary] (or view primary) table."""
    r.check_keys(raw if raw is not None else p, allowed, pre + ".")
    start, target = r.get(p, "start", float, pre + "."), r.get(p, "target", float, pre + ".")
    if start == target:
        raise r.fail(pre + ".target", f"must differ from {pre}.start")
    min_range = r.positive(r.get(p, "min_range", float, pre + "."), pre + ".min_range")
    if min_range > abs(target - start):
        raise r.fail(pre + ".min_range", f"{min_range} is more than the start-target span {abs(target - start)}")
    primary = PrimaryAngle(r.angle(p, "angle", pre + "."), start, target, min_range,
                           r.positive(r.get(p, "tolerance", float, pre + ".", 10.0), pre + ".tolerance"),
                           r.get(p, "relative", bool, pre + ".", False))
    if "direction" in p:
        d = r.choice(p, "direction", ("increase", "decrease"), pre + ".")
        if d != primary.direction:
            raise r.fail(pre + ".direction", f"{d!r} contradicts start {start} -> target {target}")
    return primary


def load_spec(path: str | Path) -> ExerciseSpec:
    """Read and validate one exercise file; the file's stem must equal its id."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"TOML syntax error: {exc}") from None
    spec = parse_spec(data, str(path))
    if path.suffix == ".toml" and path.stem != spec.id:
        raise InputError(path, f"id: {spec.id!r} must match the file name {path.stem!r}")
    return spec


#: the keys of a patient's targets (a plan item's overrides of the spec)
TARGET_KEYS = ("target", "reps", "hold_s")


def check_targets(targets: Mapping[str, Any] | None) -> dict[str, float]:
    """Validate a patient's targets mapping: {"target": deg, "reps": n, "hold_s": s}."""
    out: dict[str, float] = {}
    for k, v in (targets or {}).items():
        if k not in TARGET_KEYS:
            raise ValueError(f"unknown target {k!r} (known: {', '.join(TARGET_KEYS)})")
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"target {k!r} must be a number, got {v!r}")
        out[k] = float(v)
    return out
