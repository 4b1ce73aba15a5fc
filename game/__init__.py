"""The PhysioQuest application: CLI, game states, feedback, progression, sessions, review."""
