"""Tracking benchmark on the real clips in ../shared/data/videos.

    .venv/bin/python -m bench.tracking [--duration 60] [--videos DIR] [--skip-long]

Measures, per clip and in total:
1. bare loop: MediaPipe ``process`` over pre-decoded frames (fresh tracker per clip);
2. analyze: ``tracking.offline.track_source`` (decode thread + model + filter), and its
   ratio to the bare loop (target >= 0.9); both run ``--repeat`` times, alternating, and
   the fastest run of each counts (other processes' load only ever slows a run down);
3. live: each clip's pre-decoded frames fed to ``LivePipeline`` at 30 fps while a consumer
   polls ``latest()`` at 60 Hz: result age at consumption (median, p95; target p95 <= one
   inference period + one frame period) and frames dropped;
4. long: the clips decoded in a loop and fed at 30 fps for ``--duration`` seconds: age in
   the first and last tenth of the run, its trend (ms per minute; 0 = no backlog), drops.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracking.backends import create_backend  # noqa: E402
from tracking.backends.mediapipe_pose import quiet_native_stderr  # noqa: E402
from tracking.filters import LandmarkFilter  # noqa: E402
from tracking.live import LivePipeline, LiveResult  # noqa: E402
from tracking.offline import track_source  # noqa: E402
from tracking.sources import Frame, FrameSource, MemorySource, VideoFileSource  # noqa: E402

FEED_FPS = 30.0
POLL_HZ = 60.0


def decode(path: Path) -> tuple[list[np.ndarray], float]:
    with VideoFileSource(path) as src:
        return [f.image_bgr for f in src], src.fps


def bare_loop(images: list[np.ndarray], fps: float) -> tuple[float, float, float]:
    """(wall s, CPU s, detection rate) of a bare process() loop with a fresh tracker (its
    first, slower call included, as in analyze)."""
    with create_backend("mediapipe-pose") as backend:
        t0, c0 = time.perf_counter(), time.process_time()
        found = sum(backend.process(im, i * 1000 / fps, i).detected for i, im in enumerate(images))
        return time.perf_counter() - t0, time.process_time() - c0, found / len(images)


def analyze_timed(path: Path) -> tuple[int, float, float]:
    """(frames, wall s, CPU s) of offline tracking (decode thread + model + filter), timed
    like the bare loop: from the first frame, with source and backend already open."""
    with VideoFileSource(path) as src, create_backend("mediapipe-pose") as backend:
        filt = LandmarkFilter(aspect=src.size[0] / src.size[1])
        t0, c0 = time.perf_counter(), time.process_time()
        run = track_source(src, backend, filt)
        return run.frames, time.perf_counter() - t0, time.process_time() - c0


def consume(pipe: LivePipeline, until: float | None = None) -> list[tuple[float, float]]:
    """Poll latest() at POLL_HZ like a render loop: [(time since start, age s)]."""
    out = []
    start = time.monotonic()
    while pipe.running and (until is None or time.monotonic() - start < until):
        r: LiveResult | None = pipe.latest()
        if r is not None:
            now = time.monotonic()
            out.append((now - start, now - r.captured_at))
        time.sleep(1 / POLL_HZ)
    return out


def live_run(images: list[np.ndarray], name: str) -> dict:
    src = MemorySource(images, FEED_FPS, name)
    h, w = images[0].shape[:2]
    pipe = LivePipeline(src, lambda: create_backend("mediapipe-pose"), LandmarkFilter(aspect=w / h))
    pipe.start()
    ages = np.array([a for _, a in consume(pipe)]) * 1000
    st = pipe.stop()
    return {"captured": st.captured, "dropped": st.dropped, "inferred": st.inferred,
            "infer_ms": st.infer_median_ms, "age_med": float(np.median(ages)),
            "age_p95": float(np.percentile(ages, 95)), "max_pending": st.max_pending}


class LoopSource(FrameSource):
    """The clips decoded one after another, again and again, stamped at ``fps``."""

    def __init__(self, paths: list[Path], fps: float, duration_s: float) -> None:
        self.paths, self.fps, self.name = paths, fps, "loop"
        with VideoFileSource(paths[0]) as first:
            self.size = first.size
        self._limit = int(duration_s * fps)
        self._it = self._frames()
        self._n = 0

    def _frames(self) -> Iterator[np.ndarray]:
        while True:
            for p in self.paths:
                with VideoFileSource(p) as src:
                    for f in src:
                        yield f.image_bgr

    def read(self) -> Frame | None:
        if self._n >= self._limit:
            return None
        f = Frame(next(self._it), self._n * 1000 / self.fps, self._n)
        self._n += 1
        return f

    def close(self) -> None:
        self._n = self._limit


def long_run(paths: list[Path], duration_s: float) -> dict:
    pipe = LivePipeline(LoopSource(paths, FEED_FPS, duration_s),
                        lambda: create_backend("mediapipe-pose"), LandmarkFilter())
    pipe.start()
    samples = np.array(consume(pipe))
    st = pipe.stop()
    t, ages = samples[:, 0], samples[:, 1] * 1000
    tenth = max(1, len(ages) // 10)
    slope = float(np.polyfit(t, ages, 1)[0]) * 60 if len(ages) > 2 else float("nan")
    return {"duration_s": st.elapsed_s, "captured": st.captured, "dropped": st.dropped,
            "inferred": st.inferred, "first_med": float(np.median(ages[:tenth])),
            "last_med": float(np.median(ages[-tenth:])), "p95": float(np.percentile(ages, 95)),
            "slope_ms_per_min": slope, "max_pending": st.max_pending,
            "infer_ms": st.infer_median_ms}


def filter_response(fps: float = 30.0,
                    noise: float = 0.003) -> list[tuple[str, float, float, float]]:
    """The default LandmarkFilter on synthetic movement: (case, lag ms, error, noise ratio).

    A 0.1-unit sine of the whole skeleton at 0.25, 0.5 and 1 Hz, plus Gaussian noise of
    ``noise`` units (about MediaPipe's frame-to-frame jitter on a still person at 640 px);
    lag = the shift that best aligns output and truth; error = RMS output - truth;
    noise ratio = output jitter / input jitter for a still skeleton."""
    from tracking.landmarks import NUM_LANDMARKS
    from tracking.series import PoseFrame

    rng = np.random.default_rng(0)
    layout = rng.uniform(-0.15, 0.15, (NUM_LANDMARKS, 2)) + (0.0, 0.5)  # a body-sized spread
    t = np.arange(int(20 * fps)) / fps
    rows = []
    for f0 in (0.0, 0.25, 0.5, 1.0):
        truth = 0.5 + (0.1 * np.sin(2 * np.pi * f0 * t) if f0 else 0 * t)
        noisy = truth[:, None] + rng.normal(0, noise, (t.size, NUM_LANDMARKS))
        filt = LandmarkFilter()
        out = []
        for i in range(t.size):
            xyzv = np.full((NUM_LANDMARKS, 4), 0.9, np.float32)
            xyzv[:, 0] = noisy[i] + layout[:, 0]
            xyzv[:, 1] = layout[:, 1]
            out.append(filt.step(PoseFrame(t[i] * 1000, xyzv)).xyzv[:, 0] - layout[:, 0])
        o = np.array(out)[int(fps):]
        tr = truth[int(fps):]
        lags = [np.abs(o[k:] - tr[: len(tr) - k, None]).mean() for k in range(10)]
        lag = int(np.argmin(lags)) * 1000 / fps if f0 else 0.0
        err = float(np.sqrt(((o - tr[:, None]) ** 2).mean()))
        still_sd = noisy[int(fps):].std(axis=0).mean()
        ratio = float(o.std(axis=0).mean() / still_sd) if not f0 else float("nan")
        rows.append((f"still" if not f0 else f"sine {f0:g} Hz", lag, err, ratio))
    return rows


def print_table(rows: list) -> None:
    print(f"\n{'clip':28} {'frames':>6} {'bare fps':>8} {'analyze fps':>11} {'ratio':>5} "
          f"{'CPU ms/f bare':>13} {'analyze':>7} {'found':>5} | live@30: {'infer ms':>8} "
          f"{'age med':>7} {'age p95':>7} {'target':>6} {'dropped':>9}")
    tot = np.zeros(5)
    for name, n, bare, an, det, lv in rows:
        target = lv["infer_ms"] + 1000 / FEED_FPS
        print(f"{name:28} {n:6d} {n / bare[0]:8.1f} {n / an[0]:11.1f} {bare[0] / an[0]:5.2f} "
              f"{1000 * bare[1] / n:13.1f} {1000 * an[1] / n:7.1f} {det:5.0%} |          "
              f"{lv['infer_ms']:8.1f} {lv['age_med']:7.1f} {lv['age_p95']:7.1f} {target:6.1f} "
              f"{lv['dropped']:4d}/{lv['captured']:<4d}")
        tot += (n, bare[0], an[0], bare[1], an[1])
    print(f"{'all clips':28} {int(tot[0]):6d} {tot[0] / tot[1]:8.1f} {tot[0] / tot[2]:11.1f} "
          f"{tot[1] / tot[2]:5.2f} {1000 * tot[3] / tot[0]:13.1f} {1000 * tot[4] / tot[0]:7.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "data" / "videos")
    ap.add_argument("--duration", type=float, default=60.0,
                    help="seconds of looped input for the backlog run (default 60)")
    ap.add_argument("--repeat", type=int, default=2,
                    help="runs of bare loop and analyze per clip; the fastest counts (default 2)")
    ap.add_argument("--skip-long", action="store_true")
    ap.add_argument("--long-only", action="store_true", help="only the long backlog run")
    ap.add_argument("--filter-only", action="store_true", help="only the filter response")
    args = ap.parse_args(argv)
    print("default LandmarkFilter on synthetic movement (noise 0.003 units, 30 fps):")
    for case, lag, err, ratio in filter_response():
        extra = f", jitter x{ratio:.2f} of the input" if ratio == ratio else ""
        print(f"  {case:12} lag {lag:4.0f} ms, RMS error {err:.4f} units{extra}")
    if args.filter_only:
        return 0
    paths = sorted(args.videos.glob("*.mp4"))
    if not paths:
        print(f"no clips in {args.videos}", file=sys.stderr)
        return 2
    rows = []
    with quiet_native_stderr():
        for p in [] if args.long_only else paths:
            images, fps = decode(p)
            bare, an = (np.inf, np.inf), (np.inf, np.inf)
            for _ in range(args.repeat):  # alternate, keep the best: less noise from other load
                b_s, b_cpu, det = bare_loop(images, fps)
                n, a_s, a_cpu = analyze_timed(p)
                bare, an = min(bare, (b_s, b_cpu)), min(an, (a_s, a_cpu))
            live = live_run(images, p.name)
            del images
            rows.append((p.name, n, bare, an, det, live))
            print(f"  measured {p.name}", file=sys.stderr, flush=True)
        long = None if args.skip_long else long_run(paths, args.duration)

    if rows:
        print_table(rows)
    if long:
        print(f"\nlong run ({long['duration_s']:.0f} s of input at {FEED_FPS:g} fps, looped): "
              f"captured {long['captured']}, inferred {long['inferred']}, dropped "
              f"{long['dropped']} ({long['dropped'] / max(1, long['captured']):.0%}); "
              f"inference {long['infer_ms']:.1f} ms median; age median first tenth "
              f"{long['first_med']:.1f} ms, last tenth {long['last_med']:.1f} ms, p95 "
              f"{long['p95']:.1f} ms; trend {long['slope_ms_per_min']:+.2f} ms/min; "
              f"most frames waiting {long['max_pending']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
