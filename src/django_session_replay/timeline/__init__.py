"""The session's timeline (models.TimelineEntry): facts drawn from stored batches
at ingest, so lists, filters and the replay page never decompress a chunk."""
