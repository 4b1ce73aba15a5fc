"""``physioquest import``: one file, several files, --concat, and bad input as one line."""
import numpy as np
import pytest

from game.cli import main
from tests.conftest import shared_data_path
from tracking.series_file import load_series


def keraal(name):
    return str(shared_data_path("keraal", "dataSampleKeraal", name))


def test_import_one_keraal_file(tmp_path, capsys):
    out = tmp_path / "ctk.npz"
    assert main(["import", "keraal", keraal("G3-Kinect-CTK-P1T1-Unknown-C-0.txt"), "--out", str(out)]) == 0
    s = load_series(out)
    assert len(s) == 197 and s.world is not None and s.meta.backend == "keraal-kinect"
    assert "197 frames" in capsys.readouterr().out


def test_import_several_files_one_each_or_concatenated(tmp_path):
    files = [keraal(f"G3-BP-{ex}-P1T1-Unknown-C-0.json") for ex in ("CTK", "ELK")]
    assert main(["import", "keraal", *files, "--out", str(tmp_path / "each")]) == 0
    each = sorted((tmp_path / "each").glob("*.npz"))
    assert [p.name for p in each] == ["G3-BP-CTK-P1T1-Unknown-C-0.npz", "G3-BP-ELK-P1T1-Unknown-C-0.npz"]
    parts = [load_series(p) for p in each]
    assert main(["import", "keraal", *files, "--concat", "--out", str(tmp_path / "all.npz")]) == 0
    merged = load_series(tmp_path / "all.npz")
    assert len(merged) == sum(len(p) for p in parts)
    assert np.all(np.diff(merged.t_ms) > 0)
    starts = [p["start_ms"] for p in merged.meta.extra["parts"]]
    assert starts[0] == 0 and starts[1] == pytest.approx(parts[0].t_ms[-1] + 1000 / 30)
    assert np.array_equal(merged.xyzv[len(parts[0]):], parts[1].xyzv, equal_nan=True)


def test_import_ui_prmd_concat(tmp_path):
    folder = shared_data_path("ui-prmd", "Segmented Movements", "Kinect", "Positions")
    files = sorted(str(p) for p in folder.glob("m07_s01_e0[12]_positions.txt*"))
    assert len(files) == 2
    assert main(["import", "ui-prmd", *files, "--concat", "--out", str(tmp_path / "abd.npz")]) == 0
    s = load_series(tmp_path / "abd.npz")
    assert s.world is not None and len(s.meta.extra["parts"]) == 2 and s.fps == 30


@pytest.mark.parametrize("content", ["{oops", '{"positions": {}}'])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["import", "keraal", str(bad), "--out", str(tmp_path / "o.npz")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("physioquest: error:") and "bad.json" in err and "\n" not in err
    assert not (tmp_path / "o.npz").exists()


def test_several_inputs_need_a_folder(tmp_path, capsys):
    (tmp_path / "file.npz").write_bytes(b"")
    files = [keraal(f"G3-BP-{ex}-P1T1-Unknown-C-0.json") for ex in ("CTK", "ELK")]
    assert main(["import", "keraal", *files, "--out", str(tmp_path / "file.npz")]) == 2
    assert "folder" in capsys.readouterr().err
