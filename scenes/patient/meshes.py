"""Mesh primitives built from code: ellipsoids, tapered tubes and dynamic lofts.

Every primitive has smooth (analytic) normals. Vertices are given in the team's body frame
(x = the patient's left, y up, z forward); the figure's root node turns that into Panda3D's
z-up frame once, so every mesh here can think in body coordinates.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from panda3d.core import (Geom, GeomNode, GeomTriangles, GeomVertexData, GeomVertexFormat)


def make_node(name: str, verts: np.ndarray, normals: np.ndarray, tris: np.ndarray,
              colors: np.ndarray | None = None, dynamic: bool = False) -> GeomNode:
    """A GeomNode of triangles; ``colors`` (N, 4) floats 0..1 become vertex colours."""
    fmt = GeomVertexFormat.get_v3n3c4() if colors is not None else GeomVertexFormat.get_v3n3()
    vdata = GeomVertexData(name, fmt, Geom.UH_dynamic if dynamic else Geom.UH_static)
    vdata.unclean_set_num_rows(len(verts))
    write_vertices(vdata, verts, normals, colors)
    prim = GeomTriangles(Geom.UH_static)
    prim.set_index_type(Geom.NT_uint32)
    handle = prim.modify_vertices()
    handle.unclean_set_num_rows(tris.size)
    memoryview(handle).cast("B").cast("I")[:] = np.ascontiguousarray(tris, np.uint32).reshape(-1)
    geom = Geom(vdata)
    geom.add_primitive(prim)
    node = GeomNode(name)
    node.add_geom(geom)
    return node


def write_vertices(vdata: GeomVertexData, verts: np.ndarray, normals: np.ndarray,
                   colors: np.ndarray | None = None) -> None:
    """Overwrite the vertex array in place (positions, normals and colours interleaved)."""
    n = len(verts)
    cols = 6 if colors is None else 10
    data = np.empty((n, cols), np.float32)
    data[:, 0:3] = verts
    data[:, 3:6] = normals
    if colors is not None:
        data[:, 6:10] = colors
    if vdata.get_format().get_array(0).get_stride() != cols * 4:
        # v3n3c4 stores colour as 4 bytes: pack it.
        packed = np.empty(n, dtype=[("p", "<f4", 6), ("c", "u1", 4)])
        packed["p"] = data[:, :6]
        packed["c"] = np.clip(np.asarray(colors) * 255.0 + 0.5, 0, 255).astype(np.uint8)
        raw = packed.tobytes()
    else:
        raw = data.tobytes()
    array = vdata.modify_array(0)
    if array.get_num_rows() != n:
        array.unclean_set_num_rows(n)
    memoryview(array).cast("B")[:] = raw


def _grid_tris(rows: int, cols: int, flip: bool = False) -> np.ndarray:
    """Triangles of a (rows x cols) vertex grid, columns wrapping around.

    Counter-clockwise seen from outside when rows run down (-y) and columns towards +x at
    the front; ``flip`` when rows run up.
    """
    tris = []
    for r in range(rows - 1):
        for c in range(cols):
            c1 = (c + 1) % cols
            a, b = r * cols + c, r * cols + c1
            d, e = (r + 1) * cols + c, (r + 1) * cols + c1
            if flip:
                tris.extend(((a, e, d), (a, b, e)))
            else:
                tris.extend(((a, d, e), (a, e, b)))
    return np.array(tris, np.uint32).reshape(-1, 3)


def ellipsoid(radii: tuple[float, float, float], center=(0.0, 0.0, 0.0), segs: int = 24,
              rings: int = 14, keep: Callable[[np.ndarray], bool] | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals, triangles of an ellipsoid; ``keep(unit_dir)`` may drop triangles."""
    rx, ry, rz = radii
    th = np.linspace(0.0, np.pi, rings + 1)  # from the top (+y) down
    ph = np.linspace(0.0, 2 * np.pi, segs, endpoint=False)
    T, P = np.meshgrid(th, ph, indexing="ij")
    unit = np.stack([np.sin(T) * np.sin(P), np.cos(T), np.sin(T) * np.cos(P)], -1).reshape(-1, 3)
    verts = unit * np.array(radii) + np.array(center)
    normals = unit / np.array([rx * rx, ry * ry, rz * rz])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    tris = _grid_tris(rings + 1, segs)
    if keep is not None:
        mask = np.array([keep(unit[t].mean(0)) for t in tris])
        tris = tris[mask]
    # Degenerate triangles at the poles are harmless.
    return verts.astype(np.float32), normals.astype(np.float32), tris


