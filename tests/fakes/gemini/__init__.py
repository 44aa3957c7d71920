"""A strict local stand-in for the Gemini REST API (see server.py)."""
