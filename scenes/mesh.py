"""MeshBuilder: procedural, vertex-coloured triangle meshes that become ONE Geom each.

Everything static in a scene goes through a few builders, so a whole place costs a handful
of Geoms. Primitives are low-poly with flat normals (a calm, stylised look that fixed-function
lighting shades well); ``xform`` places them (heading about +z, then pitch, roll, scale).
"""
from __future__ import annotations

import functools

import numpy as np
from panda3d.core import (Geom, GeomNode, GeomTriangles, GeomVertexArrayFormat,
                          GeomVertexData, GeomVertexFormat)

_ARRAY = GeomVertexArrayFormat()
_ARRAY.addColumn("vertex", 3, Geom.NT_float32, Geom.C_point)
_ARRAY.addColumn("normal", 3, Geom.NT_float32, Geom.C_normal)
_ARRAY.addColumn("color", 4, Geom.NT_float32, Geom.C_color)
FORMAT = GeomVertexFormat.registerFormat(GeomVertexFormat(_ARRAY))


def xform(pos=(0.0, 0.0, 0.0), h: float = 0.0, p: float = 0.0, r: float = 0.0,
          s=1.0) -> np.ndarray:
    """4x4 matrix (column vectors): translate * Rz(h) * Rx(p) * Ry(r) * scale."""
    ch, sh = np.cos(np.radians(h)), np.sin(np.radians(h))
    cp, sp = np.cos(np.radians(p)), np.sin(np.radians(p))
    cr, sr = np.cos(np.radians(r)), np.sin(np.radians(r))
    rz = np.array([[ch, -sh, 0], [sh, ch, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    ry = np.array([[cr, 0, sr], [0, 1, 0], [-sr, 0, cr]])
    m = np.eye(4)
    m[:3, :3] = rz @ rx @ ry @ np.diag(np.broadcast_to(np.asarray(s, float), (3,)))
    m[:3, 3] = pos
    return m


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of (..., 3) arrays; much quicker than np.cross for small inputs."""
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                     a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def _faces_flat(verts: np.ndarray, tris: np.ndarray):
    """Unshare vertices so each triangle gets its own flat normal."""
    v = verts[tris].reshape(-1, 3)
    a, b, c = v[0::3], v[1::3], v[2::3]
    n = _cross(b - a, c - a)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    return v, np.repeat(n, 3, axis=0), np.arange(len(v)).reshape(-1, 3)


def smooth_normals(verts: np.ndarray, tris: np.ndarray) -> np.ndarray:
    n = np.zeros_like(verts)
    a, b, c = verts[tris[:, 0]], verts[tris[:, 1]], verts[tris[:, 2]]
    fn = _cross(b - a, c - a)
    for k in range(3):
        np.add.at(n, tris[:, k], fn)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


@functools.lru_cache(maxsize=32)
def _unit_sphere(rings: int, segments: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and triangles of a unit UV sphere (cached; callers must not modify)."""
    el = np.linspace(-np.pi / 2, np.pi / 2, rings + 1)
    az = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    e, a = np.meshgrid(el, az, indexing="ij")
    v = np.stack([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)], -1).reshape(-1, 3)
    idx = np.arange((rings + 1) * segments).reshape(rings + 1, segments)
    nx = np.roll(idx, -1, axis=1)
    t = np.concatenate([np.stack([idx[:-1], nx[:-1], nx[1:]], -1).reshape(-1, 3),
                        np.stack([idx[:-1], nx[1:], idx[1:]], -1).reshape(-1, 3)])
    t = t[(t[:, 0] != t[:, 1]) & (t[:, 1] != t[:, 2])]
    v.setflags(write=False)
    t.setflags(write=False)
    return v, t


class MeshBuilder:
    """Collects triangles with normals and colours; ``node()`` makes one Geom of them."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._count = 0

    @property
    def vertex_count(self) -> int:
        return self._count

    def add(self, verts, normals, colours, tris, mat: np.ndarray | None = None) -> None:
        verts = np.asarray(verts, float).reshape(-1, 3)
        normals = np.asarray(normals, float).reshape(-1, 3)
        colours = np.broadcast_to(np.asarray(colours, float), (len(verts), 4))
        if mat is not None:
            verts = verts @ mat[:3, :3].T + mat[:3, 3]
            a, b, c = mat[:3, 0], mat[:3, 1], mat[:3, 2]
            cof = np.stack([_cross(b, c), _cross(c, a), _cross(a, b)], axis=1)
            normals = normals @ cof.T  # inverse-transpose up to scale (no linalg: BLAS-free)
            normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
        tris = np.asarray(tris, np.int64).reshape(-1, 3) + self._count
        self._parts.append((verts, normals, np.array(colours), tris))
        self._count += len(verts)

    def add_flat(self, verts, tris, colour, mat: np.ndarray | None = None) -> None:
        v, n, t = _faces_flat(np.asarray(verts, float), np.asarray(tris))
        self.add(v, n, colour, t, mat)

    # --- primitives (local shapes, placed by ``mat``) ----------------------------
    def box(self, size, colour, mat: np.ndarray | None = None, base: bool = False) -> None:
        """Box of ``size`` (x, y, z) centred at the origin (or standing on it if ``base``)."""
        sx, sy, sz = (np.asarray(size, float) / 2)
        z0, z1 = (0.0, 2 * sz) if base else (-sz, sz)
        v = np.array([[-sx, -sy, z0], [sx, -sy, z0], [sx, sy, z0], [-sx, sy, z0],
                      [-sx, -sy, z1], [sx, -sy, z1], [sx, sy, z1], [-sx, sy, z1]])
        t = [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
             [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]]
        self.add_flat(v, t, colour, mat)

    def cylinder(self, radius: float, height: float, colour, mat: np.ndarray | None = None,
                 segments: int = 10, top_radius: float | None = None,
                 caps: bool = True, smooth: bool = False) -> None:
        """Cylinder (or frustum / cone) standing on the origin along +z."""
        top = radius if top_radius is None else top_radius
        a = np.linspace(0, 2 * np.pi, segments, endpoint=False)
        ring = np.stack([np.cos(a), np.sin(a), np.zeros_like(a)], -1)
        bottom_v, top_v = ring * radius, ring * top + [0, 0, height]
        idx = np.arange(segments)
        nxt = (idx + 1) % segments
        if smooth:
            slope = (radius - top) / max(height, 1e-9)
            n = ring + [0, 0, slope]
            v = np.concatenate([bottom_v, top_v])
            t = np.concatenate([np.stack([idx, nxt, nxt + segments], -1),
                                np.stack([idx, nxt + segments, idx + segments], -1)])
            self.add(v, np.concatenate([n, n]), colour, t, mat)
        else:
            v = np.concatenate([bottom_v, top_v])
            t = np.concatenate([np.stack([idx, nxt, nxt + segments], -1),
                                np.stack([idx, nxt + segments, idx + segments], -1)])
            self.add_flat(v, t, colour, mat)
        if caps:
            cv = np.concatenate([top_v, [[0, 0, height]]])
            ct = np.stack([idx, nxt, np.full_like(idx, segments)], -1)
            if top > 1e-6:
                self.add_flat(cv, ct, colour, mat)
            if radius > 1e-6:
                bv = np.concatenate([bottom_v, [[0, 0, 0]]])
                self.add_flat(bv, ct[:, [1, 0, 2]], colour, mat)

    def sphere(self, radius: float, colour, mat: np.ndarray | None = None, rings: int = 6,
               segments: int = 8, smooth: bool = True, jitter: float = 0.0,
               rng: np.random.Generator | None = None) -> None:
        """UV sphere centred at the origin; ``jitter`` roughens it (rocks, foliage)."""
        v, t = _unit_sphere(rings, segments)
        if jitter and rng is not None:
            v = v * (1.0 + rng.uniform(-jitter, jitter, (len(v), 1)))
        v = v * radius
        if smooth:
            self.add(v, smooth_normals(v, t), colour, t, mat)
        else:
            self.add_flat(v, t, colour, mat)

    def quad(self, size, colour, mat: np.ndarray | None = None) -> None:
        """Flat rectangle in the xy plane facing +z, centred at the origin."""
        sx, sy = size[0] / 2, size[1] / 2
        self.add([[-sx, -sy, 0], [sx, -sy, 0], [sx, sy, 0], [-sx, sy, 0]],
                 [[0, 0, 1]] * 4, colour, [[0, 1, 2], [0, 2, 3]], mat)

    def grid(self, xs: np.ndarray, ys: np.ndarray, heights: np.ndarray,
             colours: np.ndarray, mat: np.ndarray | None = None) -> None:
        """Height field: ``heights`` and ``colours`` shaped (len(ys), len(xs)[, 4])."""
        gx, gy = np.meshgrid(xs, ys)
        v = np.stack([gx, gy, heights], -1).reshape(-1, 3)
        nyy, nxx = gx.shape
        idx = np.arange(nyy * nxx).reshape(nyy, nxx)
        q = np.stack([idx[:-1, :-1], idx[:-1, 1:], idx[1:, 1:], idx[1:, :-1]], -1)
        q = q.reshape(-1, 4)
        t = np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]])
        self.add(v, smooth_normals(v, t), colours.reshape(-1, 4), t, mat)

    # --- output ----------------------------------------------------------------
    def node(self, name: str = "mesh") -> GeomNode:
        node = GeomNode(name)
        if not self._parts:
            return node
        verts = np.concatenate([p[0] for p in self._parts])
        normals = np.concatenate([p[1] for p in self._parts])
        colours = np.concatenate([p[2] for p in self._parts])
        tris = np.concatenate([p[3] for p in self._parts])
        data = np.concatenate([verts, normals, colours], axis=1).astype(np.float32)
        vdata = GeomVertexData(name, FORMAT, Geom.UH_static)
        vdata.uncleanSetNumRows(len(data))
        memoryview(vdata.modifyArray(0)).cast("B").cast("f")[:] = data.reshape(-1)
        prim = GeomTriangles(Geom.UH_static)
        prim.setIndexType(Geom.NT_uint32)
        handle = prim.modifyVertices()
        handle.uncleanSetNumRows(tris.size)
        memoryview(handle).cast("B").cast("I")[:] = tris.astype(np.uint32).reshape(-1)
        geom = Geom(vdata)
        geom.addPrimitive(prim)
        node.addGeom(geom)
        return node
