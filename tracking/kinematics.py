"""Joint angles and segment geometry from landmarks, vectorised over whole series.

``angles(series, names, view)`` returns one ``Reading`` per named measure of
``tracking.angles.ANGLES``. Each measure can be computed three ways:

- ``image``: the 2D image plane, aspect-corrected (x * width, -y * height; y up). A front
  camera sees the frontal plane, a side camera the sagittal plane, so a planar angle is
  read here when the view shows its plane; its confidence is scaled by how squarely the
  body faces (front) or turns side-on to (side) the camera.
- ``world``: MediaPipe's metric world landmarks turned into a y-up frame (x, -y, -z),
  projected onto the body's own planes (frontal, sagittal) built from the hips and shoulders.
- ``image3d``: the same 3D formulas on the image landmarks with their relative depth
  (x * width, -y * height, -z * width), used where a frame has no world landmarks.

``source="auto"`` (default) picks per measure from the view (see ``_choose``), falling back
frame by frame from ``world`` to ``image3d``. ``view="auto"`` decides the view from how the
body faces the camera, with hysteresis (``decide_views``: front or side within 25 degrees,
kept until 35 degrees off, oblique otherwise), then reads each frame as if that view had been
told (an oblique frame reads planar measures in 3D). The definitions are documented in
docs/exercises.md; the virtual patient measures its ground truth with this module. How the
body faces the camera (views, near side, what a view shows) is in ``tracking.views``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Iterable

import numpy as np

from tracking.angles import ANGLES, AngleDef
from tracking.landmarks import Landmark as L
from tracking.series import PoseFrame, PoseSeries
from tracking.views import TRUNK, auto_views, plane_visibility

VIEWS = ("auto", "front", "side", "any")
SOURCES = ("auto", "image", "world", "image3d")
#: How far each source's geometry is trusted (multiplies landmark visibility).
TRUST = {"image": 1.0, "world": 0.85, "image3d": 0.6}


@dataclass(frozen=True)
class Reading:
    """One measure over time: value (degrees, or percent for heights) and confidence 0..1."""

    value_deg: np.ndarray  #: (T,) float64, NaN where not measurable
    confidence: np.ndarray  #: (T,) float64 in 0..1
    unit: str = "deg"
    source: str = "image"  #: the source(s) used: "image", "world", "image3d", "world+image3d"

    def __len__(self) -> int:
        return int(self.value_deg.shape[0])


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-12, n, np.nan)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def _project(v: np.ndarray, normal: np.ndarray | None) -> np.ndarray:
    if normal is None:
        return v
    n = _unit(normal)
    return v - _dot(v, n)[..., None] * n


def _signed(u: np.ndarray, ref: np.ndarray, pos: np.ndarray,
            normal: np.ndarray | None = None) -> np.ndarray:
    """Angle of ``u`` from ``ref`` in the plane normal to ``normal`` (None: 2D), ``pos`` side +."""
    u, ref, pos = _project(u, normal), _project(ref, normal), _project(pos, normal)
    d = _unit(ref)
    p = _unit(pos - _dot(pos, d)[..., None] * d)
    return np.degrees(np.arctan2(_dot(u, p), _dot(u, d)))


def _between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    c = np.clip(_dot(_unit(a), _unit(b)), -1.0, 1.0)
    return np.degrees(np.arccos(c))


def _scaled(a: np.ndarray, factors: tuple[float, ...]) -> np.ndarray:
    """float64 ``a[..., :n] * factors`` (n factors), one coordinate at a time: the same
    numbers as broadcasting, without numpy's slow inner loop over a 2- or 3-long last axis."""
    out = np.empty(a.shape[:-1] + (len(factors),))
    for i, k in enumerate(factors):
        np.multiply(a[..., i], k, out=out[..., i], dtype=np.float64)
    return out


def _wrap(v: np.ndarray) -> np.ndarray:
    """Trunk-relative angles live in (-90, 270]: an arm overhead reads 180, not -180."""
    return np.where(v <= -90.0, v + 360.0, v)


