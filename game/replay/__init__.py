"""Replay of a recorded session: the timeline model (pure), re-scoring, and the Panda3D viewer."""
