"""Code shared by the three Cloud Functions.

Importing this package is free: every module imports only what it needs, and
cloud clients are created lazily inside the adapters.
"""
