"""Render PDF pages to pictures with pypdfium2, for people to look at (the review
report). Each page is rendered once, at a scale in pixels per PDF point, with what it
takes to turn the extraction's boxes (PDF points from the page's top-left corner, as
pdfplumber gives them) into pixels."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from pipeline.core.errors import InputError


@dataclass(frozen=True)
class RenderedPage:
    """One rendered page: its picture and how PDF points map onto it."""

    number: int  # 1-based
    image: Image.Image
    scale: float  # pixels per PDF point
    left: float  # PDF points between the media box's left edge and the picture's
    top: float  # PDF points between the media box's top edge and the picture's
    rotation: int  # the page's /Rotate; boxes are placed right only on unrotated pages

    def box_to_pixels(
        self, x0: float, top: float, x1: float, bottom: float
    ) -> tuple[int, int, int, int]:
        """Given a box in PDF points from the page's top-left corner, return it in
        pixels of the picture (left, top, right, bottom), clipped to the picture."""
        width, height = self.image.size

        def px(value: float, offset: float, limit: int) -> int:
            return min(max(round((value - offset) * self.scale), 0), limit)

        return (
            px(x0, self.left, width),
            px(top, self.top, height),
            px(x1, self.left, width),
            px(bottom, self.top, height),
        )


def open_document(path: Path) -> pdfium.PdfDocument:
    """Given a PDF path, return it open in pypdfium2, or raise InputError naming it."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        raise InputError(f"not a readable PDF ({error})", file=path.name) from error


def pdf_to_rendered_pages(path: Path, pages: Iterable[int], scale: float) -> Iterator[RenderedPage]:
    """Given a PDF, 1-based page numbers and a scale (pixels per point), yield each page
    rendered once, in the order given; only one page's picture is held at a time by this
    generator. A page number beyond the document raises InputError."""
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
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")
                rotation = int(page.get_rotation())
            finally:
                page.close()
            yield RenderedPage(
                number, image, scale, crop_left - media_left, media_top - crop_top, rotation
            )
    finally:
        document.close()
