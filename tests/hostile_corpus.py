"""Build hostile and damaged inputs, each at the path it is given (no binary fixture is
committed): pages and pictures far larger than any plan, pages of too many words,
documents of too many pages, a cell of too many characters, a damaged content stream,
formula-like cells, a YAML alias bomb. The crafted PDFs are written object by object
(`raw_pdf`), so that a file of a few hundred bytes can claim what no producer would
write; the plans around them are drawn with `pdf_factory`.

`tests/test_hostile.py` feeds them to `piano`; `benchmarks/hostile.py` measures them."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from input_corpus import TITLE, good_plan, objective
from pdf_factory import HEADER, PageSpec, TableSpec, draw_table, plan_pdf
from reportlab.pdfgen.canvas import Canvas

HUGE_PAGE_PT = 14_400.0  # the largest page PDF 1.7 allows (200 inches)


def raw_pdf(path: Path, pages: list[tuple[float, float, bytes, dict[str, bytes]]]) -> Path:
    """Given pages as (width, height, content stream, image name → image object
    dictionary and stream as one `<<…>>stream…endstream` body), write an uncompressed PDF
    of them at `path` with a correct cross-reference table and return the path."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in below
    kids = []
    for width, height, content, images in pages:
        names = []
        for name, body in images.items():
            objects.append(body)
            names.append(f"/{name} {len(objects)} 0 R".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_ref = len(objects)
        resources = b"<< /XObject << " + b" ".join(names) + b" >> >>" if names else b"<< >>"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources %s /Contents %d 0 R >>"
            % (width, height, resources, content_ref)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def grey_image(width: int, height: int, data: bytes, bits: int = 8, filters: str = "") -> bytes:
    """Given a picture's size in pixels, its (encoded) samples, bits per sample and its
    /Filter, return its image XObject (dictionary and stream)."""
    filter_entry = f" /Filter /{filters}" if filters else ""
    head = (
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceGray /BitsPerComponent {bits}{filter_entry} /Length {len(data)} >>"
    )
    return head.encode() + b"\nstream\n" + data + b"\nendstream"


def huge_scan_pdf(path: Path, pages: int = 1, side_pt: float = HUGE_PAGE_PT) -> Path:
    """A scan of `pages` pages of side_pt × side_pt points, each one picture of 8 × 8
    pixels stretched over the page: a few hundred bytes that a reader rendering the scan
    at 150 dpi turns into 30,000² pixels a page."""
    image = grey_image(8, 8, bytes([255]) * 64)
    draw = b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (side_pt, side_pt)
    return raw_pdf(path, [(side_pt, side_pt, draw, {"Im0": image})] * pages)


def image_bomb_pdf(path: Path, side_px: int = 100_000) -> Path:
    """An A4 scan whose one picture is side_px² pixels of one bit, all black, deflated:
    at 100,000² about 1.2 MB that decodes to 1.25 GB."""
    squeeze = zlib.compressobj(9)
    row = bytes((side_px + 7) // 8)
    rows_per_chunk = max(1, (8 << 20) // len(row))
    parts = []
    for start in range(0, side_px, rows_per_chunk):
        parts.append(squeeze.compress(row * min(rows_per_chunk, side_px - start)))
    parts.append(squeeze.flush())
    image = grey_image(side_px, side_px, b"".join(parts), bits=1, filters="FlateDecode")
    return raw_pdf(path, [(595.0, 842.0, b"q 595 0 0 842 0 0 cm /Im0 Do Q", {"Im0": image})])


def many_words_pdf(path: Path, words: int) -> Path:
    """One page holding `words` short words in lines of 4-point text (a page as dense as
    no plan is: 50,000 words fill a 14,400-point page)."""
    per_line = 200
    lines = (words + per_line - 1) // per_line
    height = max(842.0, 6.0 * lines + 72.0)
    parts = [b"BT /F1 4 Tf 5 TL 36 %g Td" % (height - 36)]
    left = words
    for _ in range(lines):
        count = min(per_line, left)
        left -= count
        parts.append(b"(" + b" ".join(b"ab%d" % (k % 10) for k in range(count)) + b") '")
    parts.append(b"ET")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return raw_pdf_with_font(path, min(HUGE_PAGE_PT, 200 * 16.0), height, b"\n".join(parts), font)


def raw_pdf_with_font(path: Path, width: float, height: float, content: bytes, font: bytes) -> Path:
    """Given a page size, a content stream using font /F1 and the font's dictionary,
    write a one-page PDF at `path` and return it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        font,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>" % (width, height),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    """A document of `pages` blank pages sharing one empty content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + k) for k in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def huge_page_plan(path: Path, side_pt: float = HUGE_PAGE_PT) -> Path:
    """A valid vector plan printed at the top of one side_pt × side_pt page: it extracts
    as usual, but rendering the whole page for a review crop would take 28,800² pixels."""
    canvas = Canvas(str(path), pagesize=(side_pt, side_pt))
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(30, side_pt - 51, TITLE)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(30, side_pt - 80, "ISTRUZIONE")
    rows = [objective("1", "ISTRUZIONE"), objective("2", "ISTRUZIONE")]
    draw_table(canvas, TableSpec(rows), 30, side_pt - 86)
    canvas.showPage()
    canvas.save()
    return path


def long_cell_plan(path: Path, chars: int = 73_000, in_header: bool = True) -> Path:
    """A plan whose header's DESCRIZIONE cell (or, with in_header False, one objective's
    description) holds `chars` characters of long words, wrapped in lines of 200."""
    word = "precipitevolissimevolmente"
    words = (f"{word} " * (chars // (len(word) + 1) + 1))[:chars]
    lines = [words[k : k + 200] for k in range(0, len(words), 200)]
    header = list(HEADER)
    rows = [objective("1", "ISTRUZIONE"), objective("2", "ISTRUZIONE")]
    if in_header:
        header[4] = "|".join([header[4], *lines])
    else:
        rows[0][4] = lines
    widths = [22.0, 80.0, 40.0, 90.0, 1000.0, 100.0, 120.0, 60.0]
    canvas = Canvas(str(path), pagesize=(HUGE_PAGE_PT / 2, HUGE_PAGE_PT / 2))
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(30, HUGE_PAGE_PT / 2 - 51, TITLE)
    spec = TableSpec(rows, header=header, widths=widths, title=None)
    draw_table(canvas, spec, 30, HUGE_PAGE_PT / 2 - 70)
    canvas.showPage()
    canvas.save()
    return path


def damaged_stream_plan(path: Path, page: int = 2) -> Path:
    """The good two-page plan with the deflated content stream of one page damaged in its
    middle, as a bad download or a broken producer leaves it: the page starts well and
    the rest cannot be inflated."""
    good = good_plan(path.with_name(f"whole-{path.name}"))
    data = bytearray(good.read_bytes())
    start, end = content_stream_spans(bytes(data))[page - 1]
    middle = (start + end) // 2
    data[middle : middle + 16] = b"\xff" * min(16, end - middle)
    path.write_bytes(bytes(data))
    return path


def content_stream_spans(pdf: bytes) -> list[tuple[int, int]]:
    """Given a PDF's bytes, return the byte spans of its pages' content streams in page
    order (the object each page's /Contents names)."""
    pages = re.findall(rb"/Contents (\d+) 0 R", pdf)
    spans = []
    for number in pages:
        head = re.search(rb"\n%s 0 obj\s*<<.*?>>\s*stream\r?\n" % number, pdf, re.S)
        assert head is not None, number
        end = pdf.index(b"endstream", head.end())
        spans.append((head.end(), end))
    return spans


def formula_plan(path: Path) -> Path:
    """A plan whose subjects and descriptions start with what a spreadsheet runs as a
    formula (=, +, -, @)."""
    rows = []
    for number, start in enumerate(("=1+1", "+39 030 999", "-riduzione", "@SOMMA(A1)"), 1):
        row = objective(str(number), "ISTRUZIONE")
        row[3] = [f"{start} oggetto"]
        row[6] = [f"{start} risultato (Peso 100%)"]
        rows.append(row)
    return plan_pdf(path, [PageSpec([TableSpec(rows, title="ISTRUZIONE")], lines_above=[TITLE])])


def alias_bomb_yaml(path: Path, levels: int = 12) -> Path:
    """A corrections file of a few hundred bytes whose aliases nest `levels` deep, ten
    to a level: expanded, its last item would hold 10**levels strings."""
    lines = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for k in range(1, levels):
        lines.append(f"- &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
