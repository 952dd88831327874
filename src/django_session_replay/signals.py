"""Public signals a host may connect to.

``batch_stored``: sent after batches are committed, once per session and window
of a committed group, with the keyword arguments ``session_id`` (UUID),
``window`` (str), ``seq_first``, ``seq_last`` (the seq range stored) and
``event_count``. It is sent from a worker thread after the processors ran; a
receiver that raises is logged and never affects ingest.
"""

from __future__ import annotations

from django.dispatch import Signal

batch_stored = Signal()
