"""Camera frames to scored movement: sources, pose backends, landmark series, analysis.

Pure layers (landmarks, series, kinematics, exercise scoring) import numpy only;
OpenCV and MediaPipe appear only in ``tracking.sources`` and ``tracking.backends``.
This package never imports panda3d, ``game`` or ``scenes``.
"""
