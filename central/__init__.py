"""`antrian-central`: the city's copy of every office's record in PostgreSQL, and its dashboard."""
