"""Other skeletons mapped onto the 33 BlazePose landmarks (NaN where a skeleton has no match).

A mapping is a dict ``Landmark -> joint index`` in the source skeleton's joint order.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from tracking.landmarks import NUM_LANDMARKS, Landmark as L

#: Kinect v2 (25 joints) in the order of KERAAL's Kinect files and the Kinect SDK.
KINECT_V2_JOINTS: tuple[str, ...] = (
    "SpineBase", "SpineMid", "Neck", "Head", "ShoulderLeft", "ElbowLeft", "WristLeft",
    "HandLeft", "ShoulderRight", "ElbowRight", "WristRight", "HandRight", "HipLeft", "KneeLeft",
    "AnkleLeft", "FootLeft", "HipRight", "KneeRight", "AnkleRight", "FootRight",
    "SpineShoulder", "HandTipLeft", "ThumbLeft", "HandTipRight", "ThumbRight")

_K = {name: i for i, name in enumerate(KINECT_V2_JOINTS)}

#: BlazePose <- Kinect v2. The Kinect has no face points (its "Head" is the centre of the
#: head), no pinky and no heel: those stay NaN. "HandTip" (fingertips) stands for BlazePose's
#: index point, "Foot" (forefoot) for the foot index point.
BLAZEPOSE_FROM_KINECT_V2: dict[L, int] = {
    L.LEFT_SHOULDER: _K["ShoulderLeft"], L.RIGHT_SHOULDER: _K["ShoulderRight"],
    L.LEFT_ELBOW: _K["ElbowLeft"], L.RIGHT_ELBOW: _K["ElbowRight"],
    L.LEFT_WRIST: _K["WristLeft"], L.RIGHT_WRIST: _K["WristRight"],
    L.LEFT_INDEX: _K["HandTipLeft"], L.RIGHT_INDEX: _K["HandTipRight"],
    L.LEFT_THUMB: _K["ThumbLeft"], L.RIGHT_THUMB: _K["ThumbRight"],
    L.LEFT_HIP: _K["HipLeft"], L.RIGHT_HIP: _K["HipRight"],
    L.LEFT_KNEE: _K["KneeLeft"], L.RIGHT_KNEE: _K["KneeRight"],
    L.LEFT_ANKLE: _K["AnkleLeft"], L.RIGHT_ANKLE: _K["AnkleRight"],
    L.LEFT_FOOT_INDEX: _K["FootLeft"], L.RIGHT_FOOT_INDEX: _K["FootRight"],
}

#: BlazePose names as KERAAL's BlazePose files spell them ("Left_eye_inner", ...).
KERAAL_BLAZEPOSE_NAMES: dict[str, L] = {lm.name.capitalize(): lm for lm in L}


def map_skeleton(points: np.ndarray, mapping: Mapping[L, int]) -> np.ndarray:
    """(T, J, D) joints of another skeleton -> (T, 33, D) BlazePose landmarks, NaN elsewhere."""
    pts = np.asarray(points, dtype=np.float64)
    out = np.full((pts.shape[0], NUM_LANDMARKS, pts.shape[2]), np.nan)
    for lm, j in mapping.items():
        out[:, int(lm)] = pts[:, j]
    return out
