"""Exercise specs, repetition and hold detection, scoring, live tracker and offline analysis."""
