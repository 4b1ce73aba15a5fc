"""The command line: every command is listed and has its own --help."""
from __future__ import annotations

import subprocess
import sys

import pytest

from game.cli import COMMAND_MODULES, build_parser, main


def _command_names() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return list(sub.choices)


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    names = _command_names()
    assert len(names) >= len(COMMAND_MODULES)
    for name in names:
        assert name in out


@pytest.mark.parametrize("name", _command_names())
def test_each_command_has_help(name: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert "usage: physioquest " + name in capsys.readouterr().out


def test_console_script_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "game.cli", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "physioquest" in out.stdout
