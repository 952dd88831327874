"""What recordings add up to: summaries of a session (summaries.py), the
dashboard's figures (stats.py), questions in plain words (ask.py), and the
chat-completions client the last two may use (llm.py). Signals are found at
ingest, by timeline/signals.py."""
