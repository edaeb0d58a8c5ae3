"""Formats and clients shared by capabilities: what other tools (issue trackers) send, read into plain
Python. The parsing modules are pure (standard library only); ``clients.py`` holds the HTTP clients."""
