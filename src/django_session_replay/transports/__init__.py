"""The two doors batches come in by: the WebSocket (websocket.py) and the HTTP
beacon (http.py). Both decode with wire/, check access and store through
ingest/groupcommit.py, so everything after the commit is the same for both."""
