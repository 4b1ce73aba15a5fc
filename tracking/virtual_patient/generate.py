"""``generate``: a virtual patient doing an exercise -> (PoseSeries, Truth).

The patient follows the exercise's motion (motions.py) for a number of repetitions with a
tempo (up, hold, down, pause), on a side, optionally with injected faults (faults.py),
Gaussian landmark noise, dropped frames and visibility drops, and partial repetitions
before and after. The Truth is measured, not commanded: the primary angle and the faults
are read by ``tracking.kinematics`` from the noise-free landmarks, seen by the same camera.

``rom_deg`` is the requested excursion from the spec's start value towards its target
(default: the spec's span), so the measured peak is ``start + rom`` (or ``start - rom`` for
a decreasing angle); the truth reports the excursion actually measured from the repetition's
own starting value, as ``RepResult.rom_deg`` does.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from tracking.exercise.spec import ExerciseSpec
from tracking.series import PoseSeries
from tracking.virtual_patient.body import BodyShape, pose_landmarks
from tracking.virtual_patient.calibrate import (amplitude_for, fault_injection, faults_present,
                                                measure, pose_dofs, primary_names, primary_value,
                                                seen_primary, Faults, fault_dofs, rep_profile)
from tracking.virtual_patient.camera import Camera, series_from_points
from tracking.virtual_patient.faults import family

SIDE_NAMES = {"l": "left", "r": "right"}


@dataclass(frozen=True)
class RepTruth:
    """One repetition as performed (times in seconds from the series start)."""

    index: int  #: 1-based
    side: str  #: "left", "right" or "" (bilateral)
    start_s: float
    peak_s: float
    end_s: float
    start_deg: float  #: primary angle measured at the start of the repetition
    peak_deg: float  #: primary angle measured at its extreme towards the target
    rom_deg: float  #: |peak - start|, measured
    hold_s: float  #: time spent at the peak plateau (commanded)
    held_in_tolerance_s: float  #: longest time within the spec's tolerance of its target (measured)
    faults: tuple[str, ...] = ()  #: injected faults
    amplitude: float = 0.0  #: motion amplitude used (1 = the motion's nominal movement)
    #: the primary's extreme as the engine's measure reads this camera's picture of the exact
    #: landmarks (``seen_primary``); ``peak_deg - peak_seen_deg`` is the camera-geometry error
    peak_seen_deg: float = float("nan")
    #: other fault rules of the spec past their limits in this repetition as the engine reads
    #: the exact landmarks (``calibrate.faults_present``): a compensation that cannot be shown
    #: without them (leaning the trunk forward on one leg bends the standing hip); empty for a
    #: clean repetition (tested)
    also_shows: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["faults"] = list(self.faults)
        d["also_shows"] = list(self.also_shows)
        d["fault"] = self.faults[0] if self.faults else None
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}


@dataclass(frozen=True)
class Truth:
    """What the virtual patient did; ``to_json`` is what ``clip.truth.json`` holds."""

    exercise: str
    primary: str  #: the primary angle's name (base name for sided angles)
    view: str
    fps: float
    reps: tuple[RepTruth, ...]
    partials: tuple[RepTruth, ...] = ()  #: too-small repetitions that must not count
    params: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dofs: Mapping[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    points: np.ndarray | None = field(default=None, compare=False, repr=False)  #: clean body frame
    primary_deg: np.ndarray | None = field(default=None, compare=False, repr=False)  #: (T,) measured

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "primary": self.primary, "view": self.view,
                "fps": self.fps, "rep_count": self.rep_count,
                "reps": [r.to_dict() for r in self.reps],
                "partials": [r.to_dict() for r in self.partials],
                "params": dict(self.params), "notes": list(self.notes)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)


def _schedule(spec: ExerciseSpec, side: str | None, n: int) -> list[tuple[str, ...]]:
    from tracking.angles import SIDED

    if spec.primary.angle not in SIDED or (side or spec.sides) == "bilateral":
        return [("l", "r")] * n
    side = side or {"both": "left"}.get(spec.sides, spec.sides)
    if side == "left":
        return [("l",)] * n
    if side == "right":
        return [("r",)] * n
    if side == "alternating":
        return [("l",) if i % 2 == 0 else ("r",) for i in range(n)]
    if side == "both":
        return [("l",) if i < (n + 1) // 2 else ("r",) for i in range(n)]
    raise ValueError(f"side must be left, right, both, alternating or bilateral, got {side!r}")


def default_camera(spec: ExerciseSpec, sides: tuple[str, ...], view: str | float | None) -> Camera:
    """The spec's view; a side view looks at the working side (the left when bilateral)."""
    from tracking.angles import ANGLES, SIDED

    if view is None:
        view = spec.view
        if view == "any":
            name = spec.primary.angle
            d = ANGLES.get(name) or ANGLES[SIDED[name][0]]
            view = "side" if d.plane == "sagittal" else "front"
    if view == "side":
        view = "right" if sides == ("r",) else "left"
    return view if isinstance(view, Camera) else Camera(view=view)


