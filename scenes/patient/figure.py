"""A clothed humanoid built from code, posed each frame from the 33 BlazePose points.

The figure has a head with a face (eyes, brows, nose, mouth, ears, hair), neck, a lofted
torso (shirt above a belt, trousers below), upper arms in sleeves, bare forearms and hands,
trouser legs and shoes. Colours contrast inside the figure so that a pose detector sees
the limbs apart from the trunk. Points are in the team's body frame (metres, +y up, the
patient faces +z, +x = the patient's left); the root node maps that frame to Panda3D's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import LMatrix4f, NodePath, RescaleNormalAttrib

from scenes.patient import meshes
from tracking.landmarks import Landmark as L
from tracking.virtual_patient.body import rest_landmarks

Color = tuple[float, float, float, float]


@dataclass(frozen=True)
class Palette:
    """Colours of the figure (RGBA 0..1)."""

    sleeve: float = 1.0  #: fraction of the upper arm the shirt's sleeve covers (1: to the elbow)
    skin: Color = (0.87, 0.68, 0.56, 1.0)
    shirt: Color = (0.16, 0.42, 0.78, 1.0)
    trousers: Color = (0.20, 0.20, 0.26, 1.0)
    belt: Color = (0.35, 0.22, 0.12, 1.0)
    shoes: Color = (0.92, 0.92, 0.90, 1.0)
    hair: Color = (0.22, 0.14, 0.08, 1.0)
    eye_white: Color = (0.97, 0.97, 0.97, 1.0)
    iris: Color = (0.12, 0.08, 0.05, 1.0)
    lips: Color = (0.66, 0.28, 0.28, 1.0)


#: Body frame (x left, y up, z forward) to Panda3D (x right of a front camera... z up):
#: rows are the images of the body axes: x -> x, y -> z, z -> -y.
BODY_TO_PANDA = LMatrix4f(1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1)

#: (name, from, to, radius at from, radius at to, palette colour)
LIMBS: tuple[tuple[str, L, L, float, float, str], ...] = tuple(
    item for side in ("LEFT", "RIGHT") for item in (
        (f"{side}_upper_arm", L[f"{side}_SHOULDER"], L[f"{side}_ELBOW"], 0.047, 0.039, "skin"),
        (f"{side}_thumb", L[f"{side}_WRIST"], L[f"{side}_THUMB"], 0.014, 0.010, "skin"),
        (f"{side}_thigh", L[f"{side}_HIP"], L[f"{side}_KNEE"], 0.082, 0.056, "trousers"),
        # a trouser leg: the cloth hangs from the knee over the calf (a calf drawn skin-tight,
        # bulging behind a straight shin, made MediaPipe read extended knees 4-8 deg bent)
        (f"{side}_shin", L[f"{side}_KNEE"], L[f"{side}_ANKLE"], 0.054, 0.040, "trousers"),
    ))

#: The forearm, elbow (0) to wrist (1): (position along, radius). Widest a few centimetres
#: below the elbow, where the forearm's muscles are (adult ~28 cm round), tapering to a
#: wrist ~17 cm round; not a cone widest at the elbow.
FOREARM_PROFILE = np.array([(0.00, 0.039), (0.12, 0.043), (0.30, 0.041), (0.60, 0.034),
                            (0.85, 0.029), (1.00, 0.027)])
#: Kneecap (half-width, half-length, half-depth) and its centre's distance in front of the
#: knee joint centre, along the bisector of the thigh's and shank's front directions: a
#: patella under cloth, 6 cm wide and 7 cm tall, its front 6 cm ahead of the joint centre
#: (an adult knee is 10-12 cm deep, the joint centre about half-way).
KNEECAP = ((0.030, 0.034, 0.018), 0.044)

#: (landmark, radius, colour) spheres that round off the joints
JOINTS: tuple[tuple[L, float, str], ...] = tuple(
    item for side in ("LEFT", "RIGHT") for item in (
        (L[f"{side}_SHOULDER"], 0.050, "shirt"), (L[f"{side}_ELBOW"], 0.039, "skin"),
        (L[f"{side}_WRIST"], 0.027, "skin"), (L[f"{side}_HIP"], 0.078, "trousers"),
        (L[f"{side}_KNEE"], 0.052, "trousers"), (L[f"{side}_ANKLE"], 0.039, "trousers"),
    ))

#: Torso profile: (s from hip line 0 to shoulder line 1, half-width = a * hip half-width +
#: b * shoulder half-width, half-depth in metres)
TORSO_KNOTS = np.array([
    (-0.215, 0.05, 0.00, 0.010), (-0.20, 0.60, 0.25, 0.080), (-0.12, 0.80, 0.35, 0.112),
    (0.00, 0.90, 0.40, 0.122), (0.20, 0.60, 0.50, 0.118), (0.42, 0.30, 0.60, 0.110),
    (0.70, 0.00, 0.88, 0.122), (0.90, 0.00, 0.86, 0.105), (1.00, 0.00, 0.74, 0.085),
    (1.06, 0.00, 0.58, 0.068), (1.11, 0.00, 0.40, 0.052), (1.13, 0.00, 0.05, 0.010),
])
#: The torso above the armpits narrows to the neck (shoulders slope as a person's do: the
#: rounded shoulder is the deltoid, which belongs to the arm and turns with it, not a square
#: corner of the trunk). Deltoid: (half-width, half-length, half-depth) of an ellipsoid along
#: the upper arm and how far down the arm its centre sits from the shoulder joint (m).
DELTOID = ((0.058, 0.095, 0.056), 0.045)
#: The face points (nose, eyes, ears, mouth) and where they sit in the head's own frame
#: (origin between the ears, x left, y up, z forward): the kinematic body model's rest pose.
_FACE = np.arange(11)
_CANONICAL_FACE = (lambda r: r[_FACE] - (r[L.LEFT_EAR] + r[L.RIGHT_EAR]) / 2)(
    rest_landmarks().astype(np.float64))
TORSO_RINGS = 26
TORSO_SEGS = 28
BELT = (0.30, 0.36)  #: s range of the belt; shirt above, trousers below


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else v


def _frame_matrix(x: np.ndarray, y: np.ndarray, z: np.ndarray, origin: np.ndarray) -> LMatrix4f:
    """Panda row-vector matrix whose local axes are x, y, z (scaled as given) at origin."""
    return LMatrix4f(*x, 0, *y, 0, *z, 0, *origin, 1)


def _perp(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors a, b perpendicular to d such that (a, d, b) is right-handed."""
    ref = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.9 * np.linalg.norm(d) else np.array([1.0, 0, 0])
    a = _unit(np.cross(ref, d))
    b = _unit(np.cross(a, d))
    return a, b


