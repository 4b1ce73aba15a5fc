"""bench/e2e.py's scoring: a fault counts as invented only where the truth has none."""
from __future__ import annotations

from bench.e2e import compare


def _rep(i: int, faults: list) -> dict:
    return {"index": i, "start_s": 4.0 * i, "end_s": 4.0 * i + 3.0, "peak_s": 4.0 * i + 1.5,
            "peak_deg": 90.0, "rom_deg": 90.0, "faults": faults}


def test_invented_faults_are_those_the_truth_lacks() -> None:
    truth = {"frames": 300, "reps": [dict(_rep(i, []), start_deg=0.0) for i in range(3)],
             "clean_analysis": {"reps": [_rep(0, []), _rep(1, ["trunk_side_lean",
                                                               "trunk_side_lean_marked"]),
                                         _rep(2, [])]}}
    named = [{"name": n} for n in ("trunk_side_lean", "trunk_side_lean_marked")]
    result = {"detection_rate": 1.0, "rep_count": 3,
              "reps": [_rep(0, []), _rep(1, named), _rep(2, [{"name": "other_arm_rises"}])]}
    row = compare(("shoulder_abduction", "front", "trunk_side_lean"), truth, result)
    assert row["fault_found"]
    assert row["false_faults"] == ["other_arm_rises"]  # the _marked tier is in the truth
    result["reps"][2]["faults"] = []
    assert compare(("shoulder_abduction", "front", "trunk_side_lean"), truth, result)["false_faults"] == []
    truth["clean_analysis"]["reps"][1]["faults"] = ["trunk_side_lean"]
    row = compare(("shoulder_abduction", "front", "trunk_side_lean"), truth, result)
    assert row["false_faults"] == ["trunk_side_lean_marked"]  # not in the truth: invented


def test_ranges_compared_only_in_the_same_unit() -> None:
    """A height counted in percent is not compared with degrees: not with the generator's
    peak or range, nor with a clean analysis that counted an angle (a depth camera sees a side
    bend's lean side-on, MediaPipe's picture only the raised wrist)."""
    truth = {"frames": 300, "reps": [dict(_rep(i, []), start_deg=0.0) for i in range(3)],
             "clean_analysis": {"reps": [dict(_rep(i, []), rom_deg=20.0) for i in range(3)]}}
    result = {"detection_rate": 1.0, "rep_count": 3,
              "reps": [dict(_rep(i, []), rom_deg=150.0, peak_deg=30.0, unit="pct") for i in range(3)]}
    row = compare(("side_bend_stretch", "side", None), truth, result)
    assert row["rom_err"] is None and row["peak_err"] is None and row["raw_rom_err"] is None
    for c in truth["clean_analysis"]["reps"]:
        c.update(rom_deg=147.0, unit="pct")
    row = compare(("side_bend_stretch", "side", None), truth, result)
    assert row["rom_err"] == 3.0 and row["peak_err"] is None
    result["reps"] = [_rep(i, []) for i in range(3)]  # degrees both: compared as before
    truth["clean_analysis"]["reps"] = [_rep(i, []) for i in range(3)]
    assert compare(("shoulder_abduction", "front", None), truth, result)["rom_err"] == 0.0


def test_sweep_draws_placements_repeatably_inside_their_ranges() -> None:
    """bench/e2e_sweep.py: the same seed draws the same placements, each within the stated
    ranges, for every plane-showing clip of bench/e2e.py and no other."""
    from bench import e2e_sweep as sweep
    from bench.e2e import plane_shown

    pairs = sweep.cases()
    assert len(pairs) == 10 and all(plane_shown(ex, view) for ex, view in pairs)
    a, b = sweep.draw(pairs, 3, seed=5), sweep.draw(pairs, 3, seed=5)
    assert a == b and a != sweep.draw(pairs, 3, seed=6) and len(a) == 30
    for p in a:
        assert (p.width, p.height_px) in sweep.SIZES
        assert sweep.DISTANCE_M[0] <= p.distance_m <= sweep.DISTANCE_M[1]
        assert sweep.HEIGHT_M[0] <= p.height_m <= sweep.HEIGHT_M[1]
        assert p.rom_deg > 0
