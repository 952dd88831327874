"""The wire protocol (docs/protocol.md): frames in, frames out, error codes.

Nothing here touches the database or Channels; both doors use it.
"""