def _front_frame(d: np.ndarray, lateral: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limb frame (x, d, z): y along the segment ``d`` (scaled), z its front (the direction a
    leg segment faces: ``d`` x the body's lateral axis), x completing a right-handed frame."""
    du = _unit(d)
    front = np.cross(du, lateral)
    if float(np.linalg.norm(front)) < 0.2 * float(np.linalg.norm(lateral)):
        u, w = _perp(d)
        return u, d, w
    z = _unit(front)
    return np.cross(du, z), d, z


def _ortho(y_axis: np.ndarray, hint_x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right-handed unit basis with y along y_axis and x as close to hint_x as possible."""
    y = _unit(y_axis)
    x = _unit(hint_x - y * float(np.dot(hint_x, y)))
    return x, y, np.cross(x, y)


class PatientFigure:
    """The humanoid under ``parent``; call ``pose(points)`` with (33, 3) body-frame points."""

    def __init__(self, parent: NodePath, palette: Palette = Palette()) -> None:
        self.palette = palette
        self.root = parent.attach_new_node("patient-figure")
        self.root.set_mat(BODY_TO_PANDA)
        # Limbs are scaled along their length only: renormalise normals after transforming.
        self.root.set_attrib(RescaleNormalAttrib.make(RescaleNormalAttrib.M_normalize))
        self._limbs: list[tuple[NodePath, int, int]] = []
        for name, a, b, r0, r1, col in LIMBS:
            np_ = self._attach(name, *meshes.tube(r0, r1), col)
            self._limbs.append((np_, int(a), int(b)))
        for side in ("LEFT", "RIGHT"):
            r = FOREARM_PROFILE
            np_ = self._attach(f"{side}_forearm", *meshes.profile_tube(r[:, 0], r[:, 1], r[:, 1],
                                                                       np.zeros(len(r))), "skin")
            self._limbs.append((np_, int(L[f"{side}_ELBOW"]), int(L[f"{side}_WRIST"])))
        self._kneecaps: list[tuple[NodePath, int, int, int]] = []
        for side in ("LEFT", "RIGHT"):
            hip, knee, ankle = (int(L[f"{side}_{j}"]) for j in ("HIP", "KNEE", "ANKLE"))
            cap = self._attach(f"{side}_kneecap", *meshes.ellipsoid(KNEECAP[0], segs=14, rings=8),
                               "trousers")
            self._kneecaps.append((cap, hip, knee, ankle))
        self._joints: list[tuple[NodePath, int]] = []
        for lm, r, col in JOINTS:
            np_ = self._attach(f"joint-{lm.name}", *meshes.ellipsoid((r, r, r), segs=16, rings=10), col)
            self._joints.append((np_, int(lm)))
        self._sleeves: list[tuple[NodePath, int, int]] = []
        for side in ("LEFT", "RIGHT"):
            np_ = self._attach(f"{side}_sleeve", *meshes.tube(0.054, 0.047), "shirt")
            self._sleeves.append((np_, int(L[f"{side}_SHOULDER"]), int(L[f"{side}_ELBOW"])))
        self._deltoids: list[tuple[NodePath, int, int]] = []
        for side in ("LEFT", "RIGHT"):
            np_ = self._attach(f"{side}_deltoid", *meshes.ellipsoid(
                DELTOID[0], (0, DELTOID[1], 0), segs=18, rings=12), "shirt")
            self._deltoids.append((np_, int(L[f"{side}_SHOULDER"]), int(L[f"{side}_ELBOW"])))
        self._neck = self._attach("neck", *meshes.tube(0.060, 0.052), "skin")
        self._head = self._build_head()
        self._hands = [self._build_hand(side) for side in ("LEFT", "RIGHT")]
        self._feet = [self._build_foot(side) for side in ("LEFT", "RIGHT")]
        self._torso_s = np.interp(np.linspace(0, 1, TORSO_RINGS), np.linspace(0, 1, len(TORSO_KNOTS)),
                                  TORSO_KNOTS[:, 0])
        self._torso_colors = self._torso_ring_colors()
        self._torso = None
        self.pose_points: np.ndarray | None = None

    # -- building -----------------------------------------------------------------------
    def _color(self, name: str) -> Color:
        return getattr(self.palette, name)

    def _attach(self, name: str, verts, normals, tris, color: str,
                parent: NodePath | None = None) -> NodePath:
        node = (parent or self.root).attach_new_node(meshes.make_node(name, verts, normals, tris))
        node.set_color(*self._color(color))
        return node

    def _part(self, parent: NodePath, name: str, radii, center, color: str, keep=None,
              segs: int = 20, rings: int = 12) -> NodePath:
        return self._attach(name, *meshes.ellipsoid(radii, center, segs, rings, keep), color, parent)

    def _build_head(self) -> NodePath:
        """Head in its own frame: origin between the ears, x left, y up, z forward."""
        head = self.root.attach_new_node("head")
        self._part(head, "skull", (0.077, 0.106, 0.096), (0, 0.028, 0.0), "skin", segs=28, rings=18)
        self._part(head, "jaw", (0.060, 0.058, 0.066), (0, -0.050, 0.030), "skin")
        self._part(head, "nose", (0.012, 0.022, 0.016), (0, -0.028, 0.092), "skin")
        self._part(head, "mouth", (0.022, 0.006, 0.008), (0, -0.065, 0.092), "lips")

        def hair_keep(d: np.ndarray) -> bool:
            if d[2] > 0.25:  # the face side: hair only above the forehead
                return d[1] > 0.62
            return d[1] > -0.05 or (d[2] < -0.15 and d[1] > -0.55)

        self._part(head, "hair", (0.083, 0.112, 0.102), (0, 0.036, -0.006), "hair", keep=hair_keep,
                   segs=32, rings=20)
        for sx in (1.0, -1.0):
            self._part(head, "eye", (0.014, 0.009, 0.007), (sx * 0.032, 0.016, 0.080), "eye_white")
            self._part(head, "iris", (0.0065, 0.0065, 0.004), (sx * 0.032, 0.016, 0.0865), "iris",
                       segs=12, rings=8)
            self._part(head, "brow", (0.018, 0.0045, 0.006), (sx * 0.032, 0.036, 0.086), "hair",
                       segs=12, rings=8)
            self._part(head, "ear", (0.010, 0.027, 0.017), (sx * 0.076, 0.002, -0.006), "skin",
                       segs=12, rings=8)
        return head

    def _build_hand(self, side: str) -> NodePath:
        """Hand frame: origin at the wrist, y towards the knuckles, x towards the index side."""
        hand = self.root.attach_new_node(f"{side}_hand")
        self._part(hand, "palm", (0.040, 0.052, 0.016), (0, 0.045, 0), "skin")
        self._part(hand, "fingers", (0.036, 0.045, 0.013), (-0.004, 0.105, 0.003), "skin")
        return hand

    def _build_foot(self, side: str) -> NodePath:
        """Foot frame: origin at the heel, z towards the toes, y up; scaled by foot length."""
        foot = self.root.attach_new_node(f"{side}_foot")
        # A low-cut trainer: a heel block up to just below the ankle (as wide as a real heel
        # counter, 9 cm: wider than the trouser hem, so that its back shows round the leg from
        # the side), a lower forefoot, a sole.
        self._part(foot, "shoe_heel", (0.046, 0.032, 0.060), (0, 0.034, 0.045), "shoes")
        self._part(foot, "shoe_front", (0.045, 0.026, 0.105), (0, 0.022, 0.125), "shoes")
        self._part(foot, "sole", (0.050, 0.012, 0.125), (0, 0.008, 0.110), "trousers")
        return foot

    def _torso_ring_colors(self) -> np.ndarray:
        cols = []
        for s in self._torso_s:
            name = "shirt" if s >= BELT[1] else ("belt" if s >= BELT[0] else "trousers")
            cols.append(self._color(name))
        return np.repeat(np.array(cols, np.float32), TORSO_SEGS, axis=0)

    # -- posing -------------------------------------------------------------------------
    def pose(self, points: np.ndarray) -> None:
        """Place every part from (33, 3) body-frame landmark points (metres)."""
        p = np.asarray(points, np.float64)
        if p.shape != (33, 3) or not np.isfinite(p).all():
            raise ValueError(f"pose needs (33, 3) finite points, got shape {p.shape}")
        self.pose_points = p
        for node, a, b in self._limbs:
            d = p[b] - p[a]
            u, w = _perp(d)
            node.set_mat(_frame_matrix(u, d, w, p[a]))
        lat = p[L.LEFT_HIP] - p[L.RIGHT_HIP]
        for node, hip, knee, ankle in self._kneecaps:
            thigh, shank = p[knee] - p[hip], p[ankle] - p[knee]
            front = _unit(_front_frame(thigh, lat)[2] + _front_frame(shank, lat)[2])
            along = _unit(_unit(thigh) + _unit(shank))
            x, y, z = _ortho(along, np.cross(along, front))
            node.set_mat(_frame_matrix(x, y, z, p[knee] + front * KNEECAP[1]))
        for node, a, b in self._sleeves:
            d = (p[b] - p[a]) * self.palette.sleeve
            u, w = _perp(d)
            node.set_mat(_frame_matrix(u, d, w, p[a]))
        for node, a, b in self._deltoids:  # not scaled: a deltoid is as long on any arm
            d = _unit(p[b] - p[a])
            u, w = _perp(d)
            node.set_mat(_frame_matrix(u, d, w, p[a]))
        for node, i in self._joints:
            node.set_pos(*p[i])
        self._pose_torso(p)
        head_base = self._pose_head(p)
        sh_mid = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
        neck_base = sh_mid + _unit(sh_mid - (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2) * 0.02
        d = head_base - neck_base
        u, w = _perp(d)
        self._neck.set_mat(_frame_matrix(u, d, w, neck_base))
        for node, side in zip(self._hands, ("LEFT", "RIGHT")):
            self._pose_hand(node, p, side)
        for node, side in zip(self._feet, ("LEFT", "RIGHT")):
            self._pose_foot(node, p, side)

    def _pose_head(self, p: np.ndarray) -> np.ndarray:
        """Fit the head frame to the 11 face points (rigid + scale), return the neck's top."""
        target = p[_FACE]
        c = _CANONICAL_FACE
        cc, pc = c.mean(0), target.mean(0)
        u, sv, vt = np.linalg.svd((c - cc).T @ (target - pc))
        d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
        rot = vt.T @ np.diag([1.0, 1.0, d]) @ u.T  # target ~ scale * rot @ c + t
        scale = float(np.clip((sv * [1.0, 1.0, d]).sum() / ((c - cc) ** 2).sum(), 0.8, 1.25))
        origin = pc - scale * rot @ cc
        x, y, z = rot[:, 0], rot[:, 1], rot[:, 2]
        self._head.set_mat(_frame_matrix(x * scale, y * scale, z * scale, origin))
        return origin - y * 0.07 * scale - z * 0.015 * scale

    def _pose_hand(self, node: NodePath, p: np.ndarray, side: str) -> None:
        wrist = p[L[f"{side}_WRIST"]]
        index, pinky = p[L[f"{side}_INDEX"]], p[L[f"{side}_PINKY"]]
        along = (index + pinky) / 2 - wrist
        scale = float(np.clip(np.linalg.norm(along) / 0.085, 0.7, 1.4))
        across = index - pinky
        if side == "RIGHT":
            across = -across  # keep the frame right-handed and mirrored like the body
        x, y, z = _ortho(along, across)
        node.set_mat(_frame_matrix(x * scale, y * scale, z * scale, wrist))

    def _pose_foot(self, node: NodePath, p: np.ndarray, side: str) -> None:
        heel, toe, ankle = p[L[f"{side}_HEEL"]], p[L[f"{side}_FOOT_INDEX"]], p[L[f"{side}_ANKLE"]]
        along = toe - heel
        length = float(np.linalg.norm(along))
        scale = float(np.clip(length / 0.22, 0.7, 1.4))
        z = _unit(along)
        y = _unit((ankle - heel) - z * float(np.dot(ankle - heel, z)))
        x = np.cross(y, z)
        node.set_mat(_frame_matrix(x * scale, y * scale, z * scale, heel - y * 0.02))

    def _pose_torso(self, p: np.ndarray) -> None:
        lh, rh, ls, rs = p[L.LEFT_HIP], p[L.RIGHT_HIP], p[L.LEFT_SHOULDER], p[L.RIGHT_SHOULDER]
        hip_c, sh_c = (lh + rh) / 2, (ls + rs) / 2
        hip_half = float(np.linalg.norm(lh - rh)) / 2
        sh_half = float(np.linalg.norm(ls - rs)) / 2
        up = _unit(sh_c - hip_c)
        hip_ax, sh_ax = _unit(lh - rh), _unit(ls - rs)
        s = self._torso_s
        k = TORSO_KNOTS
        a = np.interp(s, k[:, 0], k[:, 1])
        b = np.interp(s, k[:, 0], k[:, 2])
        half_d = np.interp(s, k[:, 0], k[:, 3])
        half_w = a * hip_half + b * sh_half
        t = np.clip(s, 0.0, 1.0)[:, None]
        # Below the hip line the pelvis follows the hips; above, the trunk bends evenly.
        centers = hip_c + (sh_c - hip_c) * s[:, None]
        lateral = (1 - t) * hip_ax + t * sh_ax
        lateral -= up * (lateral @ up)[:, None]
        lateral /= np.linalg.norm(lateral, axis=1, keepdims=True)
        forward = np.cross(lateral, up)
        verts, normals = meshes.loft(centers, lateral, forward, half_w, half_d, TORSO_SEGS)
        if self._torso is None:
            node = meshes.make_node("torso", verts, normals,
                                    meshes.loft_tris(TORSO_RINGS, TORSO_SEGS),
                                    self._torso_colors, dynamic=True)
            self._torso = self.root.attach_new_node(node)
        else:
            vdata = self._torso.node().modify_geom(0).modify_vertex_data()
            meshes.write_vertices(vdata, verts, normals, self._torso_colors)

    def destroy(self) -> None:
        self.root.remove_node()
