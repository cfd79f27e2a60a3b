"""A page's /Rotate turns its display, and pdfplumber gives coordinates as displayed: a
table drawn upright on a page marked /Rotate 90 comes out with its text running down
the page. These functions find how the text runs and turn the page model back."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any


def char_to_turn(char: dict[str, Any]) -> int:
    """Given a pdfplumber char, return the clockwise quarter turn (0, 90, 180, 270) that
    makes its baseline run left to right, from its text matrix (PDF y up)."""
    a, b = float(char["matrix"][0]), float(char["matrix"][1])
    return round(-math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def chars_to_turn(chars: list[dict[str, Any]]) -> int:
    """Given a page's chars, return the quarter turn that brings most of them upright
    (0 for a page without text)."""
    votes = Counter(char_to_turn(c) for c in chars if not c["text"].isspace())
    return votes.most_common(1)[0][0] if votes else 0


def turn_box(
    x0: float, top: float, x1: float, bottom: float, turn: int, width: float, height: float
) -> tuple[float, float, float, float]:
    """Given a box on a page of `width` × `height` as displayed, return the box on the
    page turned clockwise by `turn` degrees (top-left origin on both)."""
    if turn == 90:
        return top, width - x1, bottom, width - x0
    if turn == 180:
        return width - x1, height - bottom, width - x0, height - top
    if turn == 270:
        return height - bottom, x0, height - top, x1
    return x0, top, x1, bottom


def turn_page_objects(
    chars: list[dict[str, Any]], edges: list[dict[str, Any]], turn: int, width: float, height: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[float, float]]:
    """Given a page's chars and edges as displayed, its size and a quarter turn, return
    them turned (chars whose text now runs left to right marked upright) and the turned
    page's width and height."""

    def turned(obj: dict[str, Any]) -> dict[str, Any]:
        x0, top, x1, bottom = turn_box(
            float(obj["x0"]),
            float(obj["top"]),
            float(obj["x1"]),
            float(obj["bottom"]),
            turn,
            width,
            height,
        )
        return {**obj, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "doctop": top}

    new_chars = [{**turned(c), "upright": char_to_turn(c) == turn} for c in chars]
    swap = {"h": "v", "v": "h"} if turn in (90, 270) else {"h": "h", "v": "v"}
    new_edges = [{**turned(e), "orientation": swap[e["orientation"]]} for e in edges]
    size = (height, width) if turn in (90, 270) else (width, height)
    return new_chars, new_edges, size
