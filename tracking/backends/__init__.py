"""Pose backends: image -> PoseFrame. See ``tracking.backends.base`` for the interface."""
from tracking.backends.base import BACKENDS, BackendBase, PoseBackend, backend_class, create_backend

__all__ = ["BACKENDS", "BackendBase", "PoseBackend", "backend_class", "create_backend"]
