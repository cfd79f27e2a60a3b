"""What kind of text layer a PDF has: font types and encodings (pdffonts), space glyphs,
ligature glyphs, and how many characters each text run holds (pypdfium2), so the
matrix can show that it really contains the traits of producers that cannot run here
(Type0/CID Identity-H fonts with ToUnicode maps, no space glyphs, ligatures, text drawn
in many small runs)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

LIGATURES = {chr(c) for c in range(0xFB00, 0xFB07)}
# a run of this few characters or fewer on average is "text drawn in many small runs"
SMALL_RUN = 6.0


def pdf_to_fonts(path: Path) -> list[dict[str, str]]:
    """Given a PDF, return pdffonts' table: name, type, encoding and whether each font
    has a ToUnicode map."""
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        parts = line.split()
        if len(parts) < 7:
            continue
        # name type... encoding emb sub uni object-id: the type may have spaces
        name, uni, encoding = parts[0], parts[-3], parts[-6]
        kind = " ".join(parts[1:-6])
        fonts.append({"name": name, "type": kind, "encoding": encoding, "tounicode": uni})
    return fonts


def pdf_to_traits(path: Path) -> dict[str, Any]:
    """Given a PDF, return its text-layer traits and the counts behind them."""
    fonts = pdf_to_fonts(path)
    chars = spaces = ligature_chars = multi_char = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                text = char["text"]
                chars += 1
                spaces += text == " "
                ligature_chars += text in LIGATURES
                multi_char += len(text) > 1
    runs = run_chars = 0
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)):
                runs += 1
                del obj
            textpage = page.get_textpage()
            run_chars += textpage.count_chars()
            textpage.close()
            page.close()
    finally:
        document.close()
    chars_per_run = run_chars / runs if runs else 0.0
    return {
        "fonts": fonts,
        "type0_identity_h": any(
            f["type"].startswith("CID") and f["encoding"] == "Identity-H" for f in fonts
        ),
        "tounicode_everywhere": bool(fonts) and all(f["tounicode"] == "yes" for f in fonts),
        "chars": chars,
        "space_glyphs": spaces,
        "no_space_glyphs": chars > 0 and spaces == 0,
        "ligature_glyphs_u_fb0x": ligature_chars,
        "multi_char_glyphs": multi_char,
        "ligatures": ligature_chars + multi_char > 0,
        "text_runs": runs,
        "chars_per_run": round(chars_per_run, 2),
        "many_small_runs": 0 < chars_per_run <= SMALL_RUN,
    }
