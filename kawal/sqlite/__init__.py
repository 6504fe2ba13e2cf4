"""Kawal's SQLite database backend: Django's, with writers queued for the one write lock."""
