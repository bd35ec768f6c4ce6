"""Picture of a ticket layout, dot for dot as wide as the paper, for the preview printer."""

from __future__ import annotations

import logging
from functools import lru_cache

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from printer_drivers.escpos_bytes import CUT_MARGIN_LINES
from printer_drivers.layout import (
    FONT_A_HEIGHT_DOTS,
    FONT_A_WIDTH_DOTS,
    Align,
    Cut,
    Feed,
    QrCode,
    RasterImage,
    TextLine,
    TicketLayout,
)

logger = logging.getLogger(__name__)

LINE_SPACING_DOTS = 30  # ESC 2 default: 1/6 inch at 180 dpi heads, about 4 mm
TOP_MARGIN_DOTS = 24
CUT_MARGIN_DOTS = 96  # from the print head to the cutter blade
FONT_FILES = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}
FONT_POINT_PER_DOT_HEIGHT = 0.85  # DejaVu Sans Mono at this size fills a 24-dot cell like font A
INK = 0
PAPER = 255


def render_layout(layout: TicketLayout) -> Image.Image:
    """A grey-scale image of the printed ticket: big number, text lines and QR code."""
    width = layout.paper.dots
    pieces: list[tuple[Image.Image, Align]] = []
    for block in layout.blocks:
        if isinstance(block, TextLine):
            pieces.append((_render_text(block), block.align))
        elif isinstance(block, QrCode):
            pieces.append((_render_qr(block), Align.CENTER))
        elif isinstance(block, RasterImage):
            pieces.append((_render_raster(block), Align.CENTER))
        elif isinstance(block, Feed):
            pieces.append((_blank(block.lines * LINE_SPACING_DOTS), Align.LEFT))
        elif isinstance(block, Cut):
            margin = CUT_MARGIN_LINES * LINE_SPACING_DOTS + CUT_MARGIN_DOTS
            pieces.append((_blank(margin), Align.LEFT))
    height = TOP_MARGIN_DOTS + sum(piece.height for piece, _ in pieces)
    ticket = Image.new("L", (width, height), PAPER)
    top = TOP_MARGIN_DOTS
    for piece, align in pieces:
        ticket.paste(piece, (_left(align, width, piece.width), top))
        top += piece.height
    return ticket


def _left(align: Align, paper_width: int, width: int) -> int:
    if align is Align.CENTER:
        return max((paper_width - width) // 2, 0)
    if align is Align.RIGHT:
        return max(paper_width - width, 0)
    return 0


def _blank(height: int) -> Image.Image:
    return Image.new("L", (1, height), PAPER)


def _render_text(line: TextLine) -> Image.Image:
    cell_width = FONT_A_WIDTH_DOTS * line.width_scale
    cell_height = FONT_A_HEIGHT_DOTS * line.height_scale
    line_height = max(cell_height, LINE_SPACING_DOTS)
    text_width = max(len(line.text) * cell_width, 1)
    font = _font(line.bold, round(cell_height * FONT_POINT_PER_DOT_HEIGHT))
    # Drawn at the cell height, then stretched to the cell width, like the printer's font.
    natural_width = max(round(font.getlength(line.text)), 1)
    foreground, background = (PAPER, INK) if line.inverted else (INK, PAPER)
    glyphs = Image.new("L", (natural_width, cell_height), background)
    ImageDraw.Draw(glyphs).text(
        (0, cell_height), line.text, fill=foreground, font=font, anchor="ld"
    )
    stretched = glyphs.resize((text_width, cell_height), Image.Resampling.LANCZOS)
    rendered = Image.new("L", (text_width, line_height), PAPER)
    rendered.paste(stretched, (0, line_height - cell_height))
    return rendered


def _render_qr(code: QrCode) -> Image.Image:
    symbol = qrcode.QRCode(
        version=None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=code.module_dots,
        border=0,
    )
    symbol.add_data(code.data)
    symbol.make(fit=True)
    modules = symbol.get_matrix()
    size = len(modules) * code.module_dots
    picture = Image.new("L", (size, size), PAPER)
    draw = ImageDraw.Draw(picture)
    for row_index, row in enumerate(modules):
        for column_index, dark in enumerate(row):
            if dark:
                left = column_index * code.module_dots
                top = row_index * code.module_dots
                right = left + code.module_dots - 1
                bottom = top + code.module_dots - 1
                draw.rectangle((left, top, right, bottom), fill=INK)
    return picture


def _render_raster(image: RasterImage) -> Image.Image:
    white_is_one = bytes(byte ^ 0xFF for byte in image.data)
    return Image.frombytes("1", (image.width, image.height), white_is_one).convert("L")


@lru_cache(maxsize=32)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILES[bold], size)
    except OSError:
        logger.warning("DejaVu Sans Mono not found; the preview uses Pillow's built-in font")
        return ImageFont.load_default(size)
