"""A cell's text to the items the plan lists in it, whatever the printing.

The extractor keeps a cell's separately set lines apart with "\\n", but whether a line
break reaches the text depends on the renderer: a word processor that wraps "entro il" /
"30/06/2021" sets a line as short as an item's last line, and a wide column can set two
items with no break between them. So the text is read as one line (white space
squashed) and an item starts where the meaning says so:

- always: at each item of a list the cell opens with ("1." / "a)" / "-" / "•"), at a
  sentence start after a sentence end ("… interno. Risparmio …"; a dotted abbreviation
  such as "G.C." ends one too, a single letter such as "N." never), and at a threshold
  following an item that already states a quantity ("3 50% almeno 70%", "> 50 > 100");
- where a printed line began, unless the new line only carries on the one before: it
  opens in lower case, with a bracket or punctuation, with a date or "entro", or is a
  single word; or the line before ends on a word that cannot end an item ("il", "di",
  "e", "n.") or on a hyphen, comma, colon or open bracket;
- never inside a list introduced by text of its own ("Predisposizione atti: 1.report
  presenze 2.schede valutazione"): that is one item, its list a detail of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def words(text: str) -> frozenset[str]:
    """Given words separated by white space, return them as a set."""
    return frozenset(text.split())


# words after which an item goes on: articles, prepositions, conjunctions, count marks
CONTINUING_WORDS = words(
    """a ad al allo alla ai agli alle all' che con col da dal dallo dalla dai dagli dalle
    dall' di del dello della dei degli delle dell' e ed entro fra i il in la le lo gli l'
    nel nello nella nei negli nelle nell' o od oppure per su sul sullo sulla sui sugli
    sulle sull' tra un una uno un' non ogni pari circa presso tramite mediante verso
    almeno minimo massimo min min. max max. n. n° nr. num. numero oltre fino sino peso
    p."""
)
# a "." after these does not end a sentence
ABBREVIATIONS = words(
    """art artt cod n nn nr num es pag pagg tab all lett co dott dott.ssa sig sigg ing arch
    geom rag prot rif cfr tot max min ecc p.es gg mm aa tel"""
)
OPEN_ENDINGS = tuple("-–—,(/:+&=<>≥≤'’")
# a line opening with these goes on with the one before
CONTINUING_STARTS = tuple(")]},.;:")
BULLETS = words("- – — • ▪ · * ◦ ●")
ATTACHED_BULLETS = "•▪◦●"

TOKEN = re.compile(r"\S+")
DATE_START = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,5}")
# "1." "2)" "a)" opening an item; "1.report" is one set without a space
ENUMERATOR = re.compile(r"(?:(?P<num>\d{1,2})[.)]|(?P<letter>[a-z])\))(?=[^\W\d_]|$)")
DOTTED_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}\.?")
YEAR = re.compile(r"(?:19|20)\d\d")
NUMBER_TOKEN = re.compile(r"\(?(?P<num>\d+(?:[.,]\d+)*)\s*%?\)?[.,;:]?")
SYMBOL_OPENER = re.compile(r"(?:[<>≤≥]=?|=>|=<)\s*\d")
SYMBOLS = words("< > ≤ ≥ <= >= => =<")
WORD_OPENERS = words("almeno minimo massimo min min. max max.")
ATTACHED_WORD_OPENER = re.compile(r"(?:min|max)\.\d", re.IGNORECASE)
COUNT_MARKS = words("n. n° nr. num.")
ATTACHED_COUNT = re.compile(r"n[.°]\d", re.IGNORECASE)
# an item's last word as a past participle ("attivati", "predisposto", "messa")
PARTICIPLE = re.compile(r"[^\W\d_]{2,}(?:[aiu]t|tt|ss|st)[oaie]")
# an item that is nothing but a threshold in percent or with a comparison sign
BARE_THRESHOLD = re.compile(
    r"(?:[<>≤≥]=?|=[<>]?)?\s*\d+(?:[.,]\d+)?\s*%|(?:[<>≤≥]=?|=[<>])\s*\d+(?:[.,]\d+)?"
)
QUANTITY_WORDS = words(
    "un uno una due tre quattro cinque sei sette otto nove dieci venti trenta cento"
)
ITEM_EDGE = " \t;,:"
DATE = r"\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,5}"
DATE_ONLY = re.compile(
    rf"(?:entro\s+(?:il\s+|la\s+|l['’]\s*)?)?{DATE}(?:\s*(?:e|-|/|,)\s*{DATE})*\.?", re.IGNORECASE
)
LEADING_MARK = re.compile(r"^(?:[-–—•▪·*◦●]\s*|(?:\d{1,2}[.)]|[a-z]\))\s*(?=[^\W\d_]))")


@dataclass(frozen=True)
class CellText:
    """A cell's text on one line (white space squashed), the offsets in it where a printed
    line began (the extractor's "\n"), and spans that never open an item but belong to
    the item before them (a lateness clause)."""

    text: str
    line_starts: frozenset[int]
    attached: tuple[tuple[int, int], ...] = ()

    def part(self, start: int, end: int) -> tuple[int, CellText]:
        """Given offsets, return where the text between them starts once stripped, and
        that text with its own line starts and attached spans."""
        piece = self.text[start:end]
        offset = start + len(piece) - len(piece.lstrip())
        piece = piece.strip()
        stop = offset + len(piece)
        return offset, CellText(
            piece,
            frozenset(p - offset for p in self.line_starts if offset < p < stop),
            tuple(
                (max(s, offset) - offset, min(e, stop) - offset)
                for s, e in self.attached
                if s < stop and e > offset
            ),
        )

    def is_attached(self, position: int) -> bool:
        """Given an offset, return whether it lies in an attached span."""
        return any(s <= position < e for s, e in self.attached)


@dataclass(frozen=True)
class Token:
    """One word of a cell's text and where it stands."""

    text: str
    start: int
    end: int


def cell_to_cell_text(cell: str) -> CellText:
    """Given a cell's text as extracted (lines separated by "\\n"), return its CellText."""
    pieces: list[str] = []
    starts: set[int] = set()
    offset = 0
    for line in cell.split("\n"):
        piece = " ".join(line.split())
        if not piece:
            continue
        if pieces:
            offset += 1
            starts.add(offset)
        pieces.append(piece)
        offset += len(piece)
    return CellText(" ".join(pieces), frozenset(starts))


def text_to_tokens(text: str) -> list[Token]:
    """Given a text, return its words with their offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def word_of(token: str) -> str:
    """Given a token, return it lower-cased without the punctuation around it."""
    return token.lower().strip("\"'“”«»()[],;:")


def is_continuing_word(token: str) -> bool:
    """Given a token, return whether an item cannot end on it ("il", "di", "n.")."""
    lower = token.lower().strip('"“”«»()[],;')
    return lower in CONTINUING_WORDS or lower.endswith(("'", "’"))


def ends_open(token: str) -> bool:
    """Given a token, return whether it ends on a mark that goes on (hyphen, comma, ...)."""
    return token.endswith(OPEN_ENDINGS)


def ends_sentence(token: str) -> bool:
    """Given a token, return whether it closes a sentence: ";", "!", "?" or a full stop
    after a word that is no abbreviation of a single letter or of `ABBREVIATIONS`."""
    if token.endswith((";", "!", "?")):
        return len(token) > 1
    if not token.endswith("."):
        return False
    core = re.sub(r"^\W+", "", token.rstrip("."))
    if DOTTED_ABBREVIATION.fullmatch(core + "."):
        return core.count(".") >= 1  # "G.C." ends a sentence, "N." does not
    if core.lower() in ABBREVIATIONS:
        return False
    return len(core.strip(")]\"'”»")) > 1


def starts_upper(token: str) -> bool:
    """Given a token, return whether it opens with an upper-case letter."""
    head = token.lstrip("\"'“«")
    return bool(head) and head[0].isalpha() and head[0].isupper()


def starts_lower(token: str) -> bool:
    """Given a token, return whether it opens with a lower-case letter."""
    return bool(token) and token[0].isalpha() and token[0].islower()


def is_date_start(token: str) -> bool:
    """Given a token, return whether it opens with a date (30/06/2021)."""
    return DATE_START.match(token) is not None


def token_to_enumerator(token: str) -> int | None:
    """Given a token, return the position of the list item it opens ("1." → 1, "b)" → 2),
    or None."""
    m = ENUMERATOR.match(token)
    if not m:
        return None
    if m.group("num"):
        return int(m.group("num"))
    return ord(m.group("letter")) - ord("a") + 1


def is_quantity(token: str) -> bool:
    """Given a token, return whether it states a quantity: a number that is no date, year,
    list mark or reference such as "449/1997"."""
    if is_date_start(token) or token_to_enumerator(token) is not None or "/" in token:
        return False
    m = NUMBER_TOKEN.fullmatch(token)
    if m:
        return not YEAR.fullmatch(m.group("num")) or "%" in token
    return bool(
        ATTACHED_WORD_OPENER.match(token)
        or ATTACHED_COUNT.match(token)
        or SYMBOL_OPENER.match(token)
    )


def opens_threshold(tokens: list[Token], i: int) -> bool:
    """Given tokens and an index, return whether a threshold begins there: "> 50", "≥90%",
    "almeno 70%", "Min.10", "n. 2", or a bare quantity ("3", "50%")."""
    text = tokens[i].text
    lower = text.lower()
    after = tokens[i + 1].text if i + 1 < len(tokens) else ""
    after_word = word_of(after)
    if lower in WORD_OPENERS:
        if after_word in ("il", "la", "l'", "n.") and i + 2 < len(tokens):
            after = tokens[i + 2].text
            after_word = word_of(after)
        return is_quantity(after) or after_word in QUANTITY_WORDS
    if lower in SYMBOLS or lower in COUNT_MARKS:
        return is_quantity(after)
    return not text.startswith("(") and is_quantity(text)


def is_last_one_word_line(tokens: list[Token], i: int) -> bool:
    """Given tokens and the index of a line's first token, return whether that line is the
    text's last and holds this one word only, with no figure in it."""
    return i + 1 == len(tokens) and not any(c.isdigit() for c in tokens[i].text)


def is_acronym(token: str) -> bool:
    """Given a token, return whether it is an acronym in capitals ("CUP", "RFID", "G.C.")."""
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def is_figure_not_quantity(token: str) -> bool:
    """Given a token, return whether it is a figure that states no quantity of its own: a
    year ("2022") or a reference ("449/1997")."""
    return token[:1].isdigit() and not is_quantity(token) and not is_date_start(token)


def is_bullet(token: str) -> bool:
    """Given a token, return whether it is a list bullet ("-", "•", or "•" set close)."""
    return token in BULLETS or token[0] in ATTACHED_BULLETS


def list_spans(tokens: list[Token]) -> tuple[list[int], int | None]:
    """Given tokens, return the indexes where the items of a list the text opens with
    begin (after the first), and the index from which an inline list ("atti: 1.report
    2.schede") keeps the rest of the text in one item, or None."""
    if tokens and is_bullet(tokens[0].text):
        return [i for i, t in enumerate(tokens) if i and is_bullet(t.text)], None
    run: list[int] = []
    for i, token in enumerate(tokens):
        if token_to_enumerator(token.text) == len(run) + 1:
            run.append(i)
    if len(run) < 2:
        return [], None
    first = run[0]
    if first == 0 or ends_sentence(tokens[first - 1].text):
        return run[1:], None
    return [], first


def cell_text_to_item_starts(cell: CellText) -> list[int]:
    """Given a CellText, return the offsets where its items begin (0 first); none inside
    brackets, attached spans or a list introduced by text of its own."""
    tokens = text_to_tokens(cell.text)
    if not tokens:
        return []
    list_starts, inline_from = list_spans(tokens)
    last = len(tokens) if inline_from is None else inline_from
    starts, first, depth = [0], 0, bracket_depth(0, tokens[0].text)
    for i in range(1, last):
        if (
            depth == 0
            and not cell.is_attached(tokens[i].start)
            and starts_item(tokens, i, first, cell.line_starts, list_starts)
        ):
            starts.append(tokens[i].start)
            first = i
        depth = bracket_depth(depth, tokens[i].text)
    return starts


def starts_item(
    tokens: list[Token], i: int, first: int, line_starts: frozenset[int], list_starts: list[int]
) -> bool:
    """Given tokens, an index, the index where the current item began, the line starts and
    the list's item starts, return whether a new item begins at the index."""
    token, before = tokens[i].text, tokens[i - 1].text
    if i in list_starts or (ends_sentence(before) and starts_upper(token)):
        return True
    if continues(before):
        return False
    if opens_threshold(tokens, i) and states_quantity(tokens, first, i):
        return True
    if starts_upper(token) and not is_acronym(token):
        # "attivati Predisposizione …"; a head noun said again opens a fraction's
        # denominator ("Atti predisposti Atti totali") or the next line of a list
        participle = starts_lower(before) and PARTICIPLE.fullmatch(word_of(before))
        if participle and not opens_denominator(tokens, i, first):
            return True
        if BARE_THRESHOLD.fullmatch(" ".join(t.text for t in tokens[first:i])):
            return True  # "100% Backup attivato"
    if tokens[i].start in line_starts:
        return not line_goes_on(tokens, i, first)
    return False


def opens_denominator(tokens: list[Token], i: int, first: int) -> bool:
    """Given tokens, an index and the index where the current item began, return whether
    the item's head noun is said again there, as a fraction's denominator is printed
    under its numerator ("Scia verificate e trasmesse" / "Scia presentate"); not when the
    item already writes its fraction with a "/"."""
    if any("/" in t.text for t in tokens[first:i]):
        return False
    return i > first and word_of(tokens[i].text) == word_of(tokens[first].text)


def states_quantity(tokens: list[Token], first: int, i: int) -> bool:
    """Given tokens and a range, return whether the tokens in it state a quantity."""
    return any(is_quantity(tokens[k].text) or opens_threshold(tokens, k) for k in range(first, i))


def bracket_depth(depth: int, token: str) -> int:
    """Given the bracket depth before a token and the token, return the depth after it."""
    for char in token:
        if char in "([":
            depth += 1
        elif char in ")]" and depth > 0:
            depth -= 1
    return depth


def continues(before: str) -> bool:
    """Given the token before a place, return whether the item must go on after it."""
    return is_continuing_word(before) or ends_open(before)


def line_goes_on(tokens: list[Token], i: int, first: int) -> bool:
    """Given tokens, the index of the first token of a printed line and of its item's
    first token, return whether that line only carries on the item: the line before ends
    on a word or mark that goes on, or the line opens a fraction's denominator, or opens
    in lower case, with a bracket or punctuation, a date, "entro", an acronym, a year, or
    is the text's last line and one word long."""
    token, before = tokens[i].text, tokens[i - 1].text
    if continues(before):
        return True
    if ends_sentence(before):
        return starts_lower(token) or token.startswith(CONTINUING_STARTS)
    return (
        opens_denominator(tokens, i, first)
        or starts_lower(token)
        or token.startswith(CONTINUING_STARTS)
        or token.startswith("(")
        or is_date_start(token)
        or word_of(token) == "entro"
        or is_acronym(token)
        or is_figure_not_quantity(token)
        or is_last_one_word_line(tokens, i)
    )


def text_goes_on(text: str) -> bool:
    """Given the text after an item's end (a weight), return whether it carries on that
    item rather than open a new one: it opens in lower case, with a bracket, with a date
    or "entro"."""
    tokens = text_to_tokens(text.lstrip(" .;,:"))
    if not tokens:
        return False
    first = tokens[0].text
    return (
        (starts_lower(first) and not opens_threshold(tokens, 0))
        or first.startswith(("(", ")"))
        or is_date_start(first)
        or word_of(first) == "entro"
    )


def clause_end(text: str, start: int, stop: int) -> int | None:
    """Given a text and offsets, return where the word after the first sentence end
    between them begins, or None."""
    tokens = text_to_tokens(text[start:stop])
    for token, after in zip(tokens, tokens[1:], strict=False):
        if ends_sentence(token.text):
            return start + after.start
    return None


def cell_text_to_items(cell: CellText) -> list[tuple[int, int]]:
    """Given a CellText, return the (start, end) offsets of its items, each without the
    list mark or separators at its edges; items with no word or figure are left out, and
    an item that is only a date ("30/06/2021", "entro il 31/12/2021") joins the item
    before it (the one after, when it comes first)."""
    starts = cell_text_to_item_starts(cell)
    spans: list[tuple[int, int]] = []
    for start, end in zip(starts, [*starts[1:], len(cell.text)], strict=False):
        span = span_to_item(cell.text, start, end)
        if span is not None:
            spans.append(span)
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and (is_date_only(cell.text, merged[-1]) or is_date_only(cell.text, span)):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def is_date_only(text: str, span: tuple[int, int]) -> bool:
    """Given a text and an item's offsets, return whether the item says nothing but a
    date or a deadline ("31/12/2021", "entro il 30.06.2021")."""
    return DATE_ONLY.fullmatch(text[span[0] : span[1]]) is not None


def span_to_item(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Given a text and offsets, return them narrowed to the item between: no list mark
    before it, no separators around it; None when nothing but marks is left."""
    piece = text[start:end]
    mark = LEADING_MARK.match(piece)
    skip = mark.end() if mark else 0
    while skip < len(piece) and piece[skip] in ITEM_EDGE + ".":
        skip += 1
    trimmed = piece[skip:].rstrip(ITEM_EDGE)
    if not any(c.isalnum() for c in trimmed):
        return None
    return start + skip, start + skip + len(trimmed)
