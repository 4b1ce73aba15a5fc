"""Offscreen rendering of the patient figure: camera views, a simple room, video files.

``PatientRenderer`` owns a small scene (figure, room, key + fill lights, camera) and an
offscreen buffer. Standalone it makes its own graphics pipe and engine; given a ShowBase
it renders into an offscreen buffer of that ShowBase's engine and GSG instead (a game
must not open a second Panda3D engine). ``render(points)`` returns one BGR image.
Lighting is fixed-function (no ``setShaderAuto``): it runs the same on Mesa and on GPUs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
from panda3d.core import (AmbientLight, AntialiasAttrib, Camera, CardMaker, DirectionalLight,
                          FrameBufferProperties, GraphicsEngine, GraphicsOutput, GraphicsPipe,
                          GraphicsPipeSelection, NodePath, PerspectiveLens, Texture,
                          WindowProperties, load_prc_file_data)

from scenes.patient.figure import Palette, PatientFigure
from tracking.errors import InputError
from tracking.virtual_patient.camera import view_azimuth



@dataclass(frozen=True)
class CameraView:
    """Where the camera stands around the patient (the same views as the virtual patient's
    ``tracking.virtual_patient.camera.Camera``).

    ``view``: ``front`` (camera on +z), ``side``/``left`` (at the patient's left),
    ``right``, ``back``, ``oblique`` (45 degrees towards the left), ``oblique-right``, or an
    azimuth in degrees (0 front, +90 left). ``distance`` from the patient's vertical axis and
    ``height`` of the lens above the floor in metres; ``look_at`` height of the point looked
    at; ``vfov`` vertical field of view in degrees (a webcam's is 40-50).
    """

    view: str | float = "front"
    distance: float = 3.2
    height: float = 1.0
    look_at: float = 0.9
    vfov: float = 48.0

    def __post_init__(self) -> None:
        try:
            view_azimuth(self.view)
        except ValueError as exc:
            raise InputError(None, str(exc)) from None
        if not (0.5 <= self.distance <= 20.0):
            raise InputError(None, f"camera distance must be 0.5-20 m, got {self.distance}")
        if not (0.0 <= self.height <= 5.0):
            raise InputError(None, f"camera height must be 0-5 m, got {self.height}")
        if not (10.0 <= self.vfov <= 120.0):
            raise InputError(None, f"vertical field of view must be 10-120 degrees, got {self.vfov}")

    def position(self) -> np.ndarray:
        """Camera position in the body frame."""
        a = math.radians(view_azimuth(self.view))
        return np.array([self.distance * math.sin(a), self.height, self.distance * math.cos(a)])


def body_to_panda(p: np.ndarray) -> tuple[float, float, float]:
    """A body-frame point (x left, y up, z forward) in Panda3D coordinates (z up)."""
    return float(p[0]), float(-p[2]), float(p[1])


def _make_room(parent: NodePath) -> NodePath:
    """A plain room: light wooden floor, pale walls, a darker skirting line."""
    room = parent.attach_new_node("room")
    half, height = 4.5, 2.8
    cm = CardMaker("floor")
    cm.set_frame(-half, half, -half, half)
    floor = room.attach_new_node(cm.generate())
    floor.set_p(-90)
    floor.set_color(0.66, 0.55, 0.42, 1)
    walls = [((0, half, 0), 0), ((0, -half, 0), 180), ((half, 0, 0), -90), ((-half, 0, 0), 90)]
    for i, (pos, heading) in enumerate(walls):
        cm = CardMaker(f"wall{i}")
        cm.set_frame(-half, half, 0, height)
        wall = room.attach_new_node(cm.generate())
        wall.set_pos(*pos)
        wall.set_h(heading)
        wall.set_color(0.80, 0.82, 0.76, 1)
        cm = CardMaker(f"skirting{i}")
        cm.set_frame(-half, half, 0, 0.10)
        skirt = wall.attach_new_node(cm.generate())
        skirt.set_y(-0.005)
        skirt.set_color(0.45, 0.40, 0.36, 1)
    # Cards face -y; walls are seen from inside, so show both faces.
    room.set_two_sided(True)
    return room


def _make_pipe() -> GraphicsPipe:
    """The default pipe if it works (a desktop), else headless EGL (servers, CI)."""
    selection = GraphicsPipeSelection.get_global_ptr()
    pipe = selection.make_default_pipe()
    if pipe is None or not pipe.is_valid():
        selection.load_aux_modules()
        pipe = selection.make_module_pipe("p3headlessgl")
    if pipe is None or not pipe.is_valid():
        raise InputError(None, "no usable Panda3D graphics pipe (neither a display nor EGL)")
    return pipe


def make_chair(parent: NodePath, seat_height: float, seat_front_z: float,
               color=(0.55, 0.36, 0.20, 1.0)) -> NodePath:
    """A plain wooden chair in the body frame: seat top at ``seat_height``, its front edge at
    ``seat_front_z`` (the patient sits facing +z), a backrest behind."""
    from scenes.patient.figure import BODY_TO_PANDA
    from scenes.patient.meshes import box, make_node

    chair = parent.attach_new_node("chair")
    chair.set_mat(BODY_TO_PANDA)
    d, w, t = 0.42, 0.22, 0.03  # seat depth, half-width, thickness
    zc = seat_front_z - d / 2
    parts = [((w, t / 2, d / 2), (0, seat_height - t / 2, zc))]
    for sx in (-1, 1):
        for sz in (-1, 1):
            parts.append(((0.02, (seat_height - t) / 2, 0.02),
                          (sx * (w - 0.03), (seat_height - t) / 2, zc + sz * (d / 2 - 0.03))))
        parts.append(((0.02, 0.25, 0.02), (sx * (w - 0.03), seat_height + 0.25, zc - d / 2 + 0.03)))
    parts.append(((w, 0.09, 0.015), (0, seat_height + 0.38, zc - d / 2 + 0.03)))
    for i, (half, center) in enumerate(parts):
        chair.attach_new_node(make_node(f"chair{i}", *box(half, center)))
    chair.set_color(*color)
    return chair


class PatientRenderer:
    """Renders the posed figure offscreen to BGR images of ``size`` (width, height)."""

    def __init__(self, size: tuple[int, int] = (640, 480), view: CameraView = CameraView(),
                 room: bool = True, palette: Palette = Palette(), base=None,
                 multisamples: int = 4) -> None:
        w, h = int(size[0]), int(size[1])
        if not (32 <= w <= 4096 and 32 <= h <= 4096):
            raise InputError(None, f"image size must be 32-4096 pixels a side, got {w}x{h}")
        self.size = (w, h)
        self.view = view
        self.scene = NodePath("patient-scene")
        self.figure = PatientFigure(self.scene, palette)
        if room:
            _make_room(self.scene)
        self._own_engine = base is None
        if base is None:
            load_prc_file_data("", "audio-library-name null")
            self.pipe = _make_pipe()
            self.engine = GraphicsEngine(self.pipe)
            host, gsg = None, None
        else:
            self.pipe, self.engine = base.pipe, base.graphicsEngine
            host, gsg = base.win, base.win.get_gsg()
        self.buffer = None
        for samples in ((multisamples, 0) if multisamples else (0,)):
            fbp = FrameBufferProperties()
            fbp.set_rgb_color(True)
            fbp.set_rgba_bits(8, 8, 8, 0)
            fbp.set_depth_bits(24)
            if samples:
                fbp.set_multisamples(samples)
            self.buffer = self.engine.make_output(
                self.pipe, "patient-buffer", -10, fbp, WindowProperties.size(w, h),
                GraphicsPipe.BF_refuse_window, gsg, host)
            if self.buffer is not None:
                break
        if self.buffer is None:
            raise InputError(None, "could not open an offscreen buffer for the patient renderer")
        self.texture = Texture("patient-frame")
        self.buffer.add_render_texture(self.texture, GraphicsOutput.RTM_copy_ram)
        self.buffer.set_clear_color((0.8, 0.82, 0.76, 1))
        lens = PerspectiveLens()
        lens.set_fov(2 * math.degrees(math.atan(math.tan(math.radians(view.vfov) / 2) * w / h)),
                     view.vfov)
        lens.set_near_far(0.1, 30.0)
        self.camera = self.scene.attach_new_node(Camera("patient-camera", lens))
        region = self.buffer.make_display_region()
        region.set_camera(self.camera)
        self._place_camera(view)
        self._light(self.camera)
        self.scene.set_antialias(AntialiasAttrib.M_multisample)
        self._chair: NodePath | None = None

    def set_chair(self, seat_height: float | None, seat_front_z: float = 0.0) -> None:
        """Show a chair (seated exercises; see ``make_chair``) or none (None)."""
        if self._chair is not None:
            self._chair.remove_node()
            self._chair = None
        if seat_height is not None:
            self._chair = make_chair(self.scene, seat_height, seat_front_z)

    def _place_camera(self, view: CameraView) -> None:
        self.camera.set_pos(*body_to_panda(view.position()))
        self.camera.look_at(*body_to_panda(np.array([0.0, view.look_at, 0.0])))

    def set_view(self, view: CameraView) -> None:
        self.view = view
        self._place_camera(view)

    def _light(self, camera: NodePath) -> None:
        """Key light above-left of the camera, a weaker fill from the right, some ambient."""
        amb = AmbientLight("ambient")
        amb.set_color((0.34, 0.34, 0.36, 1))
        self.scene.set_light(self.scene.attach_new_node(amb))
        for name, hpr, color in (("key", (-30, -35, 0), (0.78, 0.75, 0.70, 1)),
                                 ("fill", (40, -10, 0), (0.30, 0.32, 0.36, 1))):
            light = DirectionalLight(name)
            light.set_color(color)
            node = camera.attach_new_node(light)
            node.set_hpr(*hpr)
            self.scene.set_light(node)

    def render(self, points: np.ndarray) -> np.ndarray:
        """Pose the figure from (33, 3) body-frame points and return an (H, W, 3) BGR image."""
        self.figure.pose(points)
        self.engine.render_frame()
        data = self.texture.get_ram_image_as("BGR")
        w, h = self.size
        image = np.frombuffer(memoryview(data), np.uint8)
        if image.size != w * h * 3:
            self.engine.render_frame()  # the first frame of a fresh buffer can come late
            image = np.frombuffer(memoryview(self.texture.get_ram_image_as("BGR")), np.uint8)
        return image.reshape(h, w, 3)[::-1].copy()

    def close(self) -> None:
        """Release the buffer (and the engine when it is our own). Safe to call twice."""
        if self.buffer is not None:
            self.engine.remove_window(self.buffer)
            self.buffer = None
        if self._own_engine and self.engine is not None:
            self.engine.remove_all_windows()
            self.engine = None
        self.scene.remove_node()

    def __enter__(self) -> "PatientRenderer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_video(frames: Iterable[np.ndarray], path: str | Path, fps: float) -> int:
    """Write BGR frames to an mp4 (mp4v codec); returns the number of frames written."""
    import cv2  # only here: the renderer itself needs no OpenCV

    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(path, "the folder to write into does not exist")
    writer = None
    n = 0
    try:
        for image in frames:
            if writer is None:
                h, w = image.shape[:2]
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
                if not writer.isOpened():
                    raise InputError(path, "cannot write a video file here")
            writer.write(image)
            n += 1
    finally:
        if writer is not None:
            writer.release()
    return n
