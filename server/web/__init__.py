"""Antrian server web."""
