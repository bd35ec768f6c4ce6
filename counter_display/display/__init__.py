"""Waiting-room TV display and announcements."""
