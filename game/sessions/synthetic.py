"""Synthetic sessions for tests and demonstrations: a stick figure doing knee bends,
scored repetitions, pain check-ins, on chosen days. No randomness unless a seed is given."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np

from game.sessions.models import Session
from game.sessions.recorder import SessionRecorder
from game.sessions.store import Store
from tracking.landmarks import NUM_LANDMARKS, Landmark
from tracking.series import PoseFrame, SeriesMeta

_BASE = {  # image-normalised (x, y) of a person facing the camera
    Landmark.NOSE: (0.50, 0.15), Landmark.LEFT_SHOULDER: (0.56, 0.28), Landmark.RIGHT_SHOULDER: (0.44, 0.28),
    Landmark.LEFT_ELBOW: (0.59, 0.40), Landmark.RIGHT_ELBOW: (0.41, 0.40),
    Landmark.LEFT_WRIST: (0.60, 0.50), Landmark.RIGHT_WRIST: (0.40, 0.50),
    Landmark.LEFT_HIP: (0.54, 0.55), Landmark.RIGHT_HIP: (0.46, 0.55),
    Landmark.LEFT_KNEE: (0.54, 0.72), Landmark.RIGHT_KNEE: (0.46, 0.72),
    Landmark.LEFT_ANKLE: (0.54, 0.90), Landmark.RIGHT_ANKLE: (0.46, 0.90),
}


def synthetic_frame(t_ms: float, knee_bend: float = 0.0, index: int = -1) -> PoseFrame:
    """A frame of the stick figure; ``knee_bend`` 0..1 lowers the hips."""
    xyzv = np.full((NUM_LANDMARKS, 4), np.nan, np.float32)
    drop = 0.12 * knee_bend
    for lm, (x, y) in _BASE.items():
        dy = drop if lm not in (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_KNEE,
                                Landmark.RIGHT_KNEE) else (drop * 0.3 if "KNEE" in lm.name else 0.0)
        xyzv[lm] = (x, y + dy, 0.0, 0.95)
    world = np.where(np.isfinite(xyzv[:, :3]), (xyzv[:, :3] - [0.5, 0.55, 0.0]) * [1.6, 1.6, 1.0], np.nan)
    return PoseFrame(float(t_ms), xyzv, world.astype(np.float32), 0, index)


def record_synthetic_session(store: Store, patient_id: str, start: datetime, *, plan_id: str | None = None,
                             exercise_id: str = "seated_knee_extension", sets: int = 2, reps: int = 8,
                             target_deg: float = 80.0, reached_deg: float = 70.0, pain_before: int | None = 4,
                             pain_after: int | None = 3, fps: float = 10.0, rep_s: float = 3.0,
                             seed: int = 0) -> Session:
    """Record a whole session as if played at ``start`` (a timezone-aware datetime)."""
    rng = np.random.default_rng(seed)
    rec = SessionRecorder(store, patient_id, plan_id, "living_room", "synthetic", flush_interval_s=3600,
                          meta=SeriesMeta(source="synthetic", fps=fps, backend="synthetic"),
                          started_at=start.timestamp(),
                          utc_offset_min=int((start.utcoffset() or timedelta(0)).total_seconds() // 60))
    if pain_before is not None:
        rec.pain("before", pain_before)
    t = 0.0
    frame_ms = 1000.0 / fps
    for s in range(sets):
        rec.begin_set(exercise_id, s, target_reps=reps, t_ms=t)
        for r in range(reps):
            t0 = t
            n = int(rep_s * fps)
            for i in range(n):
                rec.add_frame(synthetic_frame(t, math.sin(math.pi * i / n), int(t / frame_ms)))
                t += frame_ms
            rng_deg = float(reached_deg + rng.normal(0, 3))
            faults = ["trunk_lean"] if rng.random() < 0.2 else []
            score = max(0.0, min(100.0, 100 - 1.5 * max(0.0, target_deg - rng_deg) - 15 * len(faults)))
            rec.add_rep(exercise_id, s, {"t_start_ms": t0, "t_end_ms": t, "range_deg": rng_deg,
                                         "target_deg": target_deg, "confidence": 0.9, "hold_s": 1.0,
                                         "score": score, "faults": faults})
            for f in faults:
                rec.add_event("FormFault", {"fault": f, "exercise_id": exercise_id}, t_ms=t)
        rec.end_set(exercise_id, s, t_ms=t)
        t += 30_000.0  # rest between sets (no frames)
    if pain_after is not None:
        rec.pain("after", pain_after)
    session = rec.finish({"exercises": [exercise_id], "sets": sets, "reps": sets * reps})
    store.finish_session(session.id, session.summary, ended_at=start.timestamp() + t / 1000.0)
    return store.get_session(session.id)


def utc(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)
