"""The optional logo: rasterised once, cached, printed as GS v 0 and drawn in the preview."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from printer_drivers import PreviewPrinter, PrinterConfig, TicketData, open_printer
from printer_drivers.escpos_bytes import raster_command
from printer_drivers.layout import PAPERS, RasterImage
from printer_drivers.logo import load_logo


def draw_logo(path: Path) -> Path:
    picture = Image.new("RGBA", (400, 200), (0, 0, 0, 0))  # transparent background
    ImageDraw.Draw(picture).ellipse((100, 0, 300, 200), fill=(0, 80, 160, 255))
    picture.save(path)
    return path


def test_logo_is_scaled_into_its_box_and_thresholded(tmp_path: Path) -> None:
    raster = load_logo(draw_logo(tmp_path / "logo.png"), PAPERS[80])
    assert (raster.width, raster.height) == (240, 120)  # half the paper wide, at most 120 high
    assert raster.data[0] == 0  # transparent corner is paper, not ink
    middle_row = raster.height // 2 * raster.width // 8
    assert raster.data[middle_row + raster.width // 16] == 0xFF  # the disc is ink


def test_logo_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = draw_logo(tmp_path / "logo.png")
    first = load_logo(path, PAPERS[58])
    assert load_logo(path, PAPERS[58]) is first
    Image.new("RGB", (64, 64), "black").save(path)
    assert load_logo(path, PAPERS[58]) is not first


def test_raster_command_is_gs_v_0() -> None:
    image = RasterImage(width=16, height=2, data=b"\xff\x00\x0f\xf0")
    assert raster_command(image) == b"\x1dv0\x00\x02\x00\x02\x00\xff\x00\x0f\xf0"


def test_ticket_with_logo_starts_with_the_centred_raster(
    tmp_path: Path, ticket: TicketData
) -> None:
    config = PrinterConfig(logo=draw_logo(tmp_path / "logo.png"), preview_dir=tmp_path / "out")
    printer = open_printer(config)
    assert isinstance(printer, PreviewPrinter)
    printer.print_ticket(ticket)
    assert printer.last_bytes_path is not None
    data = printer.last_bytes_path.read_bytes()
    assert data.startswith(b"\x1b@\x1bt\x00\x1ba\x01\x1dv0\x00\x1e\x00\x78\x00")
    assert len(data) > 30 * 120  # the raster itself
