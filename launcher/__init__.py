"""The `antrian` command: demo office on one PC, and the installer's doctor."""
