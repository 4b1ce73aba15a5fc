"""Measuring poses the way the analysis does, and scaling motions and faults to hit targets.

Every measurement goes through ``tracking.kinematics.angles_arrays`` on landmarks seen by the
virtual camera, so the virtual patient's ground truth uses the very definitions the scoring
engine uses (e.g. shoulder abduction is the elbow-shoulder line against the trunk line, not
the commanded joint angle).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from tracking.exercise.spec import ExerciseSpec, FaultRule
from tracking.kinematics import angles_arrays
from tracking.virtual_patient.body import BodyShape, pose_landmarks
from tracking.virtual_patient.camera import Camera
from tracking.virtual_patient.faults import (excess, family, fault_sides, margin, measure_names,
                                             variants)
from tracking.virtual_patient.motions import MOTIONS, _expand, finish_feet, motion_dofs


def kin_view(camera: Camera) -> str:
    """The kinematics view ("front", "side" or "any") matching a camera's azimuth."""
    a = abs((camera.azimuth + 180.0) % 360.0 - 180.0)
    if a < 15 or a > 165:
        return "front"
    if 75 < a < 105:
        return "side"
    return "any"


def measure(points: np.ndarray, camera: Camera, names: Sequence[str],
            how: str = "truth") -> dict[str, np.ndarray]:
    """Named measures (T,) of body-frame points (T,33,3) seen by ``camera``.

    ``how="truth"``: by the definition, from the exact 3D (world) landmarks, whatever the
    camera can see (a front-view squat still has a true knee angle). ``how="engine"``: as the
    scoring engine reads them (``view="auto"``: image or world per measure and frame), used to
    make sure an injected fault is one the engine can see.
    """
    world = camera.world_landmarks(points)
    xyzv = camera.project(points)
    if how == "truth":
        readings = angles_arrays(xyzv, world, list(names), "any", camera.width, camera.height_px,
                                 source="world")
    else:
        readings = angles_arrays(xyzv, world, list(names), "auto", camera.width, camera.height_px)
    return {k: r.value_deg for k, r in readings.items()}


def primary_names(spec: ExerciseSpec, sides: tuple[str, ...]) -> tuple[str, ...]:
    """The angle-table names of the primary angle for these working sides."""
    from tracking.angles import ANGLES, SIDED

    a = spec.primary.angle
    if a in SIDED and not (a in ANGLES and len(sides) == 2):
        return tuple(f"{a}_{s}" for s in sides)
    return (a,)


def seen_primary(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera,
                 points: np.ndarray) -> np.ndarray:
    """The primary angle (T,) as the engine's measure reads this camera's picture of exact
    landmarks ``points`` (T,33,3): view decided as the engine decides it (image angle where
    the view shows the angle's plane, else world); a two-sided primary seen side-on is read on
    the near side, as the engine does (the far limb is hidden behind the body)."""
    from tracking.views import near_side

    names = primary_names(spec, sides)
    vals = measure(points, camera, names, "engine")
    if len(names) == 2 and kin_view(camera) == "side":
        near = np.nanmean(near_side(camera.project(points), camera.world_landmarks(points)))
        if near == near and near != 0:
            return vals[names[0] if near > 0 else names[1]]
    return primary_value(vals, names)


