"""PoseSeries: the one landmark time-series type of PhysioQuest.

Live play, recording, replay, offline analysis and every test speak this type.
Landmarks follow MediaPipe BlazePose: ``xyzv[..., :2]`` are image-normalised x, y
(0..1, y down), ``xyzv[..., 2]`` the model's relative depth and ``xyzv[..., 3]`` the
visibility (0..1). ``world`` holds metric landmarks (metres, origin between the hips,
y down, as MediaPipe's world landmarks). A frame where nobody was seen is all NaN.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from tracking.landmarks import NUM_LANDMARKS

#: Per-frame flag bits (``PoseSeries.flags``).
FLAG_PERSON_SWITCH = 1  #: the skeleton jumped: probably another person; not scored
FLAG_GATED = 2  #: too few landmarks visible to trust the frame


@dataclass(frozen=True)
class SeriesMeta:
    """Where a series came from."""

    source: str = ""  #: file path, "webcam:0", "virtual-patient:<exercise>", ...
    fps: float = 0.0  #: nominal frame rate of the source (0 if unknown)
    backend: str = ""  #: pose backend id, e.g. "mediapipe-pose"
    model: str = ""  #: model name and settings, e.g. "blazepose-full (complexity 1)"
    width: int = 0  #: source image size in pixels (0 if unknown)
    height: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  #: JSON-serialisable extras

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SeriesMeta":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class PoseFrame:
    """One frame's landmarks, as a backend or a filter hands it on."""

    t_ms: float  #: capture time in milliseconds (video time for files)
    xyzv: np.ndarray  #: (33, 4) float32, NaN if nobody was seen
    world: np.ndarray | None = None  #: (33, 3) float32 metres, or None
    flags: int = 0
    index: int = -1  #: frame number in its source

    @property
    def detected(self) -> bool:
        return bool(np.isfinite(self.xyzv[:, 0]).any())

    @staticmethod
    def missing(t_ms: float, index: int = -1) -> "PoseFrame":
        """A frame in which nobody was seen."""
        return PoseFrame(t_ms, np.full((NUM_LANDMARKS, 4), np.nan, np.float32),
                         np.full((NUM_LANDMARKS, 3), np.nan, np.float32), 0, index)


class PoseSeries:
    """Timestamps plus 33 landmarks per frame; NaN where unseen."""

    __slots__ = ("t_ms", "xyzv", "world", "flags", "meta")

    def __init__(self, t_ms: np.ndarray, xyzv: np.ndarray, world: np.ndarray | None = None,
                 flags: np.ndarray | None = None, meta: SeriesMeta | None = None) -> None:
        t_ms = np.asarray(t_ms, dtype=np.float64).reshape(-1)
        xyzv = np.asarray(xyzv, dtype=np.float32)
        n = t_ms.shape[0]
        if xyzv.shape != (n, NUM_LANDMARKS, 4):
            raise ValueError(f"xyzv must have shape ({n}, {NUM_LANDMARKS}, 4), got {xyzv.shape}")
        if world is not None:
            world = np.asarray(world, dtype=np.float32)
            if world.shape != (n, NUM_LANDMARKS, 3):
                raise ValueError(f"world must have shape ({n}, {NUM_LANDMARKS}, 3), got {world.shape}")
        flags = np.zeros(n, np.uint8) if flags is None else np.asarray(flags, dtype=np.uint8).reshape(-1)
        if flags.shape != (n,):
            raise ValueError(f"flags must have shape ({n},), got {flags.shape}")
        if n > 1 and np.any(np.diff(t_ms) < 0):
            raise ValueError("t_ms must not decrease")
        self.t_ms = t_ms
        self.xyzv = xyzv
        self.world = world
        self.flags = flags
        self.meta = meta or SeriesMeta()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def empty(cls, meta: SeriesMeta | None = None, with_world: bool = True) -> "PoseSeries":
        return cls(np.zeros(0), np.zeros((0, NUM_LANDMARKS, 4), np.float32),
                   np.zeros((0, NUM_LANDMARKS, 3), np.float32) if with_world else None,
                   None, meta)

    @classmethod
    def from_frames(cls, frames: Sequence[PoseFrame] | Iterable[PoseFrame],
                    meta: SeriesMeta | None = None) -> "PoseSeries":
        frames = list(frames)
        if not frames:
            return cls.empty(meta)
        with_world = any(f.world is not None for f in frames)
        world = None
        if with_world:
            nanw = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
            world = np.stack([f.world if f.world is not None else nanw for f in frames])
        return cls(np.array([f.t_ms for f in frames]), np.stack([f.xyzv for f in frames]),
                   world, np.array([f.flags for f in frames], np.uint8), meta)

    @classmethod
    def concat(cls, parts: Sequence["PoseSeries"], meta: SeriesMeta | None = None) -> "PoseSeries":
        if not parts:
            return cls.empty(meta)
        with_world = all(p.world is not None for p in parts)
        return cls(np.concatenate([p.t_ms for p in parts]),
                   np.concatenate([p.xyzv for p in parts]),
                   np.concatenate([p.world for p in parts]) if with_world else None,  # type: ignore[misc]
                   np.concatenate([p.flags for p in parts]), meta or parts[0].meta)

    # -- access -------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.t_ms.shape[0])

    def __getitem__(self, i: int) -> PoseFrame:
        return PoseFrame(float(self.t_ms[i]), self.xyzv[i],
                         None if self.world is None else self.world[i], int(self.flags[i]), i)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def slice(self, start: int, stop: int) -> "PoseSeries":
        return PoseSeries(self.t_ms[start:stop], self.xyzv[start:stop],
                          None if self.world is None else self.world[start:stop],
                          self.flags[start:stop], self.meta)

    def between(self, t0_ms: float, t1_ms: float) -> "PoseSeries":
        """Frames with ``t0_ms <= t < t1_ms``."""
        i0, i1 = np.searchsorted(self.t_ms, [t0_ms, t1_ms], side="left")
        return self.slice(int(i0), int(i1))

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: a person was seen in the frame."""
        return np.isfinite(self.xyzv[:, :, 0]).any(axis=1)

    @property
    def detection_rate(self) -> float:
        return float(self.detected.mean()) if len(self) else 0.0

    @property
    def duration_s(self) -> float:
        return float(self.t_ms[-1] - self.t_ms[0]) / 1000.0 if len(self) > 1 else 0.0

    @property
    def fps(self) -> float:
        """Nominal fps from the metadata, else measured from the timestamps."""
        if self.meta.fps > 0:
            return float(self.meta.fps)
        if len(self) > 1 and self.duration_s > 0:
            return (len(self) - 1) / self.duration_s
        return 0.0

    def with_meta(self, **changes: Any) -> "PoseSeries":
        return PoseSeries(self.t_ms, self.xyzv, self.world, self.flags,
                          dataclasses.replace(self.meta, **changes))

    def equals(self, other: "PoseSeries") -> bool:
        """Exact equality of every array (NaN equal to NaN) and of the metadata."""
        def same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
            if a is None or b is None:
                return a is None and b is None
            return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)

        return (same(self.t_ms, other.t_ms) and same(self.xyzv, other.xyzv)
                and same(self.world, other.world) and same(self.flags, other.flags)
                and self.meta == other.meta)

    def __repr__(self) -> str:
        return (f"PoseSeries({len(self)} frames, {self.duration_s:.1f} s, "
                f"source={self.meta.source!r}, detected={self.detection_rate:.0%})")
