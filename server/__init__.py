"""Antrian LAN server: numbering, API v1, live events, discovery."""

__version__ = "0.1.0"
