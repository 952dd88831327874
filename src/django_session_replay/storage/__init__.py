"""Where events rest: the chunk codec (codec.py), chunk objects in Django
storage (objects.py), compaction of batches into chunks (compaction.py), reading
a session back (reader.py, ndjson.py) and the receiver that deletes a chunk's
object with its row (receivers.py)."""
