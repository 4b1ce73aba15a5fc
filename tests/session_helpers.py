"""Test helpers shared by test modules: stored sessions built directly from records."""
from __future__ import annotations

from datetime import datetime

from game.sessions.models import RepRecord, SetRecord


def record_unit_session(store, when: datetime, patient: str, unit: str | None, measure: str = "",
                        reached: tuple[float, ...] = (150.0, 170.0), target: float = 80.0) -> str:
    """A finished side bend session whose repetitions carry the engine's unit and measure
    (``unit`` None: an old session recorded before repetitions had one); its id."""
    sid = f"S{when:%Y%m%d%H%M}-{len(store.list_sessions())}"
    store.begin_session(sid, patient, None, "shore", "test", started_at=when.timestamp(), utc_offset_min=0)
    details = {} if unit is None else {"unit": unit, "measure": measure}
    reps = [RepRecord(sid, "side_bend_stretch", 0, k, 20_000.0 * k, 20_000.0 * k + 16_000, v, target, 0.8,
                      15.0, 100.0, details=dict(details)) for k, v in enumerate(reached)]
    store.write_batch(sid, [], (), [SetRecord(sid, "side_bend_stretch", 0, "", 2, 0.0, 40_000.0)], reps, [])
    store.finish_session(sid, {}, ended_at=when.timestamp() + 40)
    return sid
