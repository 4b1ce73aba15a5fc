"""Therapist plans: TOML files validated into frozen ``Plan`` records (game.sessions.models).

Errors name the file, the line and the field: ``plan.toml:14: exercises[2].reps: ...``.
The format is documented in docs/sessions.md; examples live in assets/plans/.
"""
from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Callable

from game.sessions.models import Plan, PlanExercise
from tracking.errors import InputError

PLANS_DIR = Path(__file__).resolve().parent.parent / "assets" / "plans"

_TOP = {"id", "patient", "title", "therapist", "days_per_week", "start_date", "notes", "exercises"}
_EXERCISE = {"id", "sets", "reps", "target_angle_deg", "hold_s", "side", "cpt", "notes", "caps"}
_CAPS = {"max_reps", "max_target_angle_deg", "max_level"}
_SIDES = ("both", "left", "right")
CPT_CODES = ("97110", "97530")


class _Fail(Exception):
    def __init__(self, path: tuple, problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


def key_line(text: str, path: tuple) -> int | None:
    """The 1-based line of ``path`` (e.g. ("exercises", 1, "caps", "max_reps")) in TOML ``text``."""
    table: tuple = ()
    counts: dict[str, int] = {}
    best = None
    want_table = tuple(p for p in path[:-1])
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        m = re.fullmatch(r"\[\[\s*([\w.]+)\s*\]\]", line)
        if m:
            name = m.group(1)
            counts[name] = counts.get(name, -1) + 1
            table = (name, counts[name])
        elif (m := re.fullmatch(r"\[\s*([\w.]+)\s*\]", line)):
            parts = m.group(1).split(".")
            if table and parts[0] == table[0] and len(parts) > 1:
                table = (table[0], table[1], *parts[1:])
            else:
                table = tuple(parts)
        else:
            km = re.match(r"([\w-]+)\s*=", line)
            if km and (*table, km.group(1)) == tuple(path):
                return n
            # inline sub-table: caps = { max_reps = 3 }
            if km and len(path) >= 2 and (*table, km.group(1)) == tuple(path[:-1]) \
                    and re.search(rf"\b{re.escape(str(path[-1]))}\s*=", line):
                return n
        if table == want_table and best is None and path[:-1]:
            best = n
    return best


def _field_name(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _num(d: dict, key: str, path: tuple, lo: float, hi: float, integer: bool = False,
         required: bool = False) -> Any:
    if key not in d:
        if required:
            raise _Fail(path, f"missing field '{key}'")
        return None
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not isinstance(v, int)):
        raise _Fail((*path, key), f"must be {'a whole number' if integer else 'a number'}, not {v!r}")
    if not lo <= v <= hi:
        raise _Fail((*path, key), f"{v} is outside {lo:g}..{hi:g}")
    return v if integer else float(v)


def _str(d: dict, key: str, path: tuple, default: str = "", required: bool = False) -> str:
    if key not in d:
        if required:
            raise _Fail(path, f"missing field '{key}'")
        return default
    if not isinstance(d[key], str):
        raise _Fail((*path, key), f"must be text, not {d[key]!r}")
    return d[key]


def _unknown(d: dict, known: set[str], path: tuple) -> None:
    for k in d:
        if k not in known:
            raise _Fail((*path, k), f"unknown field (known: {', '.join(sorted(known))})")


def _default_specs() -> Callable[[str], Any] | None:
    """Exercise lookup through the engine's library; None if the library cannot be loaded."""
    try:
        from tracking.exercise.library import library
        lib = library()
    except ImportError:
        return None
    return lib.get


def _exercise(d: Any, i: int, lookup: Callable[[str], Any] | None, known_ids: list[str]) -> PlanExercise:
    path = ("exercises", i)
    if not isinstance(d, dict):
        raise _Fail(path, "must be a table ([[exercises]])")
    _unknown(d, _EXERCISE, path)
    ex_id = _str(d, "id", path, required=True)
    spec = lookup(ex_id) if lookup else None
    if lookup and spec is None:
        close = [k for k in known_ids if k.split("_")[0] in ex_id or ex_id.split("_")[0] in k][:5]
        raise _Fail((*path, "id"), f"unknown exercise {ex_id!r}"
                    + (f" (did you mean {', '.join(close)}?)" if close else " (see assets/exercises)"))
    sets = _num(d, "sets", path, 1, 10, integer=True, required=True)
    reps = _num(d, "reps", path, 1, 100, integer=True, required=True)
    target = _num(d, "target_angle_deg", path, -180, 360)
    hold = _num(d, "hold_s", path, 0, 300)
    side = _str(d, "side", path, "both")
    if side not in _SIDES:
        raise _Fail((*path, "side"), f"must be one of {', '.join(_SIDES)}, not {side!r}")
    if spec is not None and side != "both" and spec.sides != "both":
        raise _Fail((*path, "side"), f"{ex_id} is done {spec.sides}; a single side cannot be chosen")
    cpt = _str(d, "cpt", path)
    if cpt and cpt not in CPT_CODES:
        raise _Fail((*path, "cpt"), f"must be one of {', '.join(CPT_CODES)} (or left out)")
    caps = d.get("caps", {})
    if not isinstance(caps, dict):
        raise _Fail((*path, "caps"), "must be a table ([exercises.caps])")
    cpath = (*path, "caps")
    _unknown(caps, _CAPS, cpath)
    max_reps = _num(caps, "max_reps", cpath, 1, 200, integer=True)
    max_target = _num(caps, "max_target_angle_deg", cpath, -180, 360)
    max_level = _num(caps, "max_level", cpath, 1, 20, integer=True)
    if max_reps is not None and reps > max_reps:
        raise _Fail((*path, "reps"), f"{reps} is above the cap max_reps = {max_reps}")
    if spec is not None and target is not None:
        decreasing = spec.primary.direction == "decrease"
        if max_target is not None and (target < max_target if decreasing else target > max_target):
            raise _Fail((*path, "target_angle_deg"),
                        f"{target:g} goes beyond the cap max_target_angle_deg = {max_target:g} "
                        f"({spec.primary.angle} {'decreases' if decreasing else 'increases'} towards the target)")
        start = spec.primary.start
        if (target >= start) if decreasing else (target <= start):
            raise _Fail((*path, "target_angle_deg"),
                        f"{target:g} is not beyond the start position ({start:g}) of {ex_id}")
    return PlanExercise(ex_id, sets, reps, target, hold, max_reps, max_target, max_level, side, cpt,
                        _str(d, "notes", path))


def parse_plan(text: str, source: str | Path = "<plan>", specs: Callable[[str], Any] | None | bool = True) -> Plan:
    """Validate plan TOML ``text``; ``specs``: exercise lookup (True: the engine's library, None: skip)."""
    src = str(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"{src}:{m.group(1)}" if m else src
        raise InputError(where, f"TOML syntax error: {exc}") from None
    lookup = _default_specs() if specs is True else (specs or None)
    known_ids: list[str] = []
    if lookup is not None and specs is True:
        from tracking.exercise.library import exercise_ids
        known_ids = exercise_ids()
    try:
        _unknown(data, _TOP, ())
        patient = _str(data, "patient", (), required=True)
        if not re.fullmatch(r"[\w.-]{1,64}", patient):
            raise _Fail(("patient",), "use 1-64 letters, digits, '-', '_' or '.'")
        plan_id = _str(data, "id", (), Path(src).stem if src != "<plan>" else f"{patient}-plan")
        if not re.fullmatch(r"[\w.-]{1,64}", plan_id):
            raise _Fail(("id",), "use 1-64 letters, digits, '-', '_' or '.'")
        days = _num(data, "days_per_week", (), 1, 7, integer=True, required=True)
        start = data.get("start_date", "")
        if isinstance(start, date):
            start = start.isoformat()
        elif start != "":
            if not isinstance(start, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", start):
                raise _Fail(("start_date",), "must be a date like 2026-11-02")
            try:
                date.fromisoformat(start)
            except ValueError as exc:
                raise _Fail(("start_date",), str(exc)) from None
        exercises = data.get("exercises")
        if not isinstance(exercises, list) or not exercises:
            raise _Fail(("exercises",) if "exercises" in data else (),
                        "a plan needs at least one [[exercises]] table")
        items = tuple(_exercise(e, i, lookup, known_ids) for i, e in enumerate(exercises))
        seen: set[tuple[str, str]] = set()
        for i, e in enumerate(items):
            if (e.exercise_id, e.side) in seen:
                raise _Fail(("exercises", i, "id"), f"{e.exercise_id} ({e.side}) is listed twice")
            seen.add((e.exercise_id, e.side))
        return Plan(plan_id, patient, _str(data, "title", (), plan_id), items, days, start,
                    _str(data, "therapist", ()), _str(data, "notes", ()), src)
    except _Fail as f:
        line = key_line(text, f.path) if f.path else None
        raise InputError(f"{src}:{line}" if line else src, f"{_field_name(f.path) or 'plan'}: {f.problem}") from None


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such plan file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the plan ({exc})") from None
    return parse_plan(text, path)


def import_plan(store: Any, path: str | Path) -> Plan:
    """Validate a plan file and store it (replacing a plan with the same id)."""
    plan = load_plan(path)
    store.save_plan(plan.id, plan.patient_id, Path(path).read_text(encoding="utf-8"), str(path))
    return plan


def active_plan(store: Any, patient_id: str) -> Plan | None:
    """The patient's most recently imported plan (None if there is none)."""
    texts = store.plan_texts(patient_id)
    if not texts:
        return None
    plan_id, _, source, text = texts[0]
    return parse_plan(text, source or plan_id, specs=None)


def stored_plan(store: Any, plan_id: str | None) -> Plan | None:
    text = store.plan_text(plan_id) if plan_id else None
    return parse_plan(text, plan_id or "", specs=None) if text else None


def targets(e: PlanExercise) -> dict[str, float]:
    """The plan's targets in the form the engine's tracker takes (``{"target", "reps", "hold_s"}``)."""
    out: dict[str, float] = {"reps": e.reps}
    if e.target_angle_deg is not None:
        out["target"] = e.target_angle_deg
    if e.hold_s is not None:
        out["hold_s"] = e.hold_s
    return out


def describe(plan: Plan) -> str:
    """The plan in plain words."""
    lines = [f"{plan.title}  (plan {plan.id}, patient {plan.patient_id})",
             f"  {plan.days_per_week} day{'s' if plan.days_per_week != 1 else ''} a week"
             + (f", from {plan.start_date}" if plan.start_date else "")
             + (f"; therapist: {plan.therapist}" if plan.therapist else "")]
    for e in plan.exercises:
        side = "" if e.side == "both" else f" ({e.side} side)"
        what = f"  - {e.exercise_id}{side}: {e.sets} x {e.reps}"
        if e.target_angle_deg is not None:
            what += f", target {e.target_angle_deg:g} deg"
        if e.hold_s:
            what += f", hold {e.hold_s:g} s"
        caps = [f"{n} {v:g}" for n, v in (("max reps", e.max_reps), ("max target", e.max_target_angle_deg),
                                          ("max level", e.max_level)) if v is not None]
        if caps:
            what += f"  [caps: {', '.join(caps)}]"
        lines.append(what)
        if e.notes:
            lines.append(f"      {e.notes}")
    if plan.notes:
        lines.append(f"  notes: {plan.notes}")
    return "\n".join(lines)
