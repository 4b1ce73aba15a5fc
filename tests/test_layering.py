"""The architecture's import rules, checked on the source: tracking stays pure."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Modules in tracking/ that may touch OpenCV or MediaPipe (frame sources and pose backends).
IO_MODULES = ("tracking/sources.py", "tracking/backends/")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_tracking_never_imports_panda3d_game_or_scenes() -> None:
    bad = {_rel(p): sorted(_imports(p) & {"panda3d", "direct", "game", "scenes"})
           for p in (ROOT / "tracking").rglob("*.py")}
    assert not {k: v for k, v in bad.items() if v}


def test_opencv_and_mediapipe_only_in_sources_and_backends() -> None:
    bad = {}
    for p in (ROOT / "tracking").rglob("*.py"):
        rel = _rel(p)
        if rel.startswith(IO_MODULES):
            continue
        hits = _imports(p) & {"cv2", "mediapipe"}
        if hits:
            bad[rel] = sorted(hits)
    assert not bad


def test_scenes_never_import_game() -> None:
    bad = {_rel(p) for p in (ROOT / "scenes").rglob("*.py") if "game" in _imports(p)}
    assert not bad
