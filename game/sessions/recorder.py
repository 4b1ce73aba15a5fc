"""SessionRecorder: what the game writes a session through while it plays.

The game thread only appends to in-memory buffers (``add_frame`` costs a lock and a list
append); a writer thread commits everything gathered every ``flush_interval_s`` (0.25 s),
landmarks as one chunk per commit. A crash or power cut therefore loses at most the last
second; a session whose recorder died is marked ``interrupted`` when the store is next
opened. A failed write keeps its data in memory and is retried; if ``finish`` still cannot
write, the unsaved data goes to a rescue file in the data directory and the error names it.
"""
from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from datetime import datetime
from typing import Any, Mapping

import numpy as np

from game.sessions.models import (FINISHED, INTERRUPTED, PAIN_AFTER, PAIN_BEFORE, Event, PainCheckin,
                                  RepRecord, Session, SetRecord)
from game.sessions.store import Chunk, Store, _json_default, encode_chunk
from tracking.errors import PhysioQuestError
from tracking.series import PoseFrame, PoseSeries, SeriesMeta


def new_session_id(now: float | None = None) -> str:
    """A readable, unique id: ``YYYYMMDD-HHMMSS-xxxxxx`` (local time)."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(3)}"


class SessionRecorder:
    """Record one session into ``store``. Thread-safe; see the module docstring."""

    def __init__(self, store: Store, patient_id: str, plan_id: str | None = None, scene: str = "",
                 source_desc: str = "", *, meta: SeriesMeta | None = None, session_id: str | None = None,
                 flush_interval_s: float = 0.25, started_at: float | None = None,
                 utc_offset_min: int | None = None) -> None:
        self.store = store
        self.meta = meta or SeriesMeta(source=source_desc)
        self.session: Session = store.begin_session(
            session_id or new_session_id(started_at), patient_id, plan_id, scene, source_desc,
            self.meta, started_at, utc_offset_min)
        self.flush_interval_s = flush_interval_s
        self._t0 = time.monotonic()
        self.error: Exception | None = None  #: last write error (data kept and retried)
        self.close_store_on_finish = False  #: set by factories that opened the store for us
        self.frames_committed = 0
        self.frames_skipped = 0
        self.reps_recorded = 0
        self._frame_seen = False
        self._last_frame_t = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._frames: list[PoseFrame] = []
        self._chunks: list[Chunk] = []
        self._events: list[Event] = []
        self._reps: list[RepRecord] = []
        self._pains: list[PainCheckin] = []
        self._sets: dict[tuple[str, int, str], SetRecord] = {}
        self._dirty_sets: set[tuple[str, int, str]] = set()
        self._rep_counts: dict[tuple[str, int, str], int] = {}
        self._seq = 0
        self._last_t_ms = 0.0
        self._closed = False
        self._stop = False
        self._write_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"recorder-{self.session.id}", daemon=True)
        self._thread.start()

    @property
    def session_id(self) -> str:
        return self.session.id

    # -- what the game calls ----------------------------------------------------------------
    def add_frame(self, frame: PoseFrame) -> None:
        """One tracked frame (its ``t_ms`` is the session clock for events and reps). A frame
        older than the last one (a source that restarted its clock) is skipped and counted in
        ``frames_skipped``: a stored series never goes back in time."""
        t = float(frame.t_ms)
        with self._lock:
            self._check_open()
            if not np.isfinite(t) or (self._frame_seen and t < self._last_frame_t):
                self.frames_skipped += 1
                return
            self._frame_seen = True
            self._last_frame_t = t
            self._frames.append(frame)
            self._last_t_ms = t

    def add_event(self, event: Any, payload: Mapping[str, Any] | None = None,
                  t_ms: float | None = None) -> None:
        """An event: a name plus ``payload``, or any object (engine or game event dataclasses): its class
        name (or ``.name``/``.kind``) is the name and its fields the payload."""
        if isinstance(event, str):
            name, data = event, dict(payload or {})
        else:
            name = str(getattr(event, "kind", None) or type(event).__name__)
            data = _as_dict(event)
            data.update(payload or {})
        t = t_ms if t_ms is not None else _num(data.get("t_ms"))
        if t is None and _num(data.get("t_s")) is not None:
            t = float(data["t_s"]) * 1000.0
        with self._lock:
            self._check_open()
            self._events.append(Event(self.session_id, self._last_t_ms if t is None else float(t),
                                      name, json.loads(json.dumps(data, default=_json_default))))
            self._wake.notify()

    def begin_set(self, exercise_id: str, set_index: int, side: str = "",
                  target_reps: int | None = None, t_ms: float | None = None) -> None:
        with self._lock:
            self._check_open()
            key = (exercise_id, set_index, side)
            self._sets[key] = SetRecord(self.session_id, exercise_id, set_index, side, target_reps,
                                        self._last_t_ms if t_ms is None else t_ms, None)
            self._dirty_sets.add(key)

    def end_set(self, exercise_id: str, set_index: int, side: str = "", t_ms: float | None = None) -> None:
        with self._lock:
            self._check_open()
            key = (exercise_id, set_index, side)
            st = self._sets.get(key) or SetRecord(self.session_id, exercise_id, set_index, side)
            self._sets[key] = dataclasses.replace(st, t_end_ms=self._last_t_ms if t_ms is None else t_ms)
            self._dirty_sets.add(key)

    def add_rep(self, exercise_id: str, set_index: int, rep: Any, side: str | None = None) -> RepRecord:
        """A scored repetition (the engine's rep result, a mapping, or a RepRecord); see ``rep_record``."""
        with self._lock:
            self._check_open()
            rec = rep_record(self.session_id, exercise_id, set_index, rep, side,
                             self._rep_counts, self._last_t_ms)
            self._reps.append(rec)
            self.reps_recorded += 1
            key = (exercise_id, set_index, rec.side)
            st = self._sets.get(key) or SetRecord(self.session_id, exercise_id, set_index, rec.side,
                                                  None, rec.t_start_ms, None)
            start = rec.t_start_ms if st.t_start_ms is None else min(st.t_start_ms, rec.t_start_ms)
            end = rec.t_end_ms if st.t_end_ms is None else max(st.t_end_ms, rec.t_end_ms)
            self._sets[key] = dataclasses.replace(st, t_start_ms=start, t_end_ms=end)
            self._dirty_sets.add(key)
            self._wake.notify()
            return rec

    def pain(self, when: str, score: int) -> None:
        """Pain 0-10 ``before`` or ``after`` the session."""
        if when not in (PAIN_BEFORE, PAIN_AFTER):
            raise ValueError(f"pain check-in must be 'before' or 'after', not {when!r}")
        if not 0 <= int(score) <= 10:
            raise ValueError(f"pain score must be 0..10, not {score}")
        with self._lock:
            self._check_open()
            at = self.session.started_at + (time.monotonic() - self._t0)  # wall time, on the session's clock
            self._pains.append(PainCheckin(self.session_id, when, int(score), at))
            self._wake.notify()

    def flush(self) -> None:
        """Commit everything recorded so far, now (raises if the store cannot be written)."""
        self._write_pending(raise_errors=True)

    def finish(self, summary: Any = None, status: str = FINISHED) -> Session:
        """Stop recording, commit the rest and mark the session finished. ``summary``: a
        mapping or a dataclass (stored as JSON)."""
        with self._lock:
            if self._closed:
                return self.session
            self._closed = True
            self._stop = True
            self._wake.notify()
        self._thread.join()
        try:
            for attempt in range(3):
                try:
                    self._write_pending(raise_errors=True)
                    break
                except Exception:
                    if attempt == 2:
                        raise
                    time.sleep(0.2)
            data = _as_dict(summary) if summary is not None else {}
            self.store.finish_session(self.session_id, json.loads(json.dumps(data, default=_json_default)),
                                      status)
        except Exception as exc:
            path = self._rescue()
            raise PhysioQuestError(f"session {self.session_id} could not be saved to {self.store.location} "
                                   f"({exc}); its unsaved data was written to {path}") from exc
        session = self.store.get_session(self.session_id)
        if self.close_store_on_finish:
            self.store.close()
        return session

    # Panda3D's ShowBase has its own ``self.recorder`` (a RecorderController) and calls these
    # every frame when it is set; a game that keeps us in that attribute must not crash.
    def recordFrame(self) -> None:  # noqa: N802 (Panda3D's name)
        """No-op: ShowBase's per-frame hook (we record through ``add_frame``)."""

    def playFrame(self) -> None:  # noqa: N802
        """No-op: ShowBase's per-frame hook."""

    def __enter__(self) -> "SessionRecorder":
        return self

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        self.finish(status=FINISHED if exc_type is None else INTERRUPTED)

    # -- writer -----------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"session {self.session_id} is finished")

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stop:
                    return
                self._wake.wait(self.flush_interval_s)
                if self._stop:
                    return
            try:
                self._write_pending(raise_errors=False)
            except Exception as exc:  # never let the writer die: keep the error, try again
                self.error = exc

    def _take(self) -> tuple[list[Chunk], list[Event], list[SetRecord], list[RepRecord], list[PainCheckin]]:
        with self._lock:
            if self._frames:
                self._chunks.append(encode_chunk(self._seq, PoseSeries.from_frames(self._frames)))
                self._seq += 1
                self._frames = []
            sets = [self._sets[k] for k in sorted(self._dirty_sets)]
            out = (self._chunks, self._events, sets, self._reps, self._pains)
            self._chunks, self._events, self._reps, self._pains = [], [], [], []
            self._dirty_sets = set()
            return out

    def _give_back(self, taken: tuple) -> None:
        chunks, events, sets, reps, pains = taken
        with self._lock:
            self._chunks = chunks + self._chunks
            self._events = events + self._events
            self._reps = reps + self._reps
            self._pains = pains + self._pains
            self._dirty_sets |= {(s.exercise_id, s.set_index, s.side) for s in sets}

    def _write_pending(self, raise_errors: bool) -> None:
        with self._write_lock:  # the writer thread and flush() never interleave
            taken = self._take()
            if not any(taken):
                return
            try:
                self.store.write_batch(self.session_id, *taken)
            except Exception as exc:
                self._give_back(taken)
                self.error = exc
                if raise_errors:
                    raise
                return
            self.error = None
            self.frames_committed += sum(c.n_frames for c in taken[0])

    def _rescue(self) -> str:
        from game.sessions.paths import data_dir
        from tracking.series_file import save_series
        from game.sessions.store import decode_chunk
        taken = self._take()
        base = data_dir() / f"rescue-{self.session_id}"
        parts = [decode_chunk(c.data, self.meta) for c in taken[0]]
        save_series(PoseSeries.concat(parts, self.meta) if parts else PoseSeries.empty(self.meta),
                    base.with_suffix(".npz"))
        records = {"events": taken[1], "sets": taken[2], "reps": taken[3], "pain": taken[4]}
        text = json.dumps({k: [dataclasses.asdict(x) for x in v] for k, v in records.items()},
                          default=_json_default)
        from game.sessions.paths import private_file
        path = private_file(base.with_suffix(".json"))
        path.write_text(text)
        return str(base) + ".{npz,json}"


def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if hasattr(obj, "_asdict"):
        return dict(obj._asdict())
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")} if hasattr(obj, "__dict__") else {}


def _pick(data: Mapping[str, Any], *names: str, scale: float = 1.0) -> float | None:
    for n in names:
        v = _num(data.get(n))
        if v is not None and np.isfinite(v):
            return v * scale
    return None


def _fault_names(faults: Any) -> tuple[str, ...]:
    out = []
    for f in faults or ():
        if isinstance(f, str):
            out.append(f)
        elif isinstance(f, Mapping):
            out.append(str(f.get("id") or f.get("name") or f.get("fault") or f))
        else:
            out.append(str(getattr(f, "id", None) or getattr(f, "fault_id", None) or getattr(f, "name", f)))
    return tuple(out)


def rep_record(session_id: str, exercise_id: str, set_index: int, rep: Any, side: str | None,
               counts: dict[tuple[str, int, str], int], now_ms: float = 0.0) -> RepRecord:
    """Turn a scorer's repetition result into a RepRecord (fields read by name, see docs)."""
    if isinstance(rep, RepRecord):
        data = dataclasses.asdict(rep)
    else:
        data = _as_dict(rep)
    game_fields: dict[str, Any] = {}
    inner = data.get("result")  # the game's RepCompleted carries the engine's RepResult
    if inner is not None and not isinstance(inner, (int, float, str)):
        game_fields = {k: v for k, v in data.items() if k != "result"}
        data = _as_dict(inner)
    side = side if side is not None else str(data.get("side") or "")
    t0 = _pick(data, "t_start_ms", "start_ms", "t0_ms")
    if t0 is None:
        t0 = _pick(data, "t_start_s", "start_s", "t0_s", scale=1000.0)
    t1 = _pick(data, "t_end_ms", "end_ms", "t1_ms")
    if t1 is None:
        t1 = _pick(data, "t_end_s", "end_s", "t1_s", scale=1000.0)
    t1 = now_ms if t1 is None else t1
    t0 = t1 if t0 is None else t0
    key = (exercise_id, set_index, side)
    index = data.get("rep_index")  # the engine's RepResult.index (1-based, whole tracker) stays in details
    index = counts.get(key, 0) if index is None else int(index)
    counts[key] = max(counts.get(key, 0), index + 1)
    known = {"session_id", "exercise_id", "set_index", "rep_index", "side", "faults",
             "t_start_ms", "t_end_ms", "details", "range_deg", "target_deg", "confidence", "hold_s",
             "score", "peak_deg"}
    details = {k: v for k, v in data.items() if k not in known}
    details.update(data.get("details") or {})
    if game_fields:
        details["game"] = game_fields
    details = json.loads(json.dumps(details, default=_json_default))
    return RepRecord(session_id, exercise_id, set_index, index, t0, t1,
                     _pick(data, "range_deg", "peak_deg", "peak_angle_deg", "rom_deg"),
                     _pick(data, "target_deg", "target_angle_deg"),
                     _pick(data, "confidence", "range_confidence", "rom_confidence"),
                     _pick(data, "hold_s", "hold_time_s", "held_s"),
                     _pick(data, "score", "score_0_100"),
                     _fault_names(data.get("faults")), side, details)
