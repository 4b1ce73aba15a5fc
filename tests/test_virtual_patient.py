"""Virtual patient: motions for every exercise, measured truth, faults, noise and gaps."""
import json

import numpy as np
import pytest

from tracking.exercise.library import exercise_ids, get_spec
from tracking.kinematics import angles
from tracking.landmarks import Landmark as L
from tracking.virtual_patient.body import BodyShape, pose_landmarks
from tracking.virtual_patient.calibrate import kin_view, measure
from tracking.virtual_patient.camera import Camera, series_from_points
from tracking.virtual_patient.faults import INJECTIONS, excess, family, measure_names
from tracking.virtual_patient.generate import generate
from tracking.virtual_patient.motions import MOTIONS


def test_every_exercise_has_a_motion_and_every_fault_an_injection():
    assert set(exercise_ids()) <= set(MOTIONS)
    for ex in exercise_ids():
        for rule in get_spec(ex).faults:
            assert family(rule) in INJECTIONS, (ex, rule.name)


def test_commanded_knee_flexion_reads_the_same_from_the_side():
    knee = np.array([0.0, 45.0, 90.0, 120.0])
    pts = pose_landmarks({"knee_flexion_l": knee, "hip_flexion_l": knee})
    s = series_from_points(pts, Camera("left"))
    r = angles(s, ["knee_flexion_l"], view="side")["knee_flexion_l"]
    assert r.source == "image"
    assert r.value_deg == pytest.approx(knee, abs=1.0)


@pytest.mark.parametrize("exercise", exercise_ids())
def test_generation_reaches_the_requested_range_for_every_exercise(exercise):
    spec = get_spec(exercise)
    rom = 0.8 * spec.primary.span
    series, truth = generate(exercise, reps=2, rom_deg=rom, hold_s=0.5)
    assert truth.rep_count == 2 and len(series) == len(truth.points) > 60
    assert series.world is not None and np.isfinite(series.xyzv).all()
    sign = 1 if spec.primary.target > spec.primary.start else -1
    for rep in truth.reps:
        # The measured peak is where it was asked to be (start + rom), within a degree.
        assert rep.peak_deg == pytest.approx(spec.primary.start + sign * rom, abs=1.0)
        assert rep.rom_deg >= spec.primary.min_range
        assert rep.start_s < rep.peak_s < rep.end_s
        assert rep.hold_s == 0.5 and not rep.faults
    d = json.loads(truth.to_json())
    assert [set(r) >= {"rom_deg", "fault"} for r in d["reps"]] == [True, True]
    assert d["exercise"] == exercise and d["rep_count"] == 2


def _fault_excess(spec, truth, rule, sides, rep):
    """The rule's excess over its limit as the engine reads it within the engine's repetition
    (baseline of relative rules: the frame before the engine itself starts the repetition,
    see calibrate.engine_window)."""
    from tracking.virtual_patient.calibrate import engine_window

    cam = Camera(truth.view)
    names = measure_names(rule, sides)
    t = np.arange(len(truth.points)) / truth.fps
    sel = (t >= rep.start_s - 0.5) & (t <= rep.end_s)
    pts = truth.points[sel]
    vals = measure(pts, cam, names, "engine")
    start, end = engine_window(spec, sides, cam, BodyShape(), pts, truth.fps)
    i0 = max(start - 1, 0)
    worst = None
    for n in names:  # while the engine is in the repetition
        v = vals[n][i0:end + 1] - (vals[n][i0] if rule.relative else 0.0)
        e = excess(rule, v)
        worst = e if worst is None else np.fmax(worst, e)
    return worst


@pytest.mark.parametrize("exercise", [e for e in exercise_ids() if get_spec(e).faults])
def test_injected_faults_cross_their_limits_and_clean_reps_do_not(exercise):
    # Every exercise, the ten UI-PRMD ones too (their limits: the 95th percentile of correct
    # UI-PRMD repetitions): a clean virtual repetition moves like a correct human one.
    spec = get_spec(exercise)
    sides = ("l", "r") if spec.sides == "bilateral" else ("l",)
    side = None if spec.sides == "bilateral" else "left"
    _, clean = generate(exercise, reps=1, side=side, hold_s=0.0)
    assert clean.reps[0].also_shows == ()
    for rule in spec.faults:
        assert np.nanmax(_fault_excess(spec, clean, rule, sides, clean.reps[0])) <= 1e-3, rule.name
    rules = list({family(r): r for r in reversed(spec.faults)}.values())  # mildest tier of each
    _, faulty = generate(exercise, reps=len(rules), side=side, hold_s=0.0,
                         faults={i + 1: [r.name] for i, r in enumerate(rules)})
    for rep, rule in zip(faulty.reps, rules):
        assert rep.faults == (rule.name,)
        e = _fault_excess(spec, faulty, rule, sides, rep)
        assert np.sum(e > 0) / faulty.fps >= rule.min_duration_s, rule.name


