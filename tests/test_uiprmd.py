"""UI-PRMD importer (forward kinematics, body frame, BlazePose mapping, errors), the accuracy of
the engine's per-repetition score on subjects left out of the rule derivation, and the shipped
rules matching their derivation (real files)."""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_data_path
from tracking.errors import InputError
from tracking.importers import uiprmd
from tracking.importers.uiprmd import (find_uiprmd_files, kinect_body_positions,
                                       load_uiprmd_repetition, read_table)
from tracking.landmarks import Landmark as L

WAIST, CHEST = 0, 2
L_SH, L_EL, R_SH, R_EL = 7, 8, 11, 12
L_HIP, L_KNEE, L_ANK, R_HIP, R_KNEE, R_ANK = 14, 15, 16, 18, 19, 20


@pytest.fixture(scope="module")
def root() -> Path:
    return shared_data_path("ui-prmd")


def _body(f) -> np.ndarray:
    return kinect_body_positions(read_table(f.positions), read_table(f.angles))


def _inner(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.einsum("ti,ti->t", u, v) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _foot_drift_cm(pos: np.ndarray, q: float = 50) -> float:
    """Percentile ``q`` over frames of either ankle's distance from its median position, cm."""
    d = [np.percentile(np.linalg.norm(pos[:, j] - np.median(pos[:, j], axis=0), axis=1), q)
         for j in (L_ANK, R_ANK)]
    return 100.0 * max(d)


def _frontal_abduction(pos: np.ndarray, sh: int, el: int) -> np.ndarray:
    """Upper arm against the trunk's downward line, projected on the frontal (x-y) plane."""
    arm = (pos[:, el] - pos[:, sh])[:, :2]
    down = (pos[:, WAIST] - pos[:, CHEST])[:, :2]
    cos = np.einsum("ti,ti->t", arm, down) / np.linalg.norm(arm, axis=1) / np.linalg.norm(down, axis=1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


# -- reconstruction checks (the data README's) -------------------------------------------
def test_feet_stay_planted_through_arm_raises_and_squats(root):
    for m in (7, 10):  # shoulder abduction, scaption
        for f in find_uiprmd_files(root, m, 1)[:4] + find_uiprmd_files(root, m, 5)[:4]:
            pos = _body(f)
            assert _foot_drift_cm(pos) < 2.0 and _foot_drift_cm(pos, 90) < 8.0, f.positions.name
    for f in find_uiprmd_files(root, 1, 1, True)[:5]:  # deep squat: hips drop ~half a metre
        pos = _body(f)
        assert np.ptp(pos[:, WAIST, 1]) > 0.40
        assert _foot_drift_cm(pos) < 6.0 and _foot_drift_cm(pos, 90) < 15.0, f.positions.name


def test_a_wrong_rotation_convention_would_move_the_feet(root, monkeypatch):
    """The feet check tells conventions apart: Rx·Ry·Rz instead of Rz·Rx·Ry sends them flying."""
    f = find_uiprmd_files(root, 1, 1, True)[0]
    right = _foot_drift_cm(_body(f))

    def xyz(a: np.ndarray) -> np.ndarray:
        r = np.radians(a)
        c, s = np.cos(r), np.sin(r)
        one, zero = np.ones_like(c[..., 0]), np.zeros_like(c[..., 0])
        rx = np.stack([one, zero, zero, zero, c[..., 0], -s[..., 0], zero, s[..., 0], c[..., 0]], -1)
        ry = np.stack([c[..., 1], zero, s[..., 1], zero, one, zero, -s[..., 1], zero, c[..., 1]], -1)
        rz = np.stack([c[..., 2], -s[..., 2], zero, s[..., 2], c[..., 2], zero, zero, zero, one], -1)
        sh = a.shape[:-1] + (3, 3)
        return rx.reshape(sh) @ ry.reshape(sh) @ rz.reshape(sh)

    monkeypatch.setattr(uiprmd, "euler_to_matrix", xyz)
    wrong = _foot_drift_cm(_body(f))
    assert right < 6.0 and wrong > max(15.0, 3 * right), (right, wrong)


def test_standing_knee_is_nearly_straight_and_deep_squat_bottom_near_50(root):
    standing = []
    for f in find_uiprmd_files(root, 7, 1, True) + find_uiprmd_files(root, 10, 4, True):
        pos = _body(f)  # arm raises: the subject stands throughout
        for hip, knee, ank in ((L_HIP, L_KNEE, L_ANK), (R_HIP, R_KNEE, R_ANK)):
            standing.append(np.median(_inner(pos[:, hip], pos[:, knee], pos[:, ank])))
    assert 172.0 <= np.median(standing) <= 180.0
    assert all(168.0 <= k <= 180.0 for k in standing)
    bottoms = []
    for f in find_uiprmd_files(root, 1, 1, True) + find_uiprmd_files(root, 1, 3, True):
        pos = _body(f)
        for hip, knee, ank in ((L_HIP, L_KNEE, L_ANK), (R_HIP, R_KNEE, R_ANK)):
            k = _inner(pos[:, hip], pos[:, knee], pos[:, ank])
            assert k.max() >= 170.0, f.positions.name  # starts or ends standing
            bottoms.append(k.min())
    assert 35.0 <= np.median(bottoms) <= 70.0
    assert all(30.0 <= b <= 80.0 for b in bottoms)


def test_shoulder_abduction_peaks_near_150_in_the_frontal_plane(root):
    peaks = []
    for f in find_uiprmd_files(root, 7, 1, True) + find_uiprmd_files(root, 7, 3, True):
        pos = _body(f)
        right = _frontal_abduction(pos, R_SH, R_EL)
        left = _frontal_abduction(pos, L_SH, L_EL)
        peaks.append(right.max())
        assert left.max() < 60.0  # the other arm stays down
    assert 130.0 <= np.median(peaks) <= 170.0
    assert all(120.0 <= p <= 180.0 for p in peaks)


# -- the PoseSeries -------------------------------------------------------------------------
def test_series_is_mediapipe_style_with_the_team_body_frame(root):
    f = find_uiprmd_files(root, 7, 2, True)[0]
    s = load_uiprmd_repetition(f.positions)  # angles file found by name
    assert s.fps == 30.0 and len(s) == read_table(f.positions).shape[0]
    assert np.allclose(np.diff(s.t_ms), 1000.0 / 30.0)
    assert s.meta.extra["movement"] == 7 and s.meta.extra["subject"] == 2
    assert s.meta.extra["correct"] is True and s.meta.extra["exercise"] == "shoulder_abduction"
    w = s.world
    mid_hip = (w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2
    assert np.abs(mid_hip).max() < 1e-5  # origin mid-hips
    assert (w[:, L.LEFT_HIP, 0] > w[:, L.RIGHT_HIP, 0]).all()  # +x = patient's left
    assert (w[:, L.LEFT_SHOULDER, 1] < -0.3).all()  # y down: shoulders above the hips
    assert (w[:, L.LEFT_ANKLE, 1] > 0.6).all()
    assert (w[:, L.LEFT_FOOT_INDEX, 2] < w[:, L.LEFT_ANKLE, 2]).all()  # toes nearer the camera
    for lm in (L.NOSE, L.LEFT_EAR, L.LEFT_HEEL, L.RIGHT_INDEX):  # no Kinect counterpart
        assert np.isnan(w[:, lm]).all() and np.isnan(s.xyzv[:, lm, :3]).all()
        assert (s.xyzv[:, lm, 3] == 0).all()
    img = s.xyzv
    assert (img[:, L.LEFT_SHOULDER, 3] == 1).all()
    assert (img[:, L.LEFT_SHOULDER, 0] > img[:, L.RIGHT_SHOULDER, 0]).all()  # front camera
    assert (img[:, L.LEFT_SHOULDER, 1] < img[:, L.LEFT_KNEE, 1]).all()  # image y down
    body = np.concatenate([img[:, [int(i) for i in uiprmd.BLAZEPOSE_FROM_KINECT], :2]])
    assert 0.0 < np.nanmin(body) and np.nanmax(body) < 1.0  # the whole body in the frame
    # the raised right wrist goes above the head of the series' first frame
    assert img[:, L.RIGHT_WRIST, 1].min() < img[0, L.RIGHT_SHOULDER, 1] - 0.1


def test_find_files_filters_and_pairs_angles(root):
    files = find_uiprmd_files(root, movement=3, subject=4)
    assert len(files) == 20 and sum(f.correct for f in files) == 10
    for f in files:
        assert f.angles.exists() and f.angles.name.replace("angles", "positions") == f.positions.name
        assert ("_inc" in f.positions.name) != f.correct
    assert len(find_uiprmd_files(root, correct=False, subject=6)) == 100


# -- errors -----------------------------------------------------------------------------------
def _one_line(exc: InputError) -> None:
    assert "\n" not in str(exc) and "Traceback" not in str(exc)


def test_bad_files_raise_one_line_input_errors(tmp_path, root):
    good = find_uiprmd_files(root, 1, 1, True)[0]
    cases = {
        "missing": tmp_path / "nope_positions.txt.gz",
        "garbage.txt.gz": b"\x1f\x8b this is not gzip",
        "letters.txt": b"a,b,c\n",
        "short.txt": b"1,2,3\n4,5,6\n",
        "empty.txt": b"",
        "nan.txt": (",".join(["nan"] * 66) + "\n").encode(),
    }
    for name, content in cases.items():
        path = content if isinstance(content, Path) else tmp_path / name
        if not isinstance(content, Path):
            path.write_bytes(content)
        with pytest.raises(InputError) as ei:
            read_table(path)
        assert ei.value.path == str(path)
        _one_line(ei.value)
    # frames of positions and angles differ
    rows = gzip.decompress(good.angles.read_bytes()).decode().splitlines()
    short = tmp_path / "m01_s01_e01_angles.txt"
    short.write_text("\n".join(rows[:5]) + "\n")
    with pytest.raises(InputError, match="frames") as ei:
        load_uiprmd_repetition(good.positions, short)
    _one_line(ei.value)
    with pytest.raises(InputError):  # no angles file next to a lone positions file
        lone = tmp_path / "m01_s01_e01_positions.txt.gz"
        lone.write_bytes(good.positions.read_bytes())
        load_uiprmd_repetition(lone)
    with pytest.raises(InputError):
        find_uiprmd_files(tmp_path / "no-such-folder")


# -- accuracy through the real engine -------------------------------------------------------
@pytest.fixture(scope="module")
def measured(root):
    """Every repetition of subjects 1-6 measured as the rule procedure reads it (bench.uiprmd_rules)."""
    from bench.uiprmd_rules import load

    return load(str(root), (1, 2, 3, 4, 5, 6))


def test_rules_derived_without_subjects_5_6_separate_their_repetitions(root, measured):
    """Honest held-out figure: the shipped rules come from subjects 1-6, so scoring 5-6 with the
    specs would not be held out. Instead the unchanged procedure derives the rules from subjects
    1-4 here (not read from the TOML) and subjects 5-6 are scored with them through the engine.
    (The pre-registered LOSO-6, every subject left out in turn, takes about 2 minutes:
    ``python -m bench.uiprmd --loso6``; docs/uiprmd.md.) Floors sit a little below the measured
    values so that a regression fails.

    The floors were lowered on 2026-11-27 (00:45 UTC) to just below the honest figure of the
    shipped procedure v3 (mean 0.884, lowest inline lunge 0.6675, eight movements >= 0.84): the
    earlier floors (0.89 / 0.70 / nine) were set on procedure v1, whose degenerate knee-valgus
    rules (the knee's frontal projection at depth, reading 99-173 deg on correct repetitions)
    had carried some spurious signal; v2 removed them (0.884, deep squat 0.693), v3 reads knees
    falling in by the knee-to-ankle separation ratio instead (deep squat 0.7525), but four
    subjects pick an absolute ratio limit for the inline lunge's tandem stance that does not
    carry to subjects 5-6 (0.6675; LOSO-6 over all six subjects: 0.853). The figures are in
    the README ("UI-PRMD accuracy") and docs/uiprmd.md; the pre-registered LOSO-6 (v3 0.923)
    is the figure that counts."""
    from bench.uiprmd import engine_scores
    from bench.uiprmd_rules import derive
    from tracking.importers.uiprmd_eval import auc_by_movement

    rules = derive([r for r in measured if r.subject <= 4])
    res = auc_by_movement(engine_scores(str(root), (5, 6), rules))
    assert sorted(res) == list(range(1, 11))
    aucs = {m: a.auc for m, a in res.items()}
    # Procedure v1 measured 0.902, deep squat 0.720, nine >= 0.84 (00:20 UTC); v2 0.884, deep squat
    # 0.693, eight; v3 (shipped 00:45 UTC) 0.884, inline lunge 0.6675, deep squat 0.7525, eight.
    assert np.mean(list(aucs.values())) >= 0.875, aucs
    assert min(aucs.values()) >= 0.65, aucs
    assert sum(a >= 0.84 for a in aucs.values()) >= 8, aucs
    for a in res.values():
        assert a.n_correct == a.n_incorrect == 20
        assert a.mean_correct > a.mean_incorrect


def test_readability_constraint_rejects_unreadable_measures_and_limits(measured):
    """Procedure v2: a rule is admissible only if its measure reads within its anatomical bound
    on correct repetitions and its limits lie within it. The knee's frontal projection at squat
    depth (v1 chose a 178-degree "valgus") fails; the squat's relative trunk lean passes; every
    shipped limit lies within its measure's bound."""
    from bench.uiprmd_rules import BOUNDS, admissible
    from tracking.exercise.library import get_spec
    from tracking.importers.uiprmd import UIPRMD_MOVEMENTS

    squat = [r for r in measured if r.exercise == "deep_squat"]
    valgus = ("knee_valgus", "same", True, "greater")
    assert not admissible(squat, valgus, 0.0, 10.0)  # (a): correct squats read far beyond 30
    assert admissible(squat, valgus, 0.0, 10.0, bounds=None)  # v1 admitted it
    lean = ("trunk_forward_lean", "same", True, "abs_greater")
    assert admissible(squat, lean, 30.5, 41.0)
    assert not admissible(squat, lean, 30.5, 95.0)  # (b): a limit beyond the trunk horizontal
    # v3: the knee-to-ankle separation ratio reads within its bound at depth; an absolute "less"
    # rule is measured negated, so its limits (here 75.5 / 61 percent) are -lo, -hi
    kasr = ("knee_ankle_separation", "none", False, "less")
    assert admissible(squat, kasr, -75.5, -61.0)
    assert not admissible(squat, kasr, -75.5, 10.0)  # (b): "knees closer than -10 %"
    assert not admissible(squat, kasr, -250.0, -240.0)  # (b): beyond 200 %
    for ex in UIPRMD_MOVEMENTS.values():
        for r in get_spec(ex).faults:
            assert abs(r.limit) <= BOUNDS.get(r.angle, float("inf")), (ex, r.name, r.limit)


def test_knee_ankle_separation_reads_knees_falling_in_at_squat_depth(measured):
    """The knee-to-ankle separation ratio (v3) on real deep squats: correct repetitions keep
    the knees over the feet at the bottom (their lowest ratio is not below the standing one,
    where knees sit between hips and ankles), incorrect ones (UI-PRMD's include knee valgus)
    bring them closer; the frontal projection angle reads beyond any knee there."""
    from bench.uiprmd_rules import measure

    def lowest(correct: bool) -> np.ndarray:
        return np.array([-measure(r, ("knee_ankle_separation", "none", False, "less")) for r in measured
                         if r.exercise == "deep_squat" and r.correct == correct and r.found])

    ok, bad = lowest(True), lowest(False)
    assert np.isfinite(ok).all() and 70.0 <= np.median(ok) <= 130.0, np.median(ok)
    assert np.median(bad) < np.median(ok) - 10.0, (np.median(bad), np.median(ok))
    frontal = [measure(r, ("knee_valgus", "same", False, "abs_greater")) for r in measured
               if r.exercise == "deep_squat" and r.correct and r.found]
    assert np.nanpercentile(frontal, 95) > 90.0


def test_shipped_rules_are_what_the_procedure_derives_from_subjects_1_to_6(measured):
    """The specs' ``[[faults]]`` cannot drift from ``bench.uiprmd_rules --subjects 1-6 --toml``.
    The engine finds the repetition window the limits are read in: an engine change that moves
    a limit fails here; then re-derive (and re-run ``bench.uiprmd --loso6``), never edit by hand."""
    from bench.uiprmd_rules import derive
    from tracking.exercise.library import get_spec

    for ex, rules in derive(measured).items():
        assert {r.name: r for r in get_spec(ex).faults} == {r.name: r for r in rules}, ex


def test_fault_rules_are_named_two_tier_compensations():
    """Each UI-PRMD spec names at most four compensations, each at a moderate limit and a
    stricter ``_marked`` (major) limit on the same measure, in the same direction."""
    from tracking.exercise.library import get_spec
    from tracking.importers.uiprmd import UIPRMD_MOVEMENTS

    for ex in UIPRMD_MOVEMENTS.values():
        rules = {r.name: r for r in get_spec(ex).faults}
        moderate = [r for n, r in rules.items() if not n.endswith("_marked")]
        assert 1 <= len(moderate) <= 4 and len(rules) == 2 * len(moderate), ex
        for r in moderate:
            m = rules[r.name + "_marked"]
            assert (r.severity, m.severity) == ("moderate", "major"), r.name
            assert (m.angle, m.comparison, m.side, m.relative) == (r.angle, r.comparison, r.side, r.relative)
            if r.comparison == "less" and r.relative:  # e.g. the knees' ratio falling from the start
                assert m.limit < r.limit <= 0.0, (ex, r.name)
            elif r.comparison == "less":  # e.g. the knees closer together than 75 % of the ankles
                assert 0.0 <= m.limit < r.limit, (ex, r.name)
            else:
                assert m.limit > r.limit >= 0.0, (ex, r.name)


def test_procedure_v4_stays_reproducible_and_unshipped(measured):
    """Procedure v4 (docs/uiprmd.md: pre-registered, run once, NOT shipped: LOSO-6 0.923, not
    higher than v3's 0.923) stays reproducible behind ``--v4``: every candidate has a name and
    an anatomical bound, the shipped list is v3's, and its derivation from subjects 1-4 is the
    one the record describes (side lunge: the pelvis turning and the trunk twisting, relative)."""
    from bench.uiprmd_rules import (BOUNDS, CANDIDATES, CANDIDATES_V3, CANDIDATES_V4, derive,
                                    fault_name, relative)

    assert CANDIDATES is CANDIDATES_V3
    changed = {ex for ex in CANDIDATES_V4 if CANDIDATES_V4[ex] != CANDIDATES_V3[ex]}
    assert changed == {"deep_squat", "inline_lunge", "side_lunge"}
    for ex in changed:
        for c in CANDIDATES_V4[ex] + relative(CANDIDATES_V4[ex]):
            assert fault_name(c) and c[0] in BOUNDS, c
    rules = derive([r for r in measured if r.subject <= 4 and r.exercise == "side_lunge"],
                   {"side_lunge": CANDIDATES_V4["side_lunge"]})["side_lunge"]
    names = {r.name for r in rules}
    assert {"pelvis_turns", "trunk_twists"} <= names, names
    assert all(r.relative for r in rules)
