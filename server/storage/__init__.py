"""Antrian server storage."""