def test_sides_tempo_partials_and_holds():
    _, t = generate("forward_reach", reps=4, side="alternating", tempo=(1.0, 0.0, 1.0, 0.5))
    assert [r.side for r in t.reps] == ["left", "right", "left", "right"]
    assert t.reps[1].start_s - t.reps[0].start_s == pytest.approx(2.5)
    _, t = generate("shoulder_abduction", reps=4, side="both")
    assert [r.side for r in t.reps] == ["left", "left", "right", "right"]
    _, t = generate("squat", reps=2, partial_start=0.2, partial_end=0.25)
    assert t.rep_count == 2 and len(t.partials) == 2
    assert all(p.rom_deg < get_spec("squat").primary.min_range for p in t.partials)
    assert t.partials[0].end_s <= t.reps[0].start_s and t.partials[1].start_s >= t.reps[-1].end_s
    _, t = generate("single_leg_stance", reps=1, hold_s=3.0)
    assert t.reps[0].held_in_tolerance_s >= 3.0
    with pytest.raises(ValueError, match="out of reach"):
        generate("squat", reps=1, rom_deg=300)
    with pytest.raises(ValueError, match="no fault"):
        generate("squat", reps=1, faults=["shoulder_hike"])


def test_noise_missing_frames_and_visibility_drops_are_seeded():
    a, _ = generate("squat", reps=2, noise=0.01, missing=0.1, visibility_drops=0.2, seed=3)
    b, _ = generate("squat", reps=2, noise=0.01, missing=0.1, visibility_drops=0.2, seed=3)
    clean, truth = generate("squat", reps=2)
    assert a.equals(b)
    lost = ~a.detected
    assert 0.08 < lost.mean() < 0.2
    diff = (a.world - clean.world)[~lost]
    # Noise is added in the body frame; world landmarks are re-centred on mid-hip.
    assert 0.007 < np.nanstd(diff) < 0.015
    assert (a.xyzv[~lost, :, 3] < 0.5).any()
    assert a.meta.extra["exercise"] == "squat" and a.meta.source == "virtual-patient:squat"
    # The DOF trajectory and clean points come with the truth (for the rendered patient).
    assert truth.points.shape == (len(clean), 33, 3)
    assert truth.dofs["knee_flexion_l"].max() > 80
    assert truth.points[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 1].min() > 0.0


def _match(truth_rep, reps):
    return next((r for r in reps if truth_rep.start_s - 0.2 <= r.peak_s <= truth_rep.end_s + 0.2
                 and (not truth_rep.side or r.side in (truth_rep.side, ""))), None)


@pytest.mark.parametrize("exercise", exercise_ids())
def test_engine_counts_clean_virtual_reps_exactly_and_reads_their_peaks(exercise):
    from tracking.exercise.analysis import analyze_series

    spec = get_spec(exercise)
    series, truth = generate(spec, reps=4 if spec.sides == "alternating" else 3)
    result = analyze_series(series, spec)
    assert result.rep_count == truth.rep_count
    for t in truth.reps:
        r = _match(t, result.reps)
        assert r is not None
        if spec.view_primary(kin_view(Camera(truth.view))) is not None:
            continue  # counted from another measure (a view primary): counts only
        # Within 1 degree of the angle as this camera shows it (peak_seen_deg: the engine's
        # measure on the exact landmarks, docs/virtual-patient.md "Truth"); the camera
        # geometry, that angle against the 3D definition, is a limit of one camera: in the
        # spec's own view within 2 degrees (largest at 01:10: sit_to_stand side-on, 0.43;
        # shoulder_scaption from the front read 4.0 between 5454aef and b701f03)
        assert r.peak_deg == pytest.approx(t.peak_seen_deg, abs=1.0)
        assert t.peak_seen_deg == pytest.approx(t.peak_deg, abs=2.0)


def test_sit_to_stand_peak_within_a_degree_and_its_camera_geometry():
    from tracking.exercise.analysis import analyze_series

    series, truth = generate("sit_to_stand", reps=2)
    result = analyze_series(series, "sit_to_stand")
    assert result.rep_count == 2
    for t in truth.reps:
        r = _match(t, result.reps)
        assert abs(r.peak_deg - t.peak_seen_deg) <= 1.0
        # side-on the near thigh reads a little short of the 3D hip angle (perspective on a
        # thigh pointing slightly outwards, camera 3.2 m away: 0.4 degrees with the feet a
        # little wider than the hips, 1.8 with the old 0.72 m stance); from afar they agree
        assert 0.2 < t.peak_deg - t.peak_seen_deg < 1.0
    far = Camera("left", distance=30.0, vfov_deg=6.0)
    _, truth_far = generate("sit_to_stand", reps=1, view=far)
    assert abs(truth_far.reps[0].peak_deg - truth_far.reps[0].peak_seen_deg) < 0.1