class _Geo:
    """Landmarks of a series in one coordinate system (y up), plus the body's axes."""

    def __init__(self, pts: np.ndarray, vis: np.ndarray, trust: float, forward2d: np.ndarray | None):
        self.P = pts
        self.vis = vis * trust
        self.is2d = pts.shape[-1] == 2
        P = pts
        self.mid_sh = 0.5 * (P[:, L.LEFT_SHOULDER] + P[:, L.RIGHT_SHOULDER])
        self.mid_hip = 0.5 * (P[:, L.LEFT_HIP] + P[:, L.RIGHT_HIP])
        self.trunk_up = self.mid_sh - self.mid_hip
        self.lat = (P[:, L.LEFT_SHOULDER] - P[:, L.RIGHT_SHOULDER]) + (P[:, L.LEFT_HIP] - P[:, L.RIGHT_HIP])
        self.torso = np.linalg.norm(self.trunk_up, axis=-1)
        #: the image's centre row (y up), set for the image geometry only (``image_height``)
        self.centre_y: float | None = None
        if self.is2d:
            self.G = np.array([0.0, 1.0])
            self.fwd_body = self.fwd_h = forward2d
            self.lat_h = self.lat
            self.n_front = self.n_side = self.n_front_h = self.n_side_h = None
        else:
            self.G = np.array([0.0, 1.0, 0.0])
            self.fwd_body = np.cross(self.lat, self.trunk_up)
            self.lat_h = self.lat - _dot(self.lat, self.G)[..., None] * self.G
            self.fwd_h = np.cross(self.lat_h, self.G)
            self.n_front, self.n_side = self.fwd_body, self.lat
            self.n_front_h, self.n_side_h = self.fwd_h, self.lat_h

    def conf(self, idx: Iterable[int]) -> np.ndarray:
        return np.nan_to_num(np.min(self.vis[:, list(idx)], axis=1), nan=0.0)

    # shared intermediates, computed once per geometry (several measures use them)
    @cached_property
    def frontal_leans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_frontal_leans`` of this geometry."""
        return _frontal_leans(self)

    @cached_property
    def midline_up(self) -> np.ndarray:
        """``_midline_up`` of this geometry."""
        return _midline_up(self)

    @cached_property
    def fwd_unit(self) -> np.ndarray:
        """The body's forward axis, unit length."""
        return _unit(self.fwd_body)

    @cached_property
    def lat_h_unit(self) -> np.ndarray:
        """The horizontal lateral axis, unit length."""
        return _unit(self.lat_h)




