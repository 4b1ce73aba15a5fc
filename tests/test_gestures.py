"""Pose gestures: both hands up pauses; one raised hand answers the pain check-in."""
from __future__ import annotations

import numpy as np

from game.demo_body import BodyPose, body_points, to_frame
from game.gestures import HeldGesture, hands_above_head, pain_from_hand


def xyzv(**kw) -> np.ndarray:
    return to_frame(body_points(BodyPose(**kw)), 0.0).xyzv


HANDS_TOGETHER_UP = dict(arm_left=165, arm_right=165, elbow_left=80, elbow_right=80)


def test_hands_together_above_head() -> None:
    assert hands_above_head(xyzv(**HANDS_TOGETHER_UP))
    assert not hands_above_head(xyzv())
    # an overhead arm raise keeps the hands wide apart: not a pause
    assert not hands_above_head(xyzv(arm_left=165, arm_right=165))
    assert hands_above_head(xyzv(arm_left=165, arm_right=165), together=False)
    assert not hands_above_head(xyzv(arm_left=170))  # one hand only
    assert not hands_above_head(xyzv(arm_left=90, arm_right=90))  # T pose


def test_hidden_landmarks_are_not_a_gesture() -> None:
    x = xyzv(**HANDS_TOGETHER_UP)
    x[15, 3] = 0.1  # left wrist barely visible
    assert not hands_above_head(x)
    assert pain_from_hand(np.full((33, 4), np.nan, np.float32)) is None


def test_pain_rises_with_hand_height() -> None:
    values = [pain_from_hand(xyzv(arm_right=a)) for a in (10, 60, 90, 120, 160)]
    assert values[0] is None
    nums = values[1:]
    assert all(v is not None for v in nums)
    assert nums == sorted(nums) and nums[0] <= 3 and nums[-1] == 10
    assert pain_from_hand(xyzv(arm_left=170, arm_right=170)) is None  # that is "pause"


def test_held_gesture_fires_once_after_hold() -> None:
    g = HeldGesture(hold_s=1.0)
    fired = [g.update(t / 10, 4) for t in range(30)]
    assert [v for v in fired if v is not None] == [4]
    assert fired.index(4) == 10
    assert g.update(3.1, 5) is None  # a new reading restarts the hold
    assert g.update(4.2, 5) == 5


def test_held_gesture_restarts_when_reading_wobbles() -> None:
    g = HeldGesture(hold_s=1.0)
    seq = [3, 3, 3, 4, 4, 4, 3, 3, 3, 4] * 3
    assert all(g.update(i * 0.1, v) is None for i, v in enumerate(seq))
    assert g.progress(3.0) < 1.0
