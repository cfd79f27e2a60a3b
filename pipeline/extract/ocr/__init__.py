"""extract.ocr."""
