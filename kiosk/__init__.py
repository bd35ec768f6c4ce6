"""Antrian kiosk."""