def _tempo(spec: ExerciseSpec, tempo: Any, hold_s: float | None) -> tuple[float, float, float, float]:
    up, down = spec.tempo.up_s, spec.tempo.down_s
    hold = spec.hold_s if hold_s is None else hold_s
    pause = 0.8
    if tempo is not None:
        t = dict(tempo) if isinstance(tempo, Mapping) else dict(zip(("up", "hold", "down", "pause"), tempo))
        up, hold, down, pause = (float(t.get(k, d)) for k, d in
                                 (("up", up), ("hold", hold), ("down", down), ("pause", pause)))
    if min(up, down) <= 0 or min(hold, pause) < 0:
        raise ValueError("tempo: up and down must be > 0, hold and pause >= 0")
    return up, hold, down, pause


def _rest_reading(spec: ExerciseSpec, sides: tuple[str, ...], camera: Camera,
                  body: BodyShape) -> float:
    """Where a requested range starts: the spec's ``start``, or for a primary read relative to
    the patient's resting reading (``PrimaryAngle.relative``), that reading (3D definition)."""
    if not getattr(spec.primary, "relative", False):
        return spec.primary.start
    pn = primary_names(spec, sides)
    pts = pose_landmarks(pose_dofs(spec, sides, np.zeros(1), np.zeros(1)), body)
    return float(primary_value(measure(pts, camera, pn), pn)[0])


