"""Cue choice: persistence, minimum show time, no repeat too soon, one cue at a time."""
from __future__ import annotations

import pytest

from game.feedback import CueRules, CueSelector, FaultReading, praise_for_score, stars_for_score

LEAN = FaultReading("trunk_lean", "Stand up tall", 2)
ELBOW = FaultReading("elbow_bent", "Keep your arms straight", 1)


def run(sel: CueSelector, t0: float, t1: float, faults: list[FaultReading], dt: float = 0.05):
    """Feed the same faults every dt from t0 to t1; return the decisions."""
    out, t = [], t0
    while t < t1 - 1e-9:
        out.append((round(t, 3), sel.update(t, faults)))
        t += dt
    return out


def test_fault_must_persist_before_cue_shows() -> None:
    sel = CueSelector(CueRules(persist_s=0.5))
    decisions = run(sel, 0.0, 1.0, [LEAN])
    shown = [t for t, d in decisions if d.cue]
    assert shown and shown[0] == pytest.approx(0.5, abs=0.051)
    assert sum(d.started for _, d in decisions) == 1  # spoken once


def test_brief_fault_flicker_never_shows() -> None:
    sel = CueSelector(CueRules(persist_s=0.5))
    t, decisions = 0.0, []
    for i in range(100):  # fault on 0.3 s, off 0.1 s: never 0.5 s in a row
        on = (i % 8) < 6
        decisions.append(sel.update(t, [LEAN] if on else []))
        t += 0.05
    assert not any(d.cue for d in decisions)


def test_cue_stays_min_show_time_even_when_fault_goes() -> None:
    sel = CueSelector(CueRules(persist_s=0.2, min_show_s=2.0, linger_s=0.0))
    run(sel, 0.0, 0.3, [LEAN])
    assert sel.current == "Stand up tall"
    after = run(sel, 0.3, 2.1, [])
    assert all(d.cue == "Stand up tall" for t, d in after if t < 2.15)  # shown at ~0.2
    assert sel.update(2.5, []).cue is None


def test_same_cue_not_repeated_within_gap() -> None:
    rules = CueRules(persist_s=0.2, min_show_s=0.5, repeat_gap_s=8.0, linger_s=0.0)
    sel = CueSelector(rules)
    run(sel, 0.0, 1.0, [LEAN])
    assert sel.current == "Stand up tall"
    run(sel, 1.0, 2.0, [])           # fault gone: cue hides at ~1.0
    assert sel.current is None
    again = run(sel, 2.0, 8.5, [LEAN])  # back at once: must wait until ~9.0
    assert not any(d.cue for _, d in again)
    later = run(sel, 8.5, 9.5, [LEAN])
    assert any(d.started for _, d in later)
    assert sel.times_shown("trunk_lean") == 2


def test_one_cue_at_a_time_highest_priority_wins() -> None:
    sel = CueSelector(CueRules(persist_s=0.3))
    d = run(sel, 0.0, 1.0, [LEAN, ELBOW])
    cues = {x.cue for _, x in d if x.cue}
    assert cues == {"Keep your arms straight"}


def test_current_cue_not_replaced_by_higher_priority_while_fault_persists() -> None:
    sel = CueSelector(CueRules(persist_s=0.3))
    run(sel, 0.0, 1.0, [LEAN])
    d = run(sel, 1.0, 2.0, [LEAN, ELBOW])
    assert {x.cue for _, x in d} == {"Stand up tall"}


def test_rules_reject_negative() -> None:
    with pytest.raises(ValueError):
        CueRules(persist_s=-1)


def test_stars_and_praise() -> None:
    assert [stars_for_score(s) for s in (0, 49, 50, 69, 70, 84, 85, 100)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert stars_for_score(float("nan")) == 0
    assert praise_for_score(90) == "Excellent!" and praise_for_score(10) == "Keep going"
