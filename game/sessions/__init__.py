"""Sessions: the store (SQLite or PostgreSQL), the recorder the game writes through, and
the typed records (patients, plans, sessions, sets, repetitions, events, pain check-ins)."""