def generate(spec_or_id: ExerciseSpec | str, reps: int | None = None,
             rom_deg: float | Sequence[float] | None = None, tempo: Any = None,
             side: str | None = None, noise: float | Sequence[float] = 0.0, missing: float = 0.0,
             faults: Sequence[str] | Mapping[int, Sequence[str]] = (),
             view: str | float | Camera | None = None, fps: float = 30.0, seed: int = 0,
             body: BodyShape = BodyShape(), hold_s: float | None = None,
             partial_start: float | None = None, partial_end: float | None = None,
             visibility_drops: float = 0.0, lead_in_s: float = 1.0) -> tuple[PoseSeries, Truth]:
    """A virtual patient doing ``reps`` repetitions of an exercise. See the module docstring.

    ``tempo``: (up, hold, down, pause) seconds or a dict with those keys (default: the spec's
    up/down, its hold_s, 0.8 s pause). ``side``: left, right, both (half each), alternating,
    bilateral (default from the spec; "both" specs default to left). ``noise``: Gaussian
    landmark noise, metres (sd), or (sd_x, sd_y, sd_depth) along the camera's axes (pose
    trackers are noisiest in depth). ``missing``: fraction of frames dropped (NaN, in gaps of 1-5
    frames). ``visibility_drops``: fraction of frames where one limb's visibility falls to
    0.1-0.4. ``faults``: fault names shown in every repetition, or {rep index (1-based):
    names}. ``partial_start``/``partial_end``: amplitude fraction (e.g. 0.2) of an extra,
    too-small repetition before the first / after the last one.
    """
    from tracking.exercise.library import get_spec

    spec = get_spec(spec_or_id) if isinstance(spec_or_id, str) else spec_or_id
    n = spec.reps if reps is None else int(reps)
    if n < 0:
        raise ValueError("reps must be >= 0")
    schedule = _schedule(spec, side, n)
    camera = default_camera(spec, schedule[0] if schedule else ("l", "r"), view)
    up, hold, down, pause = _tempo(spec, tempo, hold_s)
    roms = np.asarray(spec.primary.span if rom_deg is None else rom_deg, float)
    if roms.ndim and roms.size != n:
        raise ValueError(f"rom_deg has {roms.size} values for {n} repetitions")
    roms = np.broadcast_to(roms, (n,))
    sign = 1.0 if spec.primary.target >= spec.primary.start else -1.0
    fault_map = (faults if isinstance(faults, Mapping)
                 else {i + 1: tuple(faults) for i in range(n)})
    # (sides, amplitude, faults, counted) per movement, partial ones included.
    plan: list[tuple[tuple[str, ...], float, tuple[str, ...], bool]] = []
    notes: list[str] = []
    injected: list[Faults] = []
    for i, sides in enumerate(schedule):
        peak = _rest_reading(spec, sides, camera, body) + sign * float(roms[i])
        amp = amplitude_for(spec, sides, camera, body, peak)
        names = tuple(fault_map.get(i + 1, ()))
        shown: Faults = ()
        rep_notes: list[str] = []
        # A compensation can change the primary angle (a trunk lean reads as hip flexion), so
        # the amplitude is solved again with it shown (the patient still reaches the range),
        # and the fault calibrated again at that amplitude, until both agree.
        for _ in range(4 if names else 0):
            shown, rep_notes = (), []
            for name in names:
                delta, mag, note, window = fault_injection(
                    spec, name, sides, camera, body, amp, (up, hold, down), fps)
                rep_notes.append(f"rep {i + 1}: {name} magnitude {mag:.0f} ({note})")
                shown += ((tuple(sorted(delta.items())), window),)
            try:
                new_amp = amplitude_for(spec, sides, camera, body, peak, shown)
            except ValueError:
                rep_notes.append(f"rep {i + 1}: range not reachable with the fault")
                break
            if abs(new_amp - amp) < 1e-3:
                break
            amp = new_amp
        notes += rep_notes
        plan.append((sides, amp, names, True))
        injected.append(shown)
    first = schedule[0] if schedule else ("l", "r")
    if partial_start:
        a = amplitude_for(spec, first, camera, body, _rest_reading(spec, first, camera, body)
                          + spec.primary.target - spec.primary.start)
        plan.insert(0, (first, partial_start * a, (), False))
        injected.insert(0, ())
    if partial_end:
        last = schedule[-1] if schedule else first
        a = amplitude_for(spec, last, camera, body, _rest_reading(spec, last, camera, body)
                          + spec.primary.target - spec.primary.start)
        plan.append((last, partial_end * a, (), False))
        injected.append(())

    # Timeline: lead-in, then per movement up / hold / down / pause.
    rep_len = up + hold + down + pause
    total = lead_in_s + len(plan) * rep_len + 0.5
    t = np.arange(int(round(total * fps))) / fps
    k = np.clip(((t - lead_in_s) // rep_len).astype(int), -1, len(plan) - 1)
    local = t - lead_in_s - np.maximum(k, 0) * rep_len
    phase = rep_profile(np.where(k < 0, -1.0, local), up, hold, down)

    dofs: dict[str, np.ndarray] = {} if plan else pose_dofs(spec, ("l", "r"), np.zeros(t.size),
                                                               np.zeros(t.size))
    idx_all = np.arange(t.size)
    for j, (sides, amp, names, _) in enumerate(plan):
        sel = (k == j) | ((k < 0) & (j == 0))
        fdofs = fault_dofs(injected[j], phase[sel])
        part = pose_dofs(spec, sides, phase[sel], np.full(sel.sum(), amp), fdofs)
        # Blend into the next movement's start pose during the pause (alternating stances).
        if j + 1 < len(plan):
            nxt = pose_dofs(spec, plan[j + 1][0], np.zeros(1), np.zeros(1))
            w = np.clip((local[sel] - (up + hold + down)) / max(pause, 1e-6), 0, 1)
            w = np.where(k[sel] == j, w * w * (3 - 2 * w), 0.0)
            for key in set(part) | set(nxt):
                part[key] = (1 - w) * part.get(key, 0.0) + w * nxt.get(key, 0.0)
        for key, v in part.items():
            dofs.setdefault(key, np.zeros(t.size))[idx_all[sel]] = v
    points = pose_landmarks(dofs, body) if t.size else np.zeros((0, 33, 3))

    # Truth, measured on the clean landmarks.
    truth_reps: list[RepTruth] = []
    partials: list[RepTruth] = []
    prim = np.full(t.size, np.nan)
    count = 0
    for j, (sides, amp, names, counted) in enumerate(plan):
        pn = primary_names(spec, sides)
        sel = k == j
        vals = primary_value(measure(points[sel], camera, pn), pn)
        seen = seen_primary(spec, sides, camera, points[sel])
        if getattr(spec.primary, "relative", False):  # read from the resting reading, as the engine
            vals, seen = (vals - vals[0] + spec.primary.start, seen - seen[0] + spec.primary.start)
        prim[sel] = vals
        t0 = lead_in_s + j * rep_len
        i_peak = int(np.nanargmax(sign * vals))
        start_deg = float(vals[0])
        near = np.abs(vals - spec.primary.target) <= spec.primary.tolerance
        runs = np.diff(np.flatnonzero(np.diff(np.r_[0, near.astype(int), 0])))[::2]
        lead = np.repeat(points[sel][:1], int(round(0.5 * fps)), axis=0)  # rest before the rep
        fams = {family(r) for r in spec.faults if r.name in names}
        also = tuple(r.name for r in spec.faults if family(r) not in fams and r.name in
                     faults_present(spec, sides, camera, body,
                                    np.concatenate([lead, points[sel]]), fps)) if counted else ()
        rt = RepTruth(index=count + 1 if counted else 0,
                      side="" if len(sides) == 2 else SIDE_NAMES[sides[0]],
                      start_s=t0, peak_s=float(t[sel][i_peak]), end_s=t0 + up + hold + down,
                      start_deg=start_deg, peak_deg=float(vals[i_peak]),
                      rom_deg=float(abs(vals[i_peak] - start_deg)), hold_s=hold,
                      held_in_tolerance_s=float(runs.max() / fps) if runs.size else 0.0,
                      faults=names, amplitude=amp,
                      peak_seen_deg=float(seen[int(np.nanargmax(sign * seen))]), also_shows=also)
        if counted:
            count += 1
            truth_reps.append(rt)
        else:
            partials.append(rt)
    if (k < 0).any() and plan:
        pn = primary_names(spec, plan[0][0])
        prim[k < 0] = primary_value(measure(points[k < 0], camera, pn), pn)

    rng = np.random.default_rng(seed)
    sd = np.broadcast_to(np.asarray(noise, float), (3,))
    if np.any(sd < 0):
        raise ValueError("noise must be >= 0")
    # Noise drawn along the camera's axes (x right, y down, depth), turned into the body frame.
    noisy = points + (rng.normal(0.0, 1.0, points.shape) * sd) @ camera.rotation if sd.any() else points
    params = {"reps": n, "rom_deg": [float(r) for r in roms], "tempo": [up, hold, down, pause],
              "side": side or spec.sides, "noise_m": sd.tolist(), "missing": missing,
              "visibility_drops": visibility_drops, "seed": seed, "height_m": body.height,
              "faults": {str(i): list(v) for i, v in fault_map.items() if v}}
    series = series_from_points(noisy, camera, fps, source=f"virtual-patient:{spec.id}",
                                extra={"exercise": spec.id, "virtual_patient": params})
    _degrade(series, rng, missing, visibility_drops)
    truth = Truth(exercise=spec.id, primary=spec.primary.angle, view=str(camera.view), fps=fps,
                  reps=tuple(truth_reps), partials=tuple(partials), params=params,
                  notes=tuple(notes), dofs=dofs, points=points, primary_deg=prim)
    return series, truth


_LIMBS = ((11, 13, 15, 17, 19, 21), (12, 14, 16, 18, 20, 22), (23, 25, 27, 29, 31),
          (24, 26, 28, 30, 32))


def _degrade(series: PoseSeries, rng: np.random.Generator, missing: float, drops: float) -> None:
    """Drop frames (NaN) and limb visibility in place."""
    n = len(series)
    if n == 0:
        return
    if missing > 0:
        lost = np.zeros(n, bool)
        while lost.mean() < missing:
            start, length = rng.integers(0, n), rng.integers(1, 6)
            lost[start:start + length] = True
        series.xyzv[lost] = np.nan
        if series.world is not None:
            series.world[lost] = np.nan
    if drops > 0:
        for i in np.flatnonzero(rng.random(n) < drops):
            limb = list(_LIMBS[rng.integers(0, len(_LIMBS))])
            series.xyzv[i, limb, 3] = np.minimum(series.xyzv[i, limb, 3], rng.uniform(0.1, 0.4))
