"""Antrian counter_display."""
