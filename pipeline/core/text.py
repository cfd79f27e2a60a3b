"""Text folding shared by the stages: lower case, accents stripped, spaces collapsed;
and the letters OCR takes for one another folded into one."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Given text, return it lower-cased, without accents and with collapsed spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace("'", " ").split())


# letters OCR mistakes for one another, by outline: vertical strokes, closed bowls, ...
GLYPH_CLASSES = {
    "I": "IL1T|!JU",
    "O": "O0QDRBP8",
    "S": "S5",
    "Z": "Z2",
    "E": "EF",
    "G": "GC6",
    "A": "A4",
    "N": "NMHW",
    "V": "VY",
}
GLYPH_OF = {char: cls for cls, chars in GLYPH_CLASSES.items() for char in chars}


def text_to_glyph_form(text: str) -> str:
    """Given text, return it upper-cased with the letters OCR confuses folded into one
    class each ("0GGETT0" and "oggetto" alike)."""
    return "".join(GLYPH_OF.get(char, char) for char in text.upper())
