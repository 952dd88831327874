"""The Django server side of a session: the context cookie (context.py), what a
recorded request leaves on the timeline (record.py), the objects it touched
(links.py). middleware.py and logging.py are the doors a host project names."""