def tube(r0: float, r1: float, segs: int = 20, rings: int = 6, flat: float = 1.0
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tapered open tube along +y from y=0 (radius r0) to y=1 (radius r1).

    ``flat`` scales the z (front-back) radius: < 1 for flattened segments. The node is
    scaled along y by the segment's length, so the cross-section keeps its size.
    """
    ys = np.linspace(0.0, 1.0, rings + 1)
    ph = np.linspace(0.0, 2 * np.pi, segs, endpoint=False)
    Y, P = np.meshgrid(ys, ph, indexing="ij")
    R = r0 + (r1 - r0) * Y
    verts = np.stack([R * np.sin(P), Y, R * flat * np.cos(P)], -1).reshape(-1, 3)
    # Normal of a cone of slope (r1 - r0) per unit length (length ~0.3 m: use real metres).
    slope = (r0 - r1) / 0.3
    n = np.stack([np.sin(P), np.full_like(P, slope), np.cos(P) / max(flat, 1e-3)], -1).reshape(-1, 3)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return verts.astype(np.float32), n.astype(np.float32), _grid_tris(rings + 1, segs, flip=True)


def profile_tube(ys: np.ndarray, half_w: np.ndarray, half_d: np.ndarray, forward: np.ndarray,
                 segs: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An open tube along +y (0..1, scaled by the segment's length) with elliptic rings at
    ``ys``: half-width along x, half-depth along z, centre shifted ``forward`` along z (m)."""
    n = len(ys)
    centers = np.stack([np.zeros(n), np.asarray(ys, np.float64), np.asarray(forward, np.float64)], 1)
    lateral = np.tile([1.0, 0.0, 0.0], (n, 1))
    front = np.tile([0.0, 0.0, 1.0], (n, 1))
    verts, normals = loft(centers, lateral, front, np.asarray(half_w, np.float64),
                          np.asarray(half_d, np.float64), segs, squareness=0.0)
    return verts, normals, loft_tris(n, segs)


def loft(centers: np.ndarray, lateral: np.ndarray, forward: np.ndarray, half_w: np.ndarray,
         half_d: np.ndarray, segs: int, squareness: float = 0.3
         ) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and normals of a loft of super-elliptic rings (rings x segs, row-major).

    ``centers``, ``lateral``, ``forward``: (R, 3) ring centres and unit axes; ``half_w``,
    ``half_d``: (R,) half-width along lateral and half-depth along forward. ``squareness``
    0 gives ellipses, towards 1 rounded boxes (a torso is between the two).
    """
    ph = np.linspace(0.0, 2 * np.pi, segs, endpoint=False)
    s, c = np.sin(ph), np.cos(ph)
    e = 1.0 - 0.6 * squareness
    ss = np.sign(s) * np.abs(s) ** e
    cc = np.sign(c) * np.abs(c) ** e
    verts = (centers[:, None, :] + lateral[:, None, :] * (half_w[:, None] * ss)[..., None]
             + forward[:, None, :] * (half_d[:, None] * cc)[..., None])
    # Normals from the grid's tangents (central differences around and along).
    around = np.roll(verts, -1, axis=1) - np.roll(verts, 1, axis=1)
    along = np.empty_like(verts)
    along[1:-1] = verts[2:] - verts[:-2]
    along[0] = verts[1] - verts[0]
    along[-1] = verts[-1] - verts[-2]
    n = np.cross(around, along)
    n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-9)
    return verts.reshape(-1, 3).astype(np.float32), n.reshape(-1, 3).astype(np.float32)


def loft_tris(rings: int, segs: int) -> np.ndarray:
    """Triangles of ``loft`` output (outward facing when lateral x forward points up)."""
    return _grid_tris(rings, segs, flip=True)


def box(half: tuple[float, float, float], center=(0.0, 0.0, 0.0)
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices, normals, triangles of an axis-aligned box with flat faces."""
    c = np.array(center, np.float64)
    h = np.array(half, np.float64)
    verts, normals, tris = [], [], []
    for axis in range(3):
        for sign in (1.0, -1.0):
            n = np.zeros(3)
            n[axis] = sign
            u = np.zeros(3)
            u[(axis + 1) % 3] = 1.0
            v = np.cross(n, u)
            base = len(verts)
            for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                verts.append(c + h * (n + a * u + b * v))
                normals.append(n)
            tris.extend(((base, base + 1, base + 2), (base, base + 2, base + 3)))
    return (np.array(verts, np.float32), np.array(normals, np.float32),
            np.array(tris, np.uint32))
