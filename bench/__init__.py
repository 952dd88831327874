"""Benchmarks of django-session-replay: storage (codec + compaction) and ingest (WebSocket)."""
