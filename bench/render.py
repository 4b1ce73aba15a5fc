"""Render benchmark of the six scenes, and "rendering never waits for tracking".

    .venv/bin/python -m bench.render [--size 1280x720] [--frames 150]
        [--tracking-scene park_path] [--tracking-frames 300] [--clip quva_020_fitness.mp4]
        [--no-tracking]

1. Per scene: Geom count, triangles, and frames per second rendered offscreen at the given
   size (every frame finished with glFinish, so the time is the real rendering cost).
2. Tracking: in ONE run, the same scene is rendered in three blocks: without tracking, with
   ``tracking.live.LivePipeline`` (MediaPipe BlazePose + filter) tracking a real clip played
   at 30 fps on its own threads while the render loop polls ``latest()`` every frame, and
   without tracking again. It prints the 95th-percentile frame time of each and the ratio
   (with / without, the two without-blocks pooled); the target is a ratio of at most 1.1.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from panda3d.core import loadPrcFileData  # noqa: E402

CLIPS = ROOT.parent / "shared" / "data" / "videos"


def triangles(scene) -> int:
    total = 0
    for np_ in scene.root.findAllMatches("**/+GeomNode"):
        node = np_.node()
        for i in range(node.getNumGeoms()):
            geom = node.getGeom(i)
            for k in range(geom.getNumPrimitives()):
                total += geom.getPrimitive(k).getNumFaces()
    return total


def render_block(base, scene, frames: int, poll=None) -> np.ndarray:
    """Frame times (s) of ``frames`` game-loop iterations: poll, update, camera, render."""
    from scenes.preview import place_camera
    times = np.empty(frames)
    last = time.perf_counter()
    for i in range(frames):
        if poll is not None:
            poll()
        scene.update(1 / 60)
        place_camera(base, scene)
        base.graphicsEngine.renderFrame()
        now = time.perf_counter()
        times[i] = now - last
        last = now
    return times


def decode_clip(path: Path, limit: int = 600) -> list:
    from tracking.sources import VideoFileSource
    frames = []
    with VideoFileSource(path) as src:
        for frame in src:
            frames.append(frame.image_bgr)
            if len(frames) >= limit:
                break
    return frames


def tracking_block(base, scene, frames: int, clip: Path,
                   nice: int = 0) -> tuple[np.ndarray, dict]:
    from tracking.backends import create_backend
    from tracking.filters import LandmarkFilter
    from tracking.live import LivePipeline
    from tracking.sources import MemorySource
    images = decode_clip(clip)
    h, w = images[0].shape[:2]
    # enough frames at 30 fps to outlast the render block even at 3 fps (the same arrays)
    loops = int(np.ceil(frames / 3.0 * 30 / len(images))) + 2
    source = MemorySource(images * loops, fps=30.0, name=f"{clip.name} looped at 30 fps")
    pipe = LivePipeline(source, lambda: create_backend("mediapipe-pose"),
                        LandmarkFilter(aspect=w / h), inference_nice=nice)
    pipe.start()
    t0 = time.monotonic()
    while pipe.peek() is None and pipe.running and time.monotonic() - t0 < 60:
        render_block(base, scene, 1)  # keep rendering while the model loads
    seen = {"results": 0}

    def poll() -> None:
        if pipe.latest() is not None:
            seen["results"] += 1
    times = render_block(base, scene, frames, poll)
    still_running = pipe.running  # the clip outlasted the block: tracking ran throughout
    stats = pipe.stop()
    return times, {"results_consumed": seen["results"], "inferred": stats.inferred,
                   "dropped": stats.dropped, "infer_median_ms": stats.infer_median_ms,
                   "age_p95_ms": stats.age_p95_ms, "status": stats.status,
                   "throughout": still_running}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=150, help="frames timed per scene")
    ap.add_argument("--scenes", default="all", help="comma-separated names, or all")
    ap.add_argument("--tracking-scene", default="park_path")
    ap.add_argument("--tracking-frames", type=int, default=300, help="frames per block")
    ap.add_argument("--clip", default="quva_020_fitness.mp4", help="clip in shared/data/videos")
    ap.add_argument("--no-tracking", action="store_true")
    ap.add_argument("--tracking-nice", default="0,10",
                    help="comma-separated nice increments for the inference thread; one "
                         "without/with/without comparison each (0 = same priority as rendering)")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.split("x"))
    loadPrcFileData("bench-render", "gl-finish true")
    from scenes import SCENE_NAMES, create_scene
    from scenes.preview import offscreen_base
    base = offscreen_base(w, h)
    gsg = base.win.getGsg()
    print(f"renderer: {gsg.getDriverVendor()} {gsg.getDriverRenderer()}; {w}x{h} offscreen; "
          f"{os.cpu_count()} CPUs; LP_NUM_THREADS={os.environ.get('LP_NUM_THREADS', 'default')}")
    names = SCENE_NAMES if args.scenes == "all" else tuple(n for n in args.scenes.split(",") if n)
    print(f"\n{'scene':<16} {'geoms':>5} {'triangles':>9} {'build s':>7} {'fps':>6} "
          f"{'p50 ms':>7} {'p95 ms':>7}")
    for name in names:
        t0 = time.perf_counter()
        scene = create_scene(name, base.render)
        scene.build()
        build_s = time.perf_counter() - t0
        render_block(base, scene, 10)
        t = render_block(base, scene, args.frames)
        print(f"{name:<16} {scene.geom_count():>5} {triangles(scene):>9} {build_s:>7.2f} "
              f"{1 / t.mean():>6.1f} {np.median(t) * 1e3:>7.1f} "
              f"{np.percentile(t, 95) * 1e3:>7.1f}", flush=True)
        scene.destroy()
    if args.no_tracking:
        return 0
    clip = CLIPS / args.clip
    if not clip.exists():
        print(f"\ntracking: clip {clip} not found; render-only figures above")
        return 0
    scene = create_scene(args.tracking_scene, base.render)
    scene.build()
    render_block(base, scene, 20)
    n = args.tracking_frames
    for nice in (int(v) for v in args.tracking_nice.split(",")):
        a = render_block(base, scene, n)
        b, info = tracking_block(base, scene, n, clip, nice)
        c = render_block(base, scene, n)
        without = np.concatenate([a, c])
        print(f"\ntracking: {args.tracking_scene}, {n} frames per block, clip {clip.name} played "
              f"at 30 fps through LivePipeline (MediaPipe, model_complexity 1), inference "
              f"thread nice +{nice}")
        print(f"{'block':<26} {'fps':>6} {'p50 ms':>7} {'p95 ms':>7}")
        for label, t in (("without tracking (before)", a), ("with live tracking", b),
                         ("without tracking (after)", c)):
            print(f"{label:<26} {1 / t.mean():>6.1f} {np.median(t) * 1e3:>7.1f} "
                  f"{np.percentile(t, 95) * 1e3:>7.1f}")
        ratio = np.percentile(b, 95) / np.percentile(without, 95)
        print(f"p95 with / without = {ratio:.3f} "
              f"(target <= 1.1: {'met' if ratio <= 1.1 else 'NOT met'})")
        print(f"tracking during the block: {info['inferred']} frames inferred, "
              f"{info['dropped']} dropped, {info['results_consumed']} results consumed, "
              f"inference median {info['infer_median_ms']:.1f} ms, result age p95 "
              f"{info['age_p95_ms']:.1f} ms, tracking ran throughout the block: "
              f"{'yes' if info['throughout'] else 'NO'}", flush=True)
    scene.destroy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