@pytest.mark.parametrize("exercise", [e for e in exercise_ids() if get_spec(e).faults])
def test_engine_finds_each_injected_fault_and_invents_none(exercise):
    """Every exercise (UI-PRMD ones included): each injected fault family is found in its
    repetition; any other fault reported is one the truth shows there (``also_shows``: the
    injected movement pushes that rule past its limit on the exact landmarks); clean
    repetitions report nothing."""
    from tracking.exercise.analysis import analyze_series

    spec = get_spec(exercise)
    side = None if spec.sides == "bilateral" else "left"
    fam = {r.name: family(r) for r in spec.faults}
    for rule in {family(r): r for r in reversed(spec.faults)}.values():
        series, truth = generate(spec, reps=3, side=side, faults={2: [rule.name]}, seed=3)
        result = analyze_series(series, spec)
        hit = _match(truth.reps[1], result.reps)
        assert hit is not None and any(fam[f.name] == family(rule) for f in hit.faults), rule.name
        others = {f.name for f in hit.faults if fam[f.name] != family(rule)}
        assert others <= set(truth.reps[1].also_shows), (rule.name, others)
        assert all(not r.faults for r in result.reps if r is not hit), rule.name


def test_per_rep_ranges_and_bad_arguments():
    _, t = generate("squat", reps=3, rom_deg=[60, 70, 80])
    assert [round(r.peak_deg) for r in t.reps] == [60, 70, 80]
    with pytest.raises(ValueError, match="2 values for 3"):
        generate("squat", reps=3, rom_deg=[60, 70])
    with pytest.raises(ValueError, match="tempo"):
        generate("squat", reps=1, tempo=(0, 0, 1, 1))
    s, t = generate("squat", reps=0)
    assert t.rep_count == 0 and len(s) == 45 and np.isfinite(s.xyzv).all()


def test_noise_along_the_camera_depth():
    clean, _ = generate("shoulder_abduction", reps=1)
    deep, _ = generate("shoulder_abduction", reps=1, noise=(0.0, 0.0, 0.02), seed=5)
    d = (deep.world - clean.world).reshape(-1, 3)  # world axes: x image right, y down, z depth
    d = d - d.mean(axis=0)
    assert np.std(d[:, 2]) > 0.015 and np.std(d[:, 0]) < 0.002 and np.std(d[:, 1]) < 0.002
    with pytest.raises(ValueError, match="noise"):
        generate("squat", reps=1, noise=-0.01)


def test_relative_trunk_rule_found_in_a_sit_to_stand_despite_its_forward_lean():
    """A relative rule's baseline is the engine's last sample at rest before it starts the
    repetition, after the forward lean of standing up has begun: the virtual patient's
    sway is calibrated against that very baseline (calibrate.engine_window), so it is found
    in its repetition only; the clean repetitions' lean (~35 deg, ~22 from the baseline, as in
    correct UI-PRMD repetitions: median peak 34, baseline 9) stays under the limit."""
    from dataclasses import replace

    from tracking.exercise.analysis import analyze_series
    from tracking.exercise.spec import FaultRule

    rule = FaultRule("trunk_sways", "trunk_forward_lean", "abs_greater", 29.0, "Keep your trunk still",
                     "moderate", 0.1, "same", True)
    spec = replace(get_spec("sit_to_stand"), faults=(rule,))
    series, truth = generate(spec, reps=3, faults={2: ["trunk_sways"]}, seed=3)
    result = analyze_series(series, spec)
    assert [bool(r.faults) for r in result.reps] == [False, True, False]
    assert result.reps[1].faults[0].name == "trunk_sways"
    assert 29.0 < abs(result.reps[1].faults[0].value) < 45.0  # past the limit, not inflated


def test_knees_falling_in_by_the_knee_ankle_separation_ratio():
    """KASR (knees' distance in percent of the ankles'): the knees-in injection lowers it past
    a relative limit in its repetition only; a clean squat keeps the knees over the feet."""
    from dataclasses import replace

    from tracking.exercise.analysis import analyze_series
    from tracking.exercise.spec import FaultRule

    rule = FaultRule("knees_fall_in", "knee_ankle_separation", "less", -10.0, "Push your knees out",
                     "moderate", 0.1, "same", True)
    spec = replace(get_spec("squat"), faults=(rule,))
    series, truth = generate(spec, reps=3, faults={2: ["knees_fall_in"]}, seed=3)
    result = analyze_series(series, spec)
    assert [[f.name for f in r.faults] for r in result.reps] == [[], ["knees_fall_in"], []]
    kasr = measure(truth.points[:int(truth.reps[1].start_s * truth.fps)], Camera(truth.view),
                   ["knee_ankle_separation"], "engine")["knee_ankle_separation"]
    assert np.nanmin(kasr) > 95 and np.nanmax(kasr) < 105
