"""Antrian client."""
