"""Offscreen preview of scenes (tests, benchmarks, designers checking a TOML edit).

``python -m scenes.preview park_path out.png [--size 1280x720] [--reps 5]``
Only this helper makes a ShowBase; scenes themselves never touch ``base``.
"""
from __future__ import annotations

import argparse
from typing import Any

import numpy as np


def offscreen_base(width: int = 1280, height: int = 720) -> Any:
    """A ShowBase rendering into an offscreen buffer (no window, no audio)."""
    from panda3d.core import loadPrcFileData
    page = loadPrcFileData("scenes-preview", f"window-type offscreen\naudio-library-name null\n"
                                             f"win-size {width} {height}\nsync-video false\n"
                                             "notify-level-display error\n"
                                             "notify-level-device fatal")
    from direct.showbase.ShowBase import ShowBase
    base = ShowBase(windowType="offscreen")
    base._pq_prc_page = page
    base.disableMouse()
    base.camLens.setNearFar(0.1, 1200.0)
    base.camLens.setFov(60)
    base.win.setClearColor((0.5, 0.5, 0.5, 1))
    return base


def close_base(base: Any) -> None:
    """Destroy a ShowBase made by ``offscreen_base`` and drop its settings, so that another
    ShowBase (another test module's) can be made in the same process."""
    from panda3d.core import unloadPrcFile
    page = getattr(base, "_pq_prc_page", None)
    base.destroy()
    if page is not None:
        unloadPrcFile(page)


def place_camera(base: Any, scene: Any) -> None:
    pos, look = scene.camera_pose()
    base.camera.setPos(pos)
    base.camera.lookAt(look)


def frame_pixels(base: Any) -> np.ndarray:
    """The last rendered frame as an (h, w, 3) uint8 array, top row first."""
    tex = base.win.getScreenshot()
    data = tex.getRamImageAs("RGB")
    h, w = tex.getYSize(), tex.getXSize()
    return np.frombuffer(bytes(data), np.uint8).reshape(h, w, 3)[::-1]


def render_frames(base: Any, scene: Any, frames: int = 2, dt: float = 1 / 30) -> None:
    for _ in range(frames):
        scene.update(dt)
        place_camera(base, scene)
        base.graphicsEngine.renderFrame()


def main(argv: list[str] | None = None) -> int:
    from scenes import SCENE_NAMES, create_scene
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scene", choices=SCENE_NAMES)
    ap.add_argument("out")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--reps", type=int, default=0, help="RepCompleted events to send first")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time", type=float, default=0.0, help="seconds of update() afterwards")
    ap.add_argument("--hold", type=float, default=None,
                    help="send HoldProgress at this fraction (0..1) last")
    ap.add_argument("--thumb", default=None, help="save scaled down to this size, e.g. 640x360")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.split("x"))
    base = offscreen_base(w, h)
    scene = create_scene(args.scene, base.render, rng_seed=args.seed)
    scene.build()

    class RepCompleted:  # duck-typed stand-ins for tracking.exercise's events
        side = ""

    class HoldProgress:
        def __init__(self, fraction: float) -> None:
            self.elapsed_s, self.target_s = fraction * 10.0, 10.0
    for _ in range(args.reps):
        scene.on_event(RepCompleted())
        render_frames(base, scene, int(1.0 * 30))
    render_frames(base, scene, max(2, int(args.time * 30)))
    if args.hold is not None:
        scene.on_event(HoldProgress(args.hold))
        render_frames(base, scene, 2)
    if args.thumb:
        from panda3d.core import PNMImage
        big = PNMImage()
        base.win.getScreenshot(big)
        tw, th = (int(v) for v in args.thumb.split("x"))
        small = PNMImage(tw, th)
        small.gaussianFilterFrom(1.0, big)
        small.write(args.out)
    else:
        base.win.saveScreenshot(args.out)
    print(f"{args.scene}: {scene.geom_count()} geoms -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
