"""``physioquest import``: other data sets' skeleton files -> PhysioQuest landmark files.

    physioquest import keraal G3-BP-CTK-P1T1-Unknown-C-0.json --out ctk.npz
    physioquest import ui-prmd m01_s01_e0*_positions.txt.gz --out squats/      # one file each
    physioquest import ui-prmd m01_s01_e0*_positions.txt.gz --concat --out squats.npz

One input: ``--out`` is the landmark file (or an existing folder to write it into). Several
inputs: one landmark file per input in the folder ``--out`` (named after the input), or with
``--concat`` one file holding them all back to back in the order given (each part starts one
frame period after the previous one ends; ``meta.extra["parts"]`` lists where each begins).
"""
from __future__ import annotations

import argparse
from pathlib import Path

_KINDS = ("keraal", "ui-prmd")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import", help="convert KERAAL or UI-PRMD skeleton files to landmark files",
        description="Convert skeleton files of another data set to PhysioQuest landmark files "
                    "(docs/landmark-file.md). keraal: BlazePose .json or Kinect .txt files; "
                    "ui-prmd: *_positions.txt[.gz] files (the angles file is found next to them).")
    p.add_argument("kind", choices=_KINDS, help="the data set the files come from")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="input files")
    p.add_argument("--out", type=Path, required=True,
                   help="output landmark file (one input or --concat) or folder (several inputs)")
    p.add_argument("--concat", action="store_true",
                   help="write all inputs back to back into one landmark file")
    p.set_defaults(func=run)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".txt", ".json", ".csv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def concat_series(parts: list, sources: list[str]):
    """Series back to back in time; ``meta.extra["parts"]`` records each part's start."""
    import dataclasses

    from tracking.series import PoseSeries

    shifted, info, t0 = [], [], 0.0
    for series, source in zip(parts, sources):
        fps = series.fps or 30.0
        t = series.t_ms - (series.t_ms[0] if len(series) else 0.0) + t0
        shifted.append(PoseSeries(t, series.xyzv, series.world, series.flags, series.meta))
        info.append({"source": source, "start_ms": float(t0), "frames": len(series)})
        t0 = (float(t[-1]) if len(series) else t0) + 1000.0 / fps
    if any(p.world is None for p in shifted) and any(p.world is not None for p in shifted):
        shifted = [PoseSeries(p.t_ms, p.xyzv, None, p.flags, p.meta) for p in shifted]
    first = parts[0].meta
    meta = dataclasses.replace(first, source=f"{len(parts)} files",
                               extra={**first.extra, "parts": info})
    return PoseSeries.concat(shifted, meta)


def run(args: argparse.Namespace) -> int:
    from tracking.errors import InputError
    from tracking.importers import load
    from tracking.series_file import SUFFIX, save_series

    files: list[Path] = args.files
    out: Path = args.out
    series = [load(args.kind, f) for f in files]  # any bad file stops here with one line
    if args.concat or len(files) == 1:
        target = out / (_stem(files[0]) + SUFFIX) if out.is_dir() and not args.concat else out
        if out.is_dir() and args.concat:
            raise InputError(out, "--concat needs a file name for --out, not a folder")
        merged = series[0] if len(series) == 1 else concat_series(series, [str(f) for f in files])
        written = [(save_series(merged, target), merged)]
    else:
        if out.exists() and not out.is_dir():
            raise InputError(out, "several inputs: --out must be a folder (or use --concat)")
        names = [_stem(f) for f in files]
        if len(set(names)) != len(names):
            raise InputError(out, "two inputs have the same name; use --concat or import them separately")
        written = [(save_series(s, out / (n + SUFFIX)), s) for s, n in zip(series, names)]
    for path, s in written:
        print(f"{path}: {len(s)} frames, {s.duration_s:.1f} s, "
              f"{'with' if s.world is not None else 'no'} world landmarks")
    return 0
