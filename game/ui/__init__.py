"""Small UI building blocks for the HUD and the state screens (large type, high contrast)."""
from game.ui.widgets import UiKit

__all__ = ["UiKit"]
