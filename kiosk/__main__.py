"""python -m kiosk: the same as antrian-kiosk."""

from __future__ import annotations

import sys

from kiosk.main import main

sys.exit(main())
