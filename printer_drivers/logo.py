"""Office logo: a picture file rasterised once to a 1-bit image, then cached."""

from __future__ import annotations

import threading
from pathlib import Path

from printer_drivers.errors import PrinterConfigError
from printer_drivers.layout import Paper, RasterImage

LOGO_MAX_HEIGHT_DOTS = 120
LOGO_MAX_WIDTH_SHARE = 0.5  # of the printable width: a header, and ~4 KB at most
BLACK_THRESHOLD = 128

_cache: dict[tuple[str, int, int, int], RasterImage] = {}
_cache_lock = threading.Lock()


def load_logo(path: Path, paper: Paper) -> RasterImage:
    """The logo as a 1-bit raster; cached per file version and paper width."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise PrinterConfigError(f"printer.logo: cannot read {path}: {exc.strerror}") from exc
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, paper.dots)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    raster = rasterise_logo(path, paper)
    with _cache_lock:
        _cache[key] = raster
    return raster


def rasterise_logo(path: Path, paper: Paper) -> RasterImage:
    """Scale a picture into the logo box and threshold it to black and white."""
    # Pillow is loaded only where a logo is configured (it costs a slow computer ~50 ms).
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            opened.load()
            picture = opened.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise PrinterConfigError(f"printer.logo: {path} is not a readable picture") from exc
    # Transparent parts become paper, not ink.
    background = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(background, picture).convert("L")
    box = (int(paper.dots * LOGO_MAX_WIDTH_SHARE), LOGO_MAX_HEIGHT_DOTS)
    grey = ImageOps.contain(grey, box, Image.Resampling.LANCZOS)
    ink = grey.point(lambda level: 255 if level < BLACK_THRESHOLD else 0, mode="1")
    # Rows are whole bytes; the printer centres the image (ESC a 1), so pad both sides.
    width = -(-ink.width // 8) * 8
    canvas = Image.new("1", (width, ink.height), 0)
    canvas.paste(ink, ((width - ink.width) // 2, 0))
    # Mode "1" stores a drawn (255) pixel as a set bit, and ESC/POS prints a set bit as ink.
    return RasterImage(width=width, height=canvas.height, data=canvas.tobytes())
