"""Sky: a vertex-coloured gradient dome (ground -> horizon -> zenith) plus horizon fog."""
from __future__ import annotations

import numpy as np
from panda3d.core import Fog, NodePath, TransparencyAttrib

from scenes.mesh import MeshBuilder
from scenes.settings import SkySettings

DOME_RADIUS = 450.0


def _mix(a, b, t: float) -> np.ndarray:
    return np.asarray(a) * (1.0 - t) + np.asarray(b) * t


def add_sky(root: NodePath, sky: SkySettings, radius: float = DOME_RADIUS) -> NodePath:
    """Add the dome (unlit, unfogged, drawn first) and exponential fog in the horizon colour."""
    rows, cols = 20, 24
    el = np.radians(np.linspace(-30.0, 90.0, rows + 1))  # elevation of each ring
    az = np.linspace(0.0, 2 * np.pi, cols + 1)
    e, a = np.meshgrid(el, az, indexing="ij")
    verts = np.stack([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)], -1) * radius
    colours = np.empty(e.shape + (4,))
    for i, elev in enumerate(np.degrees(el)):
        if elev < 0:
            c = _mix(sky.horizon, sky.ground, min(1.0, -elev / 6.0))
        else:
            if sky.glow is not None and elev < 18.0:  # horizon -> glow band -> top
                c = _mix(sky.horizon, sky.glow, (elev / 18.0) ** 0.7)
            elif sky.glow is not None:
                c = _mix(sky.glow, sky.top, ((elev - 18.0) / 72.0) ** 0.5)
            else:
                c = _mix(sky.horizon, sky.top, (elev / 90.0) ** 0.45)
            grey = c[:3].mean()  # keep the blend saturated: no grey band between the hues
            c[:3] = np.clip(grey + (c[:3] - grey) * 1.35, 0, 1)
        colours[i, :] = c
    idx = np.arange((rows + 1) * (cols + 1)).reshape(rows + 1, cols + 1)
    q = np.stack([idx[:-1, :-1], idx[:-1, 1:], idx[1:, 1:], idx[1:, :-1]], -1).reshape(-1, 4)
    tris = np.concatenate([q[:, [0, 2, 1]], q[:, [0, 3, 2]]])  # faces point inward
    mb = MeshBuilder()
    mb.add(verts.reshape(-1, 3), -verts.reshape(-1, 3) / radius, colours.reshape(-1, 4), tris)
    dome = root.attachNewNode(mb.node("sky"))
    dome.setLightOff(1)
    dome.setFogOff(1)
    dome.setBin("background", 0)
    dome.setDepthWrite(False)
    dome.setTransparency(TransparencyAttrib.MNone)
    if sky.fog_density > 0:
        fog = Fog("horizon-fog")
        fog.setColor(sky.horizon)
        fog.setExpDensity(sky.fog_density)
        root.setFog(fog)
    return dome
