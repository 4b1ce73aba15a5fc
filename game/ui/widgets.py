"""Text, panels, big buttons and the camera inset, all sized in screen-height units so the
interface scales with the resolution (aspect2d spans 2 units of height at any size)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
from panda3d.core import (CardMaker, NodePath, TextNode, Texture, TransparencyAttrib)

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
              "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
              "/Library/Fonts/Arial Bold.ttf", "C:/Windows/Fonts/arialbd.ttf")


def load_font(loader: Any) -> Any:
    """A bold sans font (DejaVu Sans Bold when installed) or Panda3D's default."""
    from panda3d.core import DynamicTextFont, Filename
    for p in FONT_PATHS:
        if Path(p).is_file():
            font = DynamicTextFont(Filename.fromOsSpecific(p))  # not the shared pool copy
            if font.isValid():
                font.setPixelsPerUnit(96)
                return font
    return None


class UiKit:
    """Makes text and panels with one font, palette and type scale."""

    def __init__(self, base: Any, palette: Any, text_scale: float = 1.0) -> None:
        self.base = base
        self.palette = palette
        self.k = text_scale
        self.font = load_font(base.loader)

    def text(self, parent: NodePath, text: str, size: float, pos=(0.0, 0.0),
             align: str = "center", colour=None, card: tuple | None = None,
             wrap: float | None = None, name: str = "text") -> NodePath:
        """A text node; ``size`` is the line height in screen-height units (2 = full height)."""
        tn = TextNode(name)
        if self.font is not None:
            tn.setFont(self.font)
        tn.setText(text)
        tn.setAlign({"left": TextNode.ALeft, "right": TextNode.ARight}.get(align, TextNode.ACenter))
        tn.setTextColor(*(colour or self.palette.text))
        tn.setShadow(0.04, 0.04)
        tn.setShadowColor(*self.palette.text_shadow)
        if wrap:
            tn.setWordwrap(wrap / (size * self.k))
        if card is not None:
            tn.setCardColor(*card)
            tn.setCardAsMargin(0.5, 0.5, 0.3, 0.25)
            tn.setCardDecal(True)
        np_ = parent.attachNewNode(tn)
        np_.setScale(size * self.k)
        np_.setPos(pos[0], 0, pos[1])
        np_.setTransparency(TransparencyAttrib.MAlpha)
        return np_

    @staticmethod
    def set_text(node: NodePath, text: str, colour=None) -> None:
        tn = node.node()
        if tn.getText() != text:
            tn.setText(text)
        if colour is not None:
            tn.setTextColor(*colour)

    def panel(self, parent: NodePath, left: float, right: float, bottom: float, top: float,
              colour=None, name: str = "panel") -> NodePath:
        cm = CardMaker(name)
        cm.setFrame(left, right, bottom, top)
        card = parent.attachNewNode(cm.generate())
        card.setColor(*(colour or self.palette.panel))
        card.setTransparency(TransparencyAttrib.MAlpha)
        return card

    def bar(self, parent: NodePath, width: float, height: float, pos=(0.0, 0.0),
            colour=None) -> tuple[NodePath, NodePath]:
        """A progress bar: (frame, fill); scale the fill's x (0..1) to show progress."""
        frame = self.panel(parent, -width / 2, width / 2, -height / 2, height / 2,
                           (0, 0, 0, 0.6), "bar")
        frame.setPos(pos[0], 0, pos[1])
        cm = CardMaker("fill")
        pad = height * 0.12
        cm.setFrame(0, width - 2 * pad, -height / 2 + pad, height / 2 - pad)
        fill = frame.attachNewNode(cm.generate())
        fill.setPos(-width / 2 + pad, 0, 0)
        fill.setColor(*(colour or self.palette.good))
        fill.setSx(0.001)
        return frame, fill

    def button(self, parent: NodePath, label: str, pos, size: float, command: Callable,
               colour=None, width: float | None = None) -> Any:
        """A big clickable button (DirectButton)."""
        from direct.gui.DirectGui import DirectButton
        s = size * self.k
        w = width if width is not None else max(1.6, 0.62 * len(label) + 0.8)
        btn = DirectButton(parent=parent, text=label, text_font=self.font, scale=s,
                           pos=(pos[0], 0, pos[1]), command=command, relief=1,
                           frameColor=colour or (0.18, 0.22, 0.3, 0.95),
                           frameSize=(-w / 2, w / 2, -0.55, 1.05),
                           text_fg=self.palette.text, text_shadow=self.palette.text_shadow,
                           pressEffect=1)
        return btn


class CameraInset:
    """The camera picture, small, on a card; ``show(image)`` uploads an RGB uint8 array."""

    def __init__(self, parent: NodePath, width: float, pos=(0.0, 0.0), aspect: float = 16 / 9) -> None:
        self.tex = Texture("camera")
        self.tex.setMinfilter(Texture.FTLinear)
        self.tex.setMagfilter(Texture.FTLinear)
        h = width / aspect
        cm = CardMaker("inset")
        cm.setFrame(-width / 2, width / 2, -h / 2, h / 2)
        self.card = parent.attachNewNode(cm.generate())
        self.card.setPos(pos[0], 0, pos[1])
        self.card.setTexture(self.tex)
        cm2 = CardMaker("inset-frame")
        b = 0.012
        cm2.setFrame(-width / 2 - b, width / 2 + b, -h / 2 - b, h / 2 + b)
        self.border = parent.attachNewNode(cm2.generate())
        self.border.setPos(pos[0], 0.01, pos[1])
        self.border.setColor(1, 1, 1, 1)
        self.card.reparentTo(self.border)
        self.card.setPos(0, -0.01, 0)
        self._shape: tuple[int, int] | None = None
        self.frames_shown = 0

    def show(self, image: np.ndarray | None) -> None:
        if image is None:
            return
        img = np.ascontiguousarray(image[::-1, :, ::-1])  # Panda: rows bottom-up, BGR order
        h, w = img.shape[:2]
        if self._shape != (w, h):
            self.tex.setup2dTexture(w, h, Texture.TUnsignedByte, Texture.FRgb)
            self._shape = (w, h)
        self.tex.setRamImage(img.tobytes())
        self.frames_shown += 1

    def set_visible(self, on: bool) -> None:
        (self.border.show if on else self.border.hide)()

    def destroy(self) -> None:
        self.border.removeNode()
