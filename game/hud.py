"""The heads-up display during exercise: a large repetition counter, set progress, the hold
timer, one form cue at a time, score pop-ups with stars, and a pause hint. Plus ``Screen``:
the centred panel the other states (check-in, summaries, pause) use."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panda3d.core import NodePath

from game.ui.widgets import UiKit

STAR, EMPTY_STAR = "\u2605", "\u2606"


@dataclass
class _Popup:
    node: NodePath
    age: float = 0.0
    life: float = 1.6


class Hud:
    """Exercise overlay, anchored to the screen corners so it fits any aspect ratio."""

    def __init__(self, base: Any, ui: UiKit) -> None:
        self.base, self.ui = base, ui
        pal = ui.palette
        self.root = base.aspect2d.attachNewNode("hud")
        tl = base.a2dTopLeft.attachNewNode("hud-tl")
        tr = base.a2dTopRight.attachNewNode("hud-tr")
        bc = base.a2dBottomCenter.attachNewNode("hud-bc")
        tc = base.a2dTopCenter.attachNewNode("hud-tc")
        bl = base.a2dBottomLeft.attachNewNode("hud-bl")
        self._corners = [tl, tr, bc, tc, bl]
        k = ui.k
        # top left: exercise name and set progress (the panel fits the text)
        self.title_panel = ui.panel(tl, 0.0, 1.0, -0.30 * k, -0.03)
        self.title_panel.setX(0.03)
        self.title = ui.text(tl, "", 0.085, (0.07, -0.13 * k), "left")
        self.set_text = ui.text(tl, "", 0.07, (0.07, -0.24 * k), "left", pal.accent)
        # top right: the big counter
        ui.panel(tr, -0.03 - 0.59 * k, -0.03, -0.03 - 0.47 * k, -0.03)
        cx = -0.03 - 0.295 * k
        self.counter = ui.text(tr, "0/0", 0.26, (cx, -0.30 * k))
        self.counter_label = ui.text(tr, "repetitions", 0.06, (cx, -0.44 * k))
        # top centre: the one form cue
        self.cue = ui.text(tc, "", 0.1, (0.0, -0.66), card=(*pal.warn[:3], 0.92),
                           colour=(0, 0, 0, 1), wrap=2.2 / ui.k ** 0.5)  # clear of the corners
        self.cue.node().setShadow(0, 0)
        self.cue.hide()
        # bottom centre: how far the movement has come (range bar) and the hold timer
        self.hold_label = ui.text(bc, "", 0.075, (0.0, 0.36 * k))
        self.hold_frame, self.hold_fill = ui.bar(bc, 1.0, 0.07, (0.0, 0.27 * k), pal.accent)
        self.hold_frame.hide()
        self.range_frame, self.range_fill = ui.bar(bc, 1.0, 0.06, (0.0, 0.08), pal.good)
        self.range_label = ui.text(bc, "movement", 0.05, (0.0, 0.08 + 0.065 * k),
                                   colour=(1, 1, 1, 0.9))
        # bottom left: how to pause
        self.hint = ui.text(bl, "Pause: space, or hands\ntogether above your head", 0.05,
                            (0.05, 0.06 + 0.065 * k), "left", colour=(1, 1, 1, 0.9))
        self._popups: list[_Popup] = []
        self.last_popup = ""

    # -- content ---------------------------------------------------------------------
    def set_exercise(self, name: str, set_no: int, sets: int, level: int | None = None,
                     side: str | None = None) -> None:
        lvl = f"   Level {level}" if level else ""
        sd = f", {side} side" if side else ""
        UiKit.set_text(self.title, name)
        UiKit.set_text(self.set_text, f"Set {set_no} of {sets}{sd}{lvl}")
        width = max(self.title.node().getWidth() * self.title.getSx(),
                    self.set_text.node().getWidth() * self.set_text.getSx())
        self.title_panel.setSx(width + 0.1)

    def set_count(self, done: int, target: int) -> None:
        UiKit.set_text(self.counter, f"{done}/{target}")

    def set_cue(self, text: str | None) -> None:
        if text:
            UiKit.set_text(self.cue, text)
            self.cue.show()
        else:
            self.cue.hide()

    def set_hold(self, elapsed: float | None, target: float | None) -> None:
        if elapsed is None or not target:
            self.hold_frame.hide()
            UiKit.set_text(self.hold_label, "")
            return
        self.hold_frame.show()
        self.hold_fill.setSx(max(0.001, min(1.0, elapsed / target)))
        left = max(0.0, target - elapsed)
        UiKit.set_text(self.hold_label, f"Hold... {left:.1f} s" if left > 0 else "Well held!")

    def set_range(self, progress: float | None) -> None:
        """0..1 of the way from start to target (the bar turns gold past the target)."""
        if progress is None:
            self.range_frame.hide()
            self.range_label.hide()
            return
        self.range_frame.show()
        self.range_label.show()
        p = max(0.001, min(1.0, progress))
        self.range_fill.setSx(p)
        self.range_fill.setColor(*(self.ui.palette.accent if progress >= 1.0 else self.ui.palette.good))

    def popup(self, text: str, stars: int | None = None, colour=None) -> None:
        """A score pop-up that rises and fades (e.g. "+92  Excellent!" with stars)."""
        label = text if stars is None else f"{text}\n{STAR * stars}{EMPTY_STAR * (3 - stars)}"
        node = self.ui.text(self.root, label, 0.12, (0.95, -0.25),
                            colour=colour or self.ui.palette.accent)
        self._popups.append(_Popup(node))
        self.last_popup = label

    def update(self, dt: float) -> None:
        for p in list(self._popups):
            p.age += dt
            k = p.age / p.life
            p.node.setZ(-0.25 + 0.2 * k)
            p.node.setAlphaScale(max(0.0, 1.0 - max(0.0, k - 0.6) / 0.4))
            if p.age >= p.life:
                p.node.removeNode()
                self._popups.remove(p)

    def set_visible(self, on: bool) -> None:
        for n in [self.root, *self._corners]:
            (n.show if on else n.hide)()

    def destroy(self) -> None:
        for n in [self.root, *self._corners]:
            n.removeNode()


class Screen:
    """A centred panel: a title, lines of plain words, and room for buttons."""

    def __init__(self, base: Any, ui: UiKit, title: str, lines: list[str] | tuple[str, ...] = (),
                 height: float = 1.3, y: float = 0.1, width: float = 2.6) -> None:
        self.ui = ui
        self.root = base.aspect2d.attachNewNode("screen")
        top = y + height / 2
        self.card = ui.panel(self.root, -width / 2, width / 2, y - height / 2, top)
        self.title = ui.text(self.root, title, 0.13, (0.0, top - 0.2), colour=ui.palette.accent,
                             wrap=width - 0.2)
        self.body = ui.text(self.root, "\n".join(lines), 0.085, (0.0, top - 0.38),
                            wrap=width - 0.2)
        self.buttons: list[Any] = []

    def set_lines(self, lines: list[str] | tuple[str, ...]) -> None:
        UiKit.set_text(self.body, "\n".join(lines))

    def set_title(self, text: str) -> None:
        UiKit.set_text(self.title, text)

    def destroy(self) -> None:
        for b in self.buttons:
            b.destroy()
        self.root.removeNode()
