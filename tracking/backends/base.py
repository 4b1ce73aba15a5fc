"""The pose backend interface and the registry of backends by name.

A backend turns one image into one ``PoseFrame``. It keeps tracking state between
calls (MediaPipe follows the person it found), so make a fresh backend per source and
use it from one thread. Backends are context managers::

    with create_backend("mediapipe-pose") as backend:
        pose = backend.process(frame.image_bgr, frame.t_ms, frame.index)

Registry: ``BACKENDS`` maps a name to ``"module:Class"``, imported only when asked for,
so listing backends never loads MediaPipe. A backend not listed can be named directly as
``"package.module:Class"``. To add one, implement ``PoseBackend`` and add a line to
``BACKENDS``.
"""
from __future__ import annotations

import importlib
from types import MappingProxyType
from typing import Any, Mapping, Protocol, runtime_checkable

import numpy as np

from tracking.errors import InputError
from tracking.series import PoseFrame


@runtime_checkable
class PoseBackend(Protocol):
    """What the pipeline needs from a pose estimator."""

    name: str  #: backend id, stored in SeriesMeta.backend, e.g. "mediapipe-pose"
    model: str  #: model and settings, stored in SeriesMeta.model

    def process(self, image_bgr: np.ndarray, t_ms: float, index: int = -1) -> PoseFrame:
        """Landmarks of the person in ``image_bgr``; an all-NaN frame if nobody was seen."""
        ...

    def close(self) -> None:
        """Free the model. Safe to call twice."""
        ...

    def __enter__(self) -> "PoseBackend": ...

    def __exit__(self, *exc: object) -> None: ...


class BackendBase:
    """Context-manager plumbing for backends (subclass and implement process/close)."""

    name = ""
    model = ""

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass


#: Backend name -> "module:Class". Read-only; add new backends here.
BACKENDS: Mapping[str, str] = MappingProxyType({
    "mediapipe-pose": "tracking.backends.mediapipe_pose:MediaPipePoseBackend",
    "replay": "tracking.backends.replay:ReplayBackend",
})


def backend_class(name: str) -> type:
    """The class registered as ``name``, or named ``"module:Class"``."""
    target = BACKENDS.get(name, name)
    if ":" not in target:
        raise InputError(None, f"unknown pose backend {name!r} (known: {', '.join(BACKENDS)})")
    module_name, _, cls_name = target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), cls_name)
    except (ImportError, AttributeError) as exc:
        raise InputError(None, f"pose backend {name!r} cannot be loaded: {exc}") from None


def create_backend(name: str = "mediapipe-pose", **options: Any) -> PoseBackend:
    """A fresh backend instance (one per source)."""
    return backend_class(name)(**options)
