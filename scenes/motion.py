"""Small animation helpers driven by ``Scene.update(dt)`` (no Panda3D intervals or tasks,
so a scene animates exactly as far as the game's clock says)."""
from __future__ import annotations

from dataclasses import dataclass

from panda3d.core import NodePath, Point3


def ease(t: float) -> float:
    """Smooth 0..1 ease-in-out."""
    t = max(0.0, min(1.0, t))
    return t * t * (3 - 2 * t)


@dataclass
class Flight:
    """Moves ``node`` from ``start`` to ``end`` along an arc of ``arc`` metres in ``duration``."""

    node: NodePath
    start: Point3
    end: Point3
    duration: float = 0.9
    arc: float = 0.3
    t: float = 0.0

    @property
    def done(self) -> bool:
        return self.t >= self.duration

    def step(self, dt: float) -> bool:
        """Advance; True once it has landed."""
        self.t = min(self.duration, self.t + dt)
        k = ease(self.t / self.duration)
        pos = self.start + (self.end - self.start) * k
        pos.z += self.arc * 4 * k * (1 - k)
        self.node.setPos(pos)
        return self.done


class Flights:
    """A set of running flights; ``finish()`` lands them all at once."""

    def __init__(self) -> None:
        self.active: list[Flight] = []

    def add(self, flight: Flight) -> None:
        self.active.append(flight)

    def step(self, dt: float) -> None:
        self.active = [f for f in self.active if not f.step(dt)]

    def finish(self) -> None:
        for f in self.active:
            f.step(f.duration)
        self.active = []