def primary_value(values: Mapping[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """The primary angle: the working side's, or the mean of both for a bilateral movement."""
    return np.mean(np.stack([values[n] for n in names]), axis=0)


def pose_dofs(spec: ExerciseSpec, sides: tuple[str, ...], phase: np.ndarray, amplitude: np.ndarray,
              fault_dofs: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """DOFs of the exercise's motion (plus fault DOFs), feet finished."""
    motion = MOTIONS[spec.id]
    dofs = motion_dofs(motion, sides, phase, amplitude)
    for k, v in (fault_dofs or {}).items():
        dofs[k] = dofs.get(k, 0.0) + v
    return finish_feet(motion, dofs)


_PHASES = np.linspace(0.0, 1.0, 21)


#: Faults shown in a movement: ((dof, change), ...) and the envelope window of each.
Faults = tuple[tuple[tuple[tuple[str, float], ...], tuple[float, float]], ...]


def fault_dofs(faults: Faults, phase: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for delta, window in faults:
        env = envelope(phase, window)
        for k, v in delta:
            out[k] = out.get(k, 0.0) + v * env
    return out


def _peaks(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera, body: BodyShape,
           amps: np.ndarray, faults: Faults = ()) -> np.ndarray:
    """The measured primary's extreme towards the target over a whole movement, per amplitude
    (not just at the end pose: a detour such as the lean of a sit-to-stand can overshoot,
    and a compensation may change the primary angle too)."""
    ph = np.tile(_PHASES, amps.size)
    dofs = pose_dofs(spec, sides, ph, np.repeat(amps, _PHASES.size), fault_dofs(faults, ph))
    names = primary_names(spec, sides)
    vals = primary_value(measure(pose_landmarks(dofs, body), camera, names), names)
    sign = 1.0 if spec.primary.target >= spec.primary.start else -1.0
    return sign * np.nanmax(sign * vals.reshape(amps.size, _PHASES.size), axis=1)


@lru_cache(maxsize=512)
def _amplitude_curve(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera,
                     body: BodyShape, faults: Faults = ()) -> tuple[np.ndarray, np.ndarray]:
    amps = np.linspace(0.0, MOTIONS[spec.id].max_amplitude, 121 if not faults else 41)
    return amps, _peaks(spec, sides, camera, body, amps, faults)


def amplitude_for(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera, body: BodyShape,
                  peak_deg: float, faults: Faults = ()) -> float:
    """The motion amplitude at which the measured primary angle peaks at ``peak_deg`` (with
    ``faults`` shown: the patient still reaches the range, compensating)."""
    amps, vals = _amplitude_curve(spec, sides, camera, body, faults)
    sign = 1.0 if spec.primary.target >= spec.primary.start else -1.0
    d = sign * (vals - peak_deg)  # crosses from < 0 to >= 0
    ok = np.isfinite(d)
    hit = np.nonzero(ok[1:] & ok[:-1] & (d[:-1] < 0) & (d[1:] >= 0))[0]
    close = np.nonzero(np.abs(np.nan_to_num(d, nan=1e9)) <= 1.0)[0]
    if not hit.size and close.size:  # e.g. a distance that cannot go below 0: the first close one
        return float(amps[int(close[0])])
    if not hit.size:
        lo, hi = np.nanmin(vals), np.nanmax(vals)
        raise ValueError(f"{spec.id}: a peak of {peak_deg:.1f} for {spec.primary.angle} is out of "
                         f"reach of the virtual patient from this view (reachable {lo:.1f}..{hi:.1f})")
    i = int(hit[0])
    a0, a1, d0, d1 = amps[i], amps[i + 1], d[i], d[i + 1]
    a = a1
    for _ in range(4):  # secant refinement on the exact measure
        a = a0 - d0 * (a1 - a0) / (d1 - d0) if d1 != d0 else a1
        da = sign * (_peaks(spec, sides, camera, body, np.array([a]), faults)[0] - peak_deg)
        if abs(da) < 1e-3:
            break
        if da < 0:
            a0, d0 = a, da
        else:
            a1, d1 = a, da
    return float(a)


def _fault_values(spec: ExerciseSpec, rule: FaultRule, sides: tuple[str, ...],
                  values: Mapping[str, np.ndarray], rest: Mapping[str, np.ndarray]) -> np.ndarray:
    """The worst excess over the rule's limit, per pose (relative rules: change from rest)."""
    names = measure_names(rule, sides)
    worst = None
    for n in names:
        v = values[n] - (rest[n] if rule.relative else 0.0)
        e = excess(rule, v)
        worst = e if worst is None else np.fmax(worst, e)
    return worst


def fault_pattern(rule: FaultRule, variant: int, sides: tuple[str, ...]) -> dict[str, float]:
    return _expand(variants(rule)[variant], fault_sides(rule, sides))


#: A fault builds up between these fractions of the way to the peak (and fades on the way
#: back): the engine starts a repetition at half its minimum range and takes the baseline of
#: "relative" fault rules just before, so the fault must not have begun by then.
#: A fault that can only be seen early in the movement (e.g. knee valgus, unmeasurable once
#: the thigh points at the camera) falls back to the second window.
FAULT_PHASES = ((0.35, 0.75), (0.1, 0.5))


def envelope(phase: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """0 below ``window[0]`` of the way to the peak, 1 above ``window[1]`` (smoothstep)."""
    e = np.clip((phase - window[0]) / (window[1] - window[0]), 0.0, 1.0)
    return e * e * (3.0 - 2.0 * e)


def rep_profile(local: np.ndarray, up: float, hold: float, down: float) -> np.ndarray:
    """Phase (0 rest .. 1 peak, cosine ease) at times ``local`` (s) from a repetition's start."""
    phase = np.where(local < up, 0.5 - 0.5 * np.cos(np.pi * np.clip(local / up, 0, 1)), 1.0)
    phase = np.where(local >= up + hold,
                     0.5 + 0.5 * np.cos(np.pi * np.clip((local - up - hold) / down, 0, 1)), phase)
    return np.where((local < 0) | (local >= up + hold + down), 0.0, phase)


def engine_window(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera, body: BodyShape,
                  points: np.ndarray, fps: float) -> tuple[int, int] | None:
    """The frames at which the scoring engine itself (``ExerciseTracker``, view auto) starts
    and ends the first repetition of ``points`` (T,33,3) seen by ``camera`` (end: the last
    frame if it does not end it); None if it starts none.

    Relative fault rules take their baseline from the frame just before the start (the last
    sample the engine saw at rest), and so do the UI-PRMD limits (bench/uiprmd_rules.py
    measures them that way). Running the engine's own detector, rather than guessing where it
    will start, keeps a calibrated fault ``margin`` past its limit as the engine reads it.
    """
    from dataclasses import replace

    from tracking.exercise.events import RepAbandoned, RepCompleted, RepStarted
    from tracking.exercise.tracker import ExerciseTracker
    from tracking.virtual_patient.camera import series_from_points

    series = series_from_points(points, camera, fps)
    side = None
    if spec.sides in ("both", "alternating") and len(sides) == 1:
        side = "left" if sides == ("l",) else "right"
    tracker = ExerciseTracker(replace(spec, faults=()), None, camera.width, camera.height_px,
                              side=side)
    events = tracker.run_series(series)
    t0 = next((e.t_s for e in events if isinstance(e, RepStarted)), None)
    if t0 is None:
        return None
    t1 = next((e.t_s for e in events if isinstance(e, (RepCompleted, RepAbandoned))
               and e.t_s >= t0), None)
    return int(round(t0 * fps)), len(points) - 1 if t1 is None else int(round(t1 * fps))


def _baseline(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera, body: BodyShape,
              amplitude: float, tempo: tuple[float, float, float], fps: float,
              names: Sequence[str]) -> dict[str, float]:
    """The measures where the engine takes its baseline for relative rules: the last frame
    before the engine starts a clean repetition (1 s of rest, then the movement, at ``fps``)."""
    up, hold, down = tempo
    local = np.arange(-1.0, up + min(hold, 2.0) + down, 1.0 / fps)
    phase = rep_profile(local, up, min(hold, 2.0), down)
    pts = pose_landmarks(pose_dofs(spec, sides, phase, np.full(phase.size, amplitude)), body)
    vals = measure(pts, camera, list(names), "engine")
    win = engine_window(spec, sides, camera, body, pts, fps)
    i = None if win is None else win[0]
    if i is None:  # the engine starts no repetition: the last frame before half the minimum range
        pn = primary_names(spec, sides)
        prim = primary_value(measure(pts, camera, pn, "engine"), pn)
        moved = np.abs(prim - prim[0]) >= spec.primary.min_range / 2.0
        i = int(np.argmax(moved)) if moved.any() else 1
    i = min(max(i - 1, 0), len(pts) - 1)
    return {k: float(vals[k][i]) for k in names}


@lru_cache(maxsize=512)
def fault_injection(spec: ExerciseSpec, name: str, sides: tuple[str, ...], camera: Camera,
                    body: BodyShape, amplitude: float, tempo: tuple[float, float, float],
                    fps: float = 30.0) -> tuple[dict[str, float], float, str, tuple[float, float]]:
    """(DOF change, magnitude, note, envelope window): the smallest magnitude that keeps fault ``name`` past
    its limit by ``margin`` for its minimum duration + 0.2 s in a repetition of this tempo,
    preferring a variant that leaves the exercise's other faults (other families) below
    their limits."""
    rules = {r.name: r for r in spec.faults}
    if name not in rules:
        raise ValueError(f"{spec.id} has no fault {name!r} (its faults: {', '.join(rules) or 'none'})")
    rule = rules[name]
    up, hold, down = tempo
    step = 1.0 / min(fps, 15.0)
    local = np.arange(0.0, up + min(hold, 2.0) + down, step)
    phase = rep_profile(local, up, min(hold, 2.0), down)
    need_s = rule.min_duration_s + 0.2
    mags = np.arange(0.0, 62.0, 2.0)
    all_names = sorted({n for r in spec.faults for n in measure_names(r, sides)})
    rest = _baseline(spec, sides, camera, body, amplitude, tempo, fps, all_names)
    m, f = mags.size, local.size
    fallback = None
    for window in FAULT_PHASES:
        env = envelope(phase, window)
        for variant in range(len(variants(rule))):
            pattern = fault_pattern(rule, variant, sides)
            if MOTIONS[spec.id].level_feet and "pelvis_tilt" in pattern and any(
                    k.startswith("ankle_") for k in pattern):
                continue  # a whole-body sway at the ankles: for upright standing, not squats
            mm = np.repeat(mags, f)
            dofs = pose_dofs(spec, sides, np.tile(phase, m), np.full(m * f, amplitude),
                             {k: v * mm * np.tile(env, m) for k, v in pattern.items()})
            vals = measure(pose_landmarks(dofs, body), camera, all_names, "engine")
            e = np.nan_to_num(_fault_values(spec, rule, sides, vals, rest), nan=-1e9).reshape(m, f)
            good = np.nonzero((e >= margin(rule)).sum(axis=1) * step >= need_s)[0]
            if not good.size:
                continue
            i = int(good[0])
            # another fault counts as shown when it comes within 2 deg of its limit, unless
            # the clean movement (magnitude 0) is already as close (a limit of 1.5 on a measure
            # that stays at 0): the compensation must move it towards its limit by > 0.5 deg
            others = []
            for r in spec.faults:
                if family(r) == family(rule):
                    continue
                ex = np.nanmax(np.nan_to_num(_fault_values(spec, r, sides, vals, rest),
                                             nan=-1e9).reshape(m, f)[[0, i]], axis=1)
                if ex[1] > -2.0 and ex[1] > ex[0] + 0.5:
                    others.append(r.name)
            result = ({k: v * mags[i] for k, v in pattern.items()}, float(mags[i]),
                      f"variant {variant}, window {window}"
                      + (f"; also shows {', '.join(others)}" if others else ""), window)
            if not others:
                return result
            fallback = fallback or result
    if fallback is None:
        raise ValueError(f"{spec.id}: the virtual patient cannot make fault {name!r} clear "
                         "from this view")
    return fallback


#: an excess smaller than this (degrees) is rounding, not a fault (a knee-valgus limit of 0 on
#: a measure that stays at 0: -0.0 against 1e-15)
PRESENT_EPS = 1e-3


def faults_present(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera, body: BodyShape,
                   points: np.ndarray, fps: float) -> tuple[str, ...]:
    """The spec's fault rules past their limit in one repetition ``points`` (T,33,3; rest
    first), as the engine reads these exact landmarks from this camera: within the engine's
    repetition, the measure (relative rules: minus its value the frame before the engine
    starts it) beyond the limit for the rule's minimum duration without a break."""
    if not spec.faults:
        return ()
    names = sorted({n for r in spec.faults for n in measure_names(r, sides)})
    vals = measure(points, camera, names, "engine")
    win = engine_window(spec, sides, camera, body, points, fps)
    if win is None:
        return ()
    i0 = max(win[0] - 1, 0)
    found = []
    for rule in spec.faults:
        e = _fault_values(spec, rule, sides, vals, {n: vals[n][i0] for n in names})[i0 + 1:win[1] + 1]
        run = best = 0
        for over in np.nan_to_num(e, nan=-1.0) > PRESENT_EPS:
            run = run + 1 if over else 0
            best = max(best, run)
        if (best - 1) / fps >= rule.min_duration_s - 1e-9:
            found.append(rule.name)
    return tuple(found)
