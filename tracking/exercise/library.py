"""The exercise library: every spec in assets/exercises/*.toml, loaded and validated."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tracking.errors import InputError
from tracking.exercise.spec import ExerciseSpec, load_spec

#: assets/exercises/ of this checkout
EXERCISES_DIR = Path(__file__).resolve().parents[2] / "assets" / "exercises"


def load_library(directory: str | Path | None = None) -> dict[str, ExerciseSpec]:
    """id -> spec for every ``*.toml`` in ``directory`` (default: the shipped library)."""
    directory = Path(directory) if directory is not None else EXERCISES_DIR
    if not directory.is_dir():
        raise InputError(directory, "exercise directory not found")
    return {s.id: s for s in (load_spec(p) for p in sorted(directory.glob("*.toml")))}


@lru_cache(maxsize=4)
def _cached(directory: str) -> dict[str, ExerciseSpec]:
    return load_library(directory)


def library() -> dict[str, ExerciseSpec]:
    """The shipped library, loaded once per process (specs are frozen)."""
    return dict(_cached(str(EXERCISES_DIR)))


def get_spec(exercise_id: str) -> ExerciseSpec:
    """The shipped spec with this id; InputError naming the known ids otherwise."""
    lib = _cached(str(EXERCISES_DIR))
    if exercise_id not in lib:
        raise InputError(None, f"unknown exercise {exercise_id!r} (known: {', '.join(sorted(lib))})")
    return lib[exercise_id]


def exercise_ids() -> list[str]:
    return sorted(_cached(str(EXERCISES_DIR)))
