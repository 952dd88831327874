"""What a page may record: who and which browser signals opt out (optout.py)."""
