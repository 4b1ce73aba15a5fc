"""The rendered virtual patient: a clothed figure built from code, offscreen rendering, clips
with their truth, a FrameSource and a game inset. See docs/rendered-patient.md."""
