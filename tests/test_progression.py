"""Levels rise after consistent success, fall after struggle or pain, never pass the cap."""
from __future__ import annotations

import pytest

from game.progression import (LevelState, ProgressionRules, SessionOutcome, advance, rule_text,
                              targets_for_level)


def play(state: LevelState, scores, pain=(None, None)):
    changes = []
    for s in scores:
        state, ch = advance(state, SessionOutcome(s, *pain))
        changes.append(ch)
    return state, changes


def test_rises_after_three_sessions_at_80() -> None:
    s, ch = play(LevelState("arm_raise", level=3), [85, 90])
    assert s.level == 3 and s.success_streak == 2
    s, ch = play(s, [80])
    assert s.level == 4 and ch[-1].direction == 1 and s.success_streak == 0


def test_streak_broken_by_middling_session() -> None:
    s, _ = play(LevelState("arm_raise", level=3), [85, 90, 70, 85, 85])
    assert s.level == 3


def test_never_beyond_cap() -> None:
    s, _ = play(LevelState("arm_raise", level=2, cap=3), [95] * 12)
    assert s.level == 3
    s2, ch = advance(LevelState("arm_raise", level=5, cap=3), SessionOutcome(50))
    assert s2.level == 3  # a cap lowered by the therapist applies at once
    assert "top level" in rule_text(s2)


def test_falls_after_two_struggling_sessions_not_below_one() -> None:
    s, _ = play(LevelState("squat", level=2), [40])
    assert s.level == 2
    s, _ = play(s, [30])
    assert s.level == 1
    s, _ = play(s, [10, 10, 10])
    assert s.level == 1


def test_pain_rise_drops_a_level_at_once_even_with_good_score() -> None:
    s, ch = advance(LevelState("squat", level=4, success_streak=2), SessionOutcome(95, 2, 5))
    assert s.level == 3 and s.success_streak == 0
    assert ch.direction == -1 and "Pain" in ch.reason
    s, ch = advance(LevelState("squat", level=4), SessionOutcome(95, None, 8))
    assert s.level == 3
    s, ch = advance(LevelState("squat", level=4), SessionOutcome(95, 3, 4))
    assert s.level == 4


def test_rule_text() -> None:
    assert rule_text(LevelState("x", level=3, success_streak=1)) == \
        "2 more sessions at 80+ to reach level 4"
    assert rule_text(LevelState("x", level=3, success_streak=2)) == \
        "1 more session at 80+ to reach level 4"


def test_rules_and_state_validate() -> None:
    with pytest.raises(ValueError):
        ProgressionRules(success_score=40, struggle_score=50)
    with pytest.raises(ValueError):
        LevelState("x", cap=0)


def test_targets_grow_with_level_and_respect_cap() -> None:
    t1, t3, t5, t9 = (targets_for_level(n) for n in (1, 3, 5, 9))
    assert t1.reps_fraction < t3.reps_fraction < t5.reps_fraction == 1.0 == t9.reps_fraction
    assert targets_for_level(9, cap=2) == targets_for_level(2)
