"""Make scanned-plan test inputs instead of committing more large files: page pictures
rendered from any PDF (an OCR layer is invisible, so it is not drawn), and image-only
PDFs made of them, such as an image-only copy of the committed scan."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image


def pdf_to_page_images(
    source: Path, pages: list[int] | None = None, dpi: float = 200.0
) -> list[Image.Image]:
    """Given a PDF and 1-based page numbers (all when None), return the pages rendered in
    grey at `dpi`; an invisible OCR text layer is not drawn."""
    document = pdfium.PdfDocument(source)
    try:
        numbers = pages or list(range(1, len(document) + 1))
        return [
            document[n - 1].render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L")
            for n in numbers
        ]
    finally:
        document.close()


def images_to_pdf(images: list[Image.Image], target: Path, dpi: float = 200.0) -> Path:
    """Given page pictures, write them as an image-only PDF (one picture per page, no
    text) at `target` and return it."""
    first, *rest = images
    first.save(target, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return target


def image_only_copy(
    source: Path, target: Path, pages: list[int] | None = None, dpi: float = 200.0
) -> Path:
    """Given a scanned PDF, write an image-only copy of the chosen pages at `target`."""
    return images_to_pdf(pdf_to_page_images(source, pages, dpi), target, dpi)