def _frontal_leans(g: _Geo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frontal-plane leans (towards the patient's left +) of the trunk line (mid-hip to
    mid-shoulder) and of the head line (mid-hip to mid-ear), and the head line itself."""
    up = np.broadcast_to(g.G, g.trunk_up.shape)
    head = 0.5 * (g.P[:, L.LEFT_EAR] + g.P[:, L.RIGHT_EAR]) - g.mid_hip
    return (_signed(g.trunk_up, up, g.lat_h, g.n_front_h),
            _signed(head, up, g.lat_h, g.n_front_h), head)


def _lean_frontal(g: _Geo, sgn: float) -> np.ndarray:
    """Trunk side lean: the trunk line (mid-hip to mid-shoulder) against vertical, frontal plane.

    Where the head is seen (both ears), the mid-hip-to-head line must agree: the reading is
    the smaller of the two leans when they lean the same way, else 0. A true lean tilts both
    (the head rides on the trunk); a shoulder that rises and moves in with its arm, as
    shoulders do (and MediaPipe's shoulder point more so), tilts only the trunk line, and a
    head tilt only the head line. Without ears (Kinect data) the trunk line alone."""
    v, vh, _ = g.frontal_leans
    agree = np.where(np.sign(v) == np.sign(vh), np.sign(v) * np.minimum(np.abs(v), np.abs(vh)), 0.0)
    return sgn * np.where(np.isfinite(vh) & np.isfinite(v), agree, v)


def _midline_up(g: _Geo) -> np.ndarray:
    """The trunk's midline for frontal-plane limb angles, as a goniometer's fixed arm lies
    along the sternum: of the trunk line and the head line, the one that leans less sideways
    (the trunk line where no ears are seen). A shoulder rising with its raised arm moves the
    mid-shoulder point, not the midline."""
    v, vh, head = g.frontal_leans
    use_head = np.isfinite(vh) & (np.abs(vh) < np.abs(np.nan_to_num(v, nan=np.inf)))
    return np.where(use_head[:, None], head, g.trunk_up)


def _compute(d: AngleDef, g: _Geo) -> tuple[np.ndarray, np.ndarray]:
    """Value and landmark confidence of one definition in one geometry."""
    P, pts, k = g.P, d.points, d.kind
    sgn = -1.0 if d.side == "r" else 1.0
    out_dir = g.lat * sgn if d.side else g.lat
    uses_trunk = True
    if k == "joint":
        a, b, c = (P[:, i] for i in pts)
        v = 180.0 - _between(a - b, c - b)
        uses_trunk = False
    elif k in ("trunk_frontal", "trunk_sagittal", "trunk_sagittal_neg", "trunk_3d"):
        u = P[:, pts[1]] - P[:, pts[0]]
        down = -g.trunk_up
        if k == "trunk_frontal":
            v = _wrap(_signed(u, -g.midline_up, out_dir, g.n_front))
        elif k == "trunk_3d":  # in the image (a front view) against the midline, as abduction
            v = _between(u, -g.midline_up if g.is2d else down)
        else:
            v = _wrap(_signed(u, down, g.fwd_body, g.n_side))
            if k == "trunk_sagittal_neg":
                v = -v
    elif k == "rotation":
        sh, el, wr = (P[:, i] for i in pts)
        a = _unit(el - sh)
        fp = _project(wr - el, a)
        r = _project(g.fwd_body, a)
        side_sign = -1.0 if d.side == "l" else 1.0
        v = np.degrees(np.arctan2(side_sign * _dot(np.cross(_unit(r), fp), a), _dot(_unit(r), fp)))
        # a straight elbow has no rotation to see: trust grows with the forearm's bend
        bend = np.linalg.norm(fp, axis=-1) / np.linalg.norm(wr - el, axis=-1)
        return np.asarray(v, np.float64), g.conf(sorted(set(pts) | set(TRUNK))) * np.clip(
            (np.nan_to_num(bend) - 0.3) / 0.4, 0.0, 1.0)
    elif k == "valgus":
        hip, knee, ank = (P[:, i] for i in pts)
        n = g.n_front
        t, s = _project(hip - knee, n), _project(ank - knee, n)
        mag = 180.0 - _between(t, s)
        line = _project(ank - hip, n)
        w = _project(knee - hip, n)
        perp = w - _dot(w, _unit(line))[..., None] * _unit(line)
        v = -np.sign(_dot(perp, _project(out_dir, n))) * mag
        if n is not None:  # a thigh or shank pointing at the camera has no frontal angle
            keep = np.minimum(np.linalg.norm(t, axis=-1) / np.linalg.norm(hip - knee, axis=-1),
                              np.linalg.norm(s, axis=-1) / np.linalg.norm(ank - knee, axis=-1))
            v = np.where(keep > 0.5, v, np.nan)
    elif k == "shank_tilt":
        ank, knee = P[:, pts[0]], P[:, pts[1]]
        v = _signed(knee - ank, np.broadcast_to(g.G, ank.shape), g.fwd_h, g.n_side_h)
    elif k == "trunk_lean_sagittal":
        v = _signed(g.trunk_up, np.broadcast_to(g.G, g.trunk_up.shape), g.fwd_h, g.n_side_h)
    elif k == "trunk_lean_frontal":
        v = _lean_frontal(g, sgn)
    elif k == "foot_pitch":
        vec = P[:, pts[0]] - P[:, pts[1]]
        up = _dot(vec, g.G)
        horiz = np.linalg.norm(vec - up[..., None] * g.G, axis=-1)
        v = np.degrees(np.arctan2(up, horiz))
        uses_trunk = False
    elif k in ("tilt", "hike"):
        def tilt(first: np.ndarray, second: np.ndarray) -> np.ndarray:
            vec = _project(second - first, g.n_front_h)
            up = _dot(vec, g.G)
            return np.degrees(np.arctan2(up, np.linalg.norm(vec - up[..., None] * g.G, axis=-1)))
        if k == "tilt":
            v = tilt(P[:, pts[0]], P[:, pts[1]])
        else:
            v = tilt(P[:, pts[1]], P[:, pts[0]]) - tilt(P[:, pts[3]], P[:, pts[2]])
    elif k in ("elevation", "forward_component", "from_down"):
        u = _unit(P[:, pts[1]] - P[:, pts[0]])
        if k == "elevation":
            v = np.degrees(np.arcsin(np.clip(_dot(u, g.G), -1.0, 1.0)))
        elif k == "forward_component":
            v = np.degrees(np.arcsin(np.clip(_dot(u, g.fwd_unit), -1.0, 1.0)))
        else:
            v = _between(u, np.broadcast_to(-g.G, u.shape))
        uses_trunk = k == "forward_component"
    elif k == "yaw_line":
        line = P[:, pts[0]] - P[:, pts[1]]
        v = np.degrees(np.arctan2(np.abs(line[:, -1]), np.abs(line[:, 0]))) if not g.is2d \
            else np.full(len(line), np.nan)
        uses_trunk = False
    elif k == "height_diff":
        v = 100.0 * _dot(P[:, pts[0]] - P[:, pts[1]], g.G) / g.torso
    elif k == "image_height":  # H8a: points' mean height above the image's centre row
        v = np.full(P.shape[0], np.nan) if g.centre_y is None else \
            100.0 * (np.mean(P[:, list(pts), 1], axis=1) - g.centre_y) / g.torso
    elif k == "hip_height":
        ank = 0.5 * (P[:, pts[0]] + P[:, pts[1]])
        v = 100.0 * _dot(g.mid_hip - ank, g.G) / g.torso
    elif k == "hip_height_sw":
        ank = 0.5 * (P[:, pts[0]] + P[:, pts[1]])
        shw = np.linalg.norm(P[:, L.LEFT_SHOULDER] - P[:, L.RIGHT_SHOULDER], axis=-1)
        v = 100.0 * _dot(g.mid_hip - ank, g.G) / shw
    elif k == "stance_width":
        lat = g.lat_h_unit
        hipw = np.abs(_dot(P[:, L.LEFT_HIP] - P[:, L.RIGHT_HIP], lat))
        v = 100.0 * np.abs(_dot(P[:, pts[0]] - P[:, pts[1]], lat)) / hipw
    elif k == "separation_ratio":  # H4d: knee-to-ankle separation ratio (docs/exercises.md)
        lat = g.lat_h_unit
        below = _dot(P[:, pts[2]] - P[:, pts[3]], lat)
        v = np.where(below > 0, 100.0 * _dot(P[:, pts[0]] - P[:, pts[1]], lat) / below, np.nan)
    elif k == "shank_tilt_frontal":  # H1c: the shank's side tilt, knee outward positive
        ank, knee = P[:, pts[0]], P[:, pts[1]]
        side_lat = g.lat_h * sgn
        v = _signed(knee - ank, np.broadcast_to(g.G, ank.shape), side_lat, g.n_front_h)
    elif k == "twist":  # H1c: shoulder line against hip line about the vertical (3D only)
        if g.is2d:
            v = np.full(P.shape[0], np.nan)
        else:
            sh = _project(P[:, pts[0]] - P[:, pts[1]], g.G)  # both lines seen from above
            hp = _project(P[:, pts[2]] - P[:, pts[3]], g.G)
            v = np.degrees(np.arctan2(_dot(np.cross(hp, sh), g.G), _dot(hp, sh)))
    elif k == "stance_width_leg":  # H1c: ankles' side-to-side distance in leg lengths
        la, ra, lh, lk, rh, rk = pts
        leg = 0.5 * sum(np.linalg.norm(P[:, a] - P[:, b], axis=-1)
                        for a, b in ((lh, lk), (lk, la), (rh, rk), (rk, ra)))
        v = 100.0 * np.abs(_dot(P[:, pts[0]] - P[:, pts[1]], g.lat_h_unit)) / leg
    else:  # pragma: no cover - the table only holds the kinds above
        raise ValueError(f"unknown angle kind {k}")
    idx = set(pts) | (set(TRUNK) if uses_trunk else set())
    return np.asarray(v, np.float64), g.conf(sorted(idx))


def _segments(d: AngleDef) -> tuple[tuple[int, int], ...]:
    """Landmark pairs whose out-of-plane tilt spoils a planar reading of ``d``."""
    p = d.points
    if d.kind in ("joint", "valgus"):
        return ((p[0], p[1]), (p[2], p[1]))
    if d.kind in ("trunk_frontal", "trunk_sagittal", "trunk_sagittal_neg", "trunk_3d",
                  "shank_tilt", "foot_pitch", "shank_tilt_frontal"):
        return ((p[0], p[1]),)
    return ()


#: Typical length of a limb segment (landmark pair, either side) as a fraction of the torso
#: (mid-hip to mid-shoulder), adult proportions (Winter): what an in-plane segment measures.
SEGMENT_OF_TORSO = {frozenset(map(int, pair)): frac for pair, frac in (
    ((L.LEFT_SHOULDER, L.LEFT_ELBOW), 0.65), ((L.RIGHT_SHOULDER, L.RIGHT_ELBOW), 0.65),
    ((L.LEFT_ELBOW, L.LEFT_WRIST), 0.51), ((L.RIGHT_ELBOW, L.RIGHT_WRIST), 0.51),
    ((L.LEFT_HIP, L.LEFT_KNEE), 0.85), ((L.RIGHT_HIP, L.RIGHT_KNEE), 0.85),
    ((L.LEFT_KNEE, L.LEFT_ANKLE), 0.85), ((L.RIGHT_KNEE, L.RIGHT_ANKLE), 0.85),
)}
#: In-plane factor ramp on (image length / typical length): none below, full above. Adult
#: proportions vary by about 10%: a segment within that of its typical share is in the plane.
IN_PLANE_LOW, IN_PLANE_HIGH = 0.75, 0.90


def _foreshortening(segs: tuple[tuple[int, int], ...], flat: np.ndarray,
                    deep: np.ndarray) -> np.ndarray:
    """MediaPipe's depth view: 1 when the segments lie in the image plane (image length over
    image-x/y/z length), 0 when tilted more than ~60 degrees out."""
    if not segs:
        return np.ones(flat.shape[0])
    ratios = [np.linalg.norm(flat[:, a] - flat[:, b], axis=-1)
              / np.linalg.norm(deep[:, a] - deep[:, b], axis=-1) for a, b in segs]
    r = np.nan_to_num(np.min(np.stack(ratios), axis=0), nan=0.0)
    return np.clip((r - 0.5) / 0.4, 0.0, 1.0)


def _in_plane(segs: tuple[tuple[int, int], ...], flat: np.ndarray, torso: np.ndarray) -> np.ndarray:
    """The image's view: 1 while every limb segment keeps (nearly) its typical length in the
    image, 0 once one is clearly shorter (``IN_PLANE_LOW``).

    The typical length is the segment's share of the image torso (``SEGMENT_OF_TORSO``); a
    torso that is itself foreshortened only makes the check more lenient. Segments without a
    typical length (e.g. the foot) count as in the plane."""
    out = np.ones(flat.shape[0])
    for a, b in segs:
        frac = SEGMENT_OF_TORSO.get(frozenset((a, b)))
        if frac is None:
            continue
        r = np.linalg.norm(flat[:, a] - flat[:, b], axis=-1) / (frac * torso)
        r = np.nan_to_num(r, nan=0.0)
        out = np.minimum(out, np.clip((r - IN_PLANE_LOW) / (IN_PLANE_HIGH - IN_PLANE_LOW), 0.0, 1.0))
    return out


def _limb_factor(d: AngleDef, flat: np.ndarray, deep: np.ndarray, torso: np.ndarray) -> np.ndarray:
    """How far an image reading of ``d``'s limb segments is trusted: full where the image
    shows them at their typical length, whatever MediaPipe's depth says (its per-landmark z
    calls an in-plane forearm foreshortened at a curl's peak); where the image shows them
    shorter, MediaPipe's depth decides (it also explains its own glitches, e.g. an ankle
    placed too near the knee, as foreshortening). The image can only add trust."""
    segs = _segments(d)
    return np.maximum(_foreshortening(segs, flat, deep), _in_plane(segs, flat, torso))


def _choose(d: AngleDef, view: str) -> str:
    """Which source shows this measure best from this camera view ("image" or "3d";
    "front3d": a segment's 3D elevation from the front, see ``FRONT_IMAGE_KINDS``)."""
    if d.plane == "vertical":
        return "image"
    if d.kind in FRONT_IMAGE_KINDS and view == "front":
        return "front3d"
    if (d.plane == "frontal" and view == "front") or (d.plane == "sagittal" and view == "side"):
        return "image" if d.kind != "rotation" else "3d"
    return "3d"


#: 3D measures that a front view reads in the image while their segment lies in the frontal
#: plane as far as the depth can tell (its 3D angle out of that plane within
#: ``FRONT_IMAGE_MAX_OUT``; body within ~35 degrees of square to the camera) and below the
#: horizontal (both readings under 90 degrees): a hanging or lowered arm's elevation is then
#: all in the plane the camera shows, and MediaPipe's guessed depth would only add noise (a
#: hanging arm's 3D elevation swings by 8-10 degrees while the other arm rises, clean 0.3).
#: Above the horizontal the 3D reading stays: an arm near overhead tilted a little forward
#: projects far off its elevation (scaption at 150 degrees reads 153.7 in the image). A
#: segment reaching towards or away from the camera is read in 3D. Depth cameras (view
#: "any") read 3D as before.
FRONT_IMAGE_KINDS = ("trunk_3d",)
#: Out-of-frontal-plane angle (degrees, 3D) up to which MediaPipe's depth cannot tell a
#: segment from one in the plane: about its depth noise on a hanging arm seen from the front
#: (8-10 degrees, README "Rendered virtual patient"), with a margin. Within it a forward swing
#: of the segment is not seen from the front.
FRONT_IMAGE_MAX_OUT = 15.0


def angles_arrays(xyzv: np.ndarray, world: np.ndarray | None, names: Iterable[str],
                  view: str = "any", width: int = 0, height: int = 0,
                  source: str = "auto", view_start: str | None = None,
                  views: Iterable[str] | None = None) -> dict[str, Reading]:
    """``angles`` on raw arrays: xyzv (T,33,4), world (T,33,3) or None. ``view_start``:
    the auto view before the first frame (live, frame by frame). ``views``: the per-frame
    auto views when the caller has them already (``auto_views`` of the same arrays)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    defs = [ANGLES[n] for n in names]
    W, H = (float(width), float(height)) if width > 0 and height > 0 else (1.0, 1.0)
    xyzv = np.asarray(xyzv, np.float64)
    vis = np.nan_to_num(xyzv[:, :, 3], nan=0.0)
    vis = np.where(np.isfinite(xyzv[:, :, 0]), np.clip(vis, 0.0, 1.0), 0.0)
    geos: dict[str, _Geo] = {}
    fac: dict[str, Any] = {}  # per call: "views" (auto view per frame), "planes"
    if views is not None:
        fac["views"] = np.array(views)

    def views_now() -> np.ndarray:
        """The auto view per frame (given, or decided once per call)."""
        if "views" not in fac:
            fac["views"] = np.array(auto_views(xyzv, world, width, height, view_start))
        return fac["views"]
    memo: dict[tuple, tuple] = {}  # (what, definition) -> result: each computed once per call
    limbs: dict[tuple, np.ndarray] = {}  # segments -> the image's limb factor

    def geo(src: str) -> _Geo:
        if src not in geos:
            if src == "image":
                pts = _scaled(xyzv, (W, -H))
                nose, ears = pts[:, L.NOSE], 0.5 * (pts[:, L.LEFT_EAR] + pts[:, L.RIGHT_EAR])
                toes = 0.5 * (pts[:, L.LEFT_FOOT_INDEX] + pts[:, L.RIGHT_FOOT_INDEX])
                heels = 0.5 * (pts[:, L.LEFT_HEEL] + pts[:, L.RIGHT_HEEL])
                s = np.sign(np.nan_to_num(nose[:, 0] - ears[:, 0]) + np.nan_to_num(toes[:, 0] - heels[:, 0]))
                fwd = np.stack([np.where(s == 0, 1.0, s), np.zeros(len(s))], axis=1)
                geos[src] = _Geo(pts, vis, TRUST[src], fwd)
                geos[src].centre_y = -0.5 * H
            elif src == "image3d":
                geos[src] = _Geo(_scaled(xyzv, (W, -H, -W)), vis, TRUST[src], None)
            else:
                w = np.full(xyzv[:, :, :3].shape, np.nan) if world is None else world
                geos[src] = _Geo(_scaled(w, (1.0, -1.0, -1.0)), vis, TRUST[src], None)
        return geos[src]

    def shown(plane: str) -> np.ndarray:
        """How squarely the camera shows ``plane`` (frontal, else sagittal), once per call."""
        if "planes" not in fac:
            fac["planes"] = plane_visibility(xyzv, world, width, height)
        return fac["planes"]["frontal" if plane == "frontal" else "sagittal"]

    def three_d(d: AngleDef) -> tuple[np.ndarray, np.ndarray, str]:
        key = ("3d", d)
        if key not in memo:
            memo[key] = _three_d(d)
        return memo[key]

    def _three_d(d: AngleDef) -> tuple[np.ndarray, np.ndarray, str]:
        vw, cw = _compute(d, geo("world"))
        ok = np.isfinite(vw)
        if ok.all():
            return vw, cw, "world"
        vi, ci = _compute(d, geo("image3d"))
        return np.where(ok, vw, vi), np.where(ok, cw, ci), "image3d" if not ok.any() else "world+image3d"

    def front3d(d: AngleDef, front: np.ndarray | bool = True) -> tuple[np.ndarray, np.ndarray, str]:
        """A FRONT_IMAGE_KINDS measure: the image where (``front``) the body faces the camera
        and the segment lies in the image plane, else 3D."""
        v3, c3, u3 = three_d(d)
        vi, ci = image_raw(d)
        fwd, _, _ = three_d(replace(d, kind="forward_component"))
        flat = (np.abs(fwd) <= FRONT_IMAGE_MAX_OUT) & (shown("frontal") >= 0.5)
        low = (v3 < 90.0) & (vi < 90.0)  # below the horizontal (FRONT_IMAGE_KINDS)
        use = flat & low & front
        used = "image" if use.all() else (u3 if not use.any() else "image+" + u3)
        return np.where(use, vi, v3), np.where(use, ci, c3), used

    def image_raw(d: AngleDef) -> tuple[np.ndarray, np.ndarray]:
        """``_compute`` in the image geometry, once per definition."""
        key = ("image", d)
        if key not in memo:
            memo[key] = _compute(d, geo("image"))
        return memo[key]

    def limb_factor(d: AngleDef) -> np.ndarray:
        """``_limb_factor`` of ``d``, once per set of segments."""
        segs = _segments(d)
        if segs not in limbs:
            g = geo("image")
            limbs[segs] = _limb_factor(d, g.P, geo("image3d").P, g.torso)
        return limbs[segs]

    def image(d: AngleDef) -> tuple[np.ndarray, np.ndarray]:
        v, c = image_raw(d)
        if d.plane in ("frontal", "sagittal"):
            c = c * shown(d.plane)
            c = c * limb_factor(d)
        return v, c

    out: dict[str, Reading] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for d in defs:
            if view == "auto" and source == "auto":
                if d.plane == "vertical":
                    v, c = image(d)
                    used = "image"
                elif d.kind in FRONT_IMAGE_KINDS:
                    v, c, used = front3d(d, views_now() == "front")
                elif d.plane == "3d" or d.kind == "rotation":
                    v, c, used = three_d(d)
                else:  # per frame: the image where the decided view shows the plane, else 3D
                    vi, ci = image(d)
                    v3, c3, u3 = three_d(d)
                    use_img = views_now() == ("front" if d.plane == "frontal" else "side")
                    v, c = np.where(use_img, vi, v3), np.where(use_img, ci, c3)
                    used = "image" if use_img.all() else (u3 if not use_img.any() else "image+" + u3)
                c = np.where(np.isfinite(v), np.clip(c, 0.0, 1.0), 0.0)
                out[d.name] = Reading(v, c, d.unit, used)
                continue
            kind = ("image" if view == "auto" and d.plane == "vertical" else _choose(d, view)) \
                if source == "auto" else ("3d" if source != "image" else "image")
            if kind == "front3d":
                v, c, used = front3d(d)
            elif kind == "image" and not (source == "image" and d.kind == "rotation"):
                v, c = image(d)
                used = "image"
            elif source in ("world", "image3d"):
                v, c = _compute(d, geo(source))
                used = source
            else:
                v, c, used = three_d(d)
            c = np.where(np.isfinite(v), np.clip(c, 0.0, 1.0), 0.0)
            out[d.name] = Reading(v, c, d.unit, used)
    return out


def angles(series: PoseSeries, names: Iterable[str], view: str = "any",
           source: str = "auto") -> dict[str, Reading]:
    """Named measures over a whole series (see module docstring for ``view`` and ``source``)."""
    return angles_arrays(series.xyzv, series.world, names, view,
                         series.meta.width, series.meta.height, source)


def frame_angles(frame: PoseFrame, names: Iterable[str], view: str = "any", width: int = 0,
                 height: int = 0, source: str = "auto",
                 view_start: str | None = None) -> dict[str, tuple[float, float]]:
    """The same measures for one live frame: name -> (value, confidence)."""
    world = None if frame.world is None else frame.world[None]
    r = angles_arrays(frame.xyzv[None], world, names, view, width, height, source, view_start)
    return {k: (float(v.value_deg[0]), float(v.confidence[0])) for k, v in r.items()}
