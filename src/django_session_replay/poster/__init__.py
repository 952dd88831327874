"""The poster frame: a session's first full snapshot as static HTML, which the
replay page shows while the player loads (docs/replay.md, "Poster frame")."""
