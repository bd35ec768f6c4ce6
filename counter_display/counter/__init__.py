"""Counter terminal (loket)."""
