"""The app's settings: what each key of ``SESSION_REPLAY`` may hold (spec.py),
the system checks that refuse bad values (checks.py) and the check that the
recorder's WebSocket path is routed (routes.py). ``django_session_replay.conf``
reads the values."""
