"""Numbers as Italians print and type them: "3,5", "1.234", "1.234,5", "95%"."""

from __future__ import annotations

import re

# digits with at most one decimal mark (a dot by now) and an optional sign
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# dots grouping thousands: "1.234", "12.500.000"
DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


def italian_number_to_float(text: str) -> float | None:
    """Given a number as printed or typed in Italian, return its value, else None.

    "," is the decimal mark and "." groups thousands ("3,5" = 3.5, "1.234" = 1234,
    "1.234,5" = 1234.5); where both marks appear, the later one is the decimal mark
    ("1,234.5" = 1234.5); a lone dot not followed by three digits is a decimal mark
    ("3.5" = 3.5). Spaces and a trailing "%" are ignored.
    """
    t = text.strip().replace(" ", "").replace("\u00a0", "").removesuffix("%")
    if "," in t and "." in t:
        decimal, grouping = (",", ".") if t.rfind(",") > t.rfind(".") else (".", ",")
        t = t.replace(grouping, "").replace(decimal, ".")
    elif "," in t:
        if t.count(",") > 1:
            return None
        t = t.replace(",", ".")
    elif DOT_THOUSANDS.fullmatch(t):
        t = t.replace(".", "")
    if not PLAIN_NUMBER.fullmatch(t):
        return None
    return float(t)
