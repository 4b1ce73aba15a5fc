"""Panda3D set-up shared by the game and the replay viewer: display settings (a window, or
offscreen with headless EGL where there is no X display), the screen's own size, opening
ShowBase with a one-line error, and a plain lit ground when no scene can be built."""
from __future__ import annotations

import os
import sys
from typing import Any

from direct.showbase.ShowBase import ShowBase
from panda3d.core import (AmbientLight, CardMaker, DirectionalLight, NodePath, loadPrcFileData)

from game.config import GameConfig
from tracking.errors import PhysioQuestError


def display_prc_lines(offscreen: bool) -> list[str]:
    """Quiet display settings; offscreen without an X display goes straight to headless EGL
    (GPU servers, CI) instead of probing X11 and printing its failure on stderr."""
    lines = ["print-pipe-types false", "notify-level-display error", "notify-level-device fatal"]
    if offscreen:
        lines.append("window-type offscreen")
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            lines += ["load-display p3headlessgl", "aux-display pandagl"]
        else:
            lines += ["aux-display p3headlessgl", "aux-display pandagl"]
    return lines


def native_display_size() -> tuple[int, int] | None:
    """The screen's own resolution, or None when no display answers."""
    from panda3d.core import GraphicsPipeSelection

    pipe = GraphicsPipeSelection.get_global_ptr().make_default_pipe()
    if pipe is None or not pipe.is_valid():
        return None
    w, h = pipe.get_display_width(), pipe.get_display_height()
    return (w, h) if w > 0 and h > 0 else None


def configure_panda(config: GameConfig) -> Any:
    """Panda3D settings for this run (must come before ShowBase starts); returns the page
    (``close`` unloads it, so a later ShowBase in the same process starts clean). Fullscreen
    without a chosen size uses the screen's own resolution (no mode switch, sharp type)."""
    w, h = config.window_size
    if config.fullscreen and config.size is None:
        w, h = native_display_size() or (w, h)
    lines = [f"win-size {w} {h}", "window-title PhysioQuest", "sync-video false",
             f"fullscreen {'true' if config.fullscreen else 'false'}",
             "text-flatten true", *display_prc_lines(config.offscreen)]
    if not config.offscreen:  # smooth edges on a real screen (costly in software rendering)
        lines += ["framebuffer-multisample true", "multisamples 4"]
    if config.mute or config.offscreen:
        lines.append("audio-library-name null")
    return loadPrcFileData("physioquest-game", "\n".join(lines))


def open_showbase(base: ShowBase, offscreen: bool) -> None:
    """``ShowBase.__init__`` with a one-line error when no window can be opened."""
    try:
        ShowBase.__init__(base, windowType="offscreen" if offscreen else None)
    except Exception as exc:  # Panda3D raises a bare Exception for this
        if "Could not open window" not in str(exc):
            raise
        raise PhysioQuestError(
            "could not open a window (no display found). Run it from a desktop session, or "
            "add --offscreen (with --screenshots DIR to see what it shows)") from None


def make_fallback_ground(render: NodePath, camera: NodePath) -> NodePath:
    """A lit green ground and a standing eye-height camera, for when no scene can be built."""
    cm = CardMaker("ground")
    cm.setFrame(-20, 20, -20, 20)
    g = render.attachNewNode(cm.generate())
    g.setP(-90)
    g.setColor(0.45, 0.62, 0.38, 1)
    sun = g.attachNewNode(DirectionalLight("sun"))
    sun.setHpr(30, -50, 0)
    amb = g.attachNewNode(AmbientLight("amb"))
    amb.node().setColor((0.5, 0.5, 0.55, 1))
    render.setLight(sun)
    render.setLight(amb)
    camera.setPos(0, -4.5, 1.6)
    camera.lookAt(0, 0, 1.0)
    return g
