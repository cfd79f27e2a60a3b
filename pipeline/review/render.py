"""Render PDF pages to pictures with pypdfium2, for people to look at (the review
report). Each page is rendered once, at a scale in pixels per PDF point, and only the
part of it the report shows (the box around its objectives), with what it takes to turn
the extraction's boxes (PDF points from the page's top-left corner, as pdfplumber gives
them) into pixels. A part that would take more pixels than `max_pixels`, or a page with
a picture that decodes to more than `max_image_pixels`, is refused before rendering."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from pipeline.core.errors import ImageTooLargeError, InputError, PageTooLargeError

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


@dataclass(frozen=True)
class RenderedPage:
    """One rendered page: its picture and how PDF points map onto it."""

    number: int  # 1-based
    image: Image.Image
    scale: float  # pixels per PDF point
    left: float  # PDF points between the media box's left edge and the picture's
    top: float  # PDF points between the media box's top edge and the picture's
    rotation: int  # the page's /Rotate; boxes are placed right only on unrotated pages
    # pixels of the whole page's picture left of and above this one (only a part of the
    # page is rendered)
    origin: tuple[int, int] = (0, 0)

    def box_to_pixels(
        self, x0: float, top: float, x1: float, bottom: float
    ) -> tuple[int, int, int, int]:
        """Given a box in PDF points from the page's top-left corner, return it in
        pixels of the picture (left, top, right, bottom), clipped to the picture."""
        width, height = self.image.size

        def px(value: float, offset: float, origin: int, limit: int) -> int:
            # rounded as on the whole page's picture, then moved: the same pixels
            return min(max(round((value - offset) * self.scale) - origin, 0), limit)

        return (
            px(x0, self.left, self.origin[0], width),
            px(top, self.top, self.origin[1], height),
            px(x1, self.left, self.origin[0], width),
            px(bottom, self.top, self.origin[1], height),
        )


def open_document(path: Path) -> pdfium.PdfDocument:
    """Given a PDF path, return it open in pypdfium2, or raise InputError naming it."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        raise InputError(f"not a readable PDF ({error})", file=path.name) from error


def page_to_image_sizes(page: pdfium.PdfPage) -> list[tuple[int, int]]:
    """Given a pypdfium2 page, return the size in pixels of every picture on it as stored
    (forms opened), read without decoding them."""
    return [
        tuple(obj.get_px_size())  # type: ignore[misc]
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
    ]


def box_to_crop(
    box: Box | None, size: tuple[float, float], left: float, top: float, scale: float
) -> tuple[float, float, float, float]:
    """Given the part of a page to render (None: all of it), the rendered page's size,
    its offset from the media box and the scale, return pypdfium2's crop (points cut off
    the left, bottom, right and top) in whole pixels cut from the left and top, so that
    the part's pixels are those of the whole page rendered."""
    if box is None:
        return (0.0, 0.0, 0.0, 0.0)
    width, height = size
    x0 = math.floor(min(max(box[0] - left, 0.0), width) * scale) / scale
    y0 = math.floor(min(max(box[1] - top, 0.0), height) * scale) / scale
    x1 = min(max(box[2] - left, x0), width)
    y1 = min(max(box[3] - top, y0), height)
    return (x0, height - y1, width - x1, y0)


def pdf_to_rendered_pages(
    path: Path,
    pages: Iterable[int],
    scale: float,
    boxes: dict[int, Box] | None = None,
    max_pixels: int | None = None,
    max_image_pixels: int | None = None,
) -> Iterator[RenderedPage]:
    """Given a PDF, 1-based page numbers, a scale (pixels per point) and, by page, the
    part to render (the whole page where none is given, and on a turned page), yield
    each page rendered once, in the order given; only one page's picture is held at a
    time by this generator. A page number beyond the document raises InputError; more
    than `max_pixels` to render PageTooLargeError, a picture on the page of more than
    `max_image_pixels` ImageTooLargeError."""
    boxes = boxes or {}
    document = open_document(path)
    try:
        count = len(document)
        for number in pages:
            if not 1 <= number <= count:
                raise InputError(f"the PDF has {count} pages", file=path.name, page=number)
            page = document[number - 1]
            try:
                media_left, _, _, media_top = page.get_mediabox()
                crop_left, _, _, crop_top = page.get_cropbox()
                left, top = crop_left - media_left, media_top - crop_top
                rotation = int(page.get_rotation())
                box = None if rotation else boxes.get(number)
                crop = box_to_crop(box, page.get_size(), left, top, scale)
                width = (page.get_width() - crop[0] - crop[2]) * scale
                height = (page.get_height() - crop[1] - crop[3]) * scale
                if rotation in (90, 270):
                    width, height = height, width
                if max_pixels is not None and round(width) * round(height) > max_pixels:
                    raise PageTooLargeError(
                        f"rendering the page's crops at scale {scale:g} takes {round(width):,}"
                        f" × {round(height):,} pixels, more than review.max_crop_pixels "
                        f"({max_pixels:,}) allows",
                        file=path.name,
                        page=number,
                    )
                if max_image_pixels is not None:
                    for w, h in page_to_image_sizes(page):
                        if w * h > max_image_pixels:
                            raise ImageTooLargeError(
                                f"a picture on the page is {w:,} × {h:,} pixels, more than "
                                f"review.max_image_pixels ({max_image_pixels:,}) allows",
                                file=path.name,
                                page=number,
                            )
                bitmap = page.render(scale=scale, crop=crop)
                image = bitmap.to_pil().convert("RGB")
            finally:
                page.close()
            origin = (round(crop[0] * scale), round(crop[3] * scale))
            yield RenderedPage(number, image, scale, left, top, rotation, origin)
    finally:
        document.close()
