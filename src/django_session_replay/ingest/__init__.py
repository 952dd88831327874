"""Ingest: who may record (access, tokens), which session a recorder joins
(sessions), storing batches exactly once (store, groupcommit) and what runs
after they are committed (pipeline). Both doors (transports/) come through here.
"""
