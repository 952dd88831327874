"""Live viewing: the channel-layer group of each session (groups.py), the
processor that publishes committed batches to it (processor.py) and the staff
socket that subscribes (consumer.py)."""
