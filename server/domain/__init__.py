"""Antrian server domain."""
