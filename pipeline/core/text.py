"""Text folding shared by the stages: lower case, accents stripped, spaces collapsed."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Given text, return it lower-cased, without accents and with collapsed spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace("'", " ").split())
