"""Cell text: wrapped lines, separately set lines and hyphens at line ends."""

from pipeline.extract.lines import (
    HyphenForms,
    Line,
    cell_words_to_lines,
    lines_to_text,
    resolve_hyphen_joins,
)
from pipeline.extract.page import Word

CELL_X0, CELL_X1 = 100.0, 200.0


def line_of(
    texts: list[str],
    top: float,
    x0: float = 102.0,
    space_after_last: bool = False,
    char_width: float = 4.0,
) -> list[Word]:
    words, x = [], x0
    for k, text in enumerate(texts):
        width = char_width * len(text)
        last = k == len(texts) - 1
        words.append(Word(text, x, top, x + width, top + 7, True if not last else space_after_last))
        x += width + 2.0
    return words


def text_of(*lines: list[Word], forms: HyphenForms | None = None) -> str:
    words = [w for line in lines for w in line]
    text = lines_to_text(cell_words_to_lines(words, CELL_X0, CELL_X1))
    return resolve_hyphen_joins(text, forms or HyphenForms())[0]


def test_wrapped_lines_are_joined_by_one_space():
    # the first line ends close to the right edge: the next word did not fit
    first = line_of(["aaaaaaaaaa", "bbbbbbbbbb"], 10, x0=102)  # ends at 184
    second = line_of(["cccccccccc"], 19)
    assert text_of(first, second) == "aaaaaaaaaa bbbbbbbbbb cccccccccc"


def test_line_that_stops_short_starts_a_paragraph():
    first = line_of(["Avvio"], 10)  # ends at 122: "Definizione" would have fitted
    second = line_of(["Definizione"], 19)
    assert text_of(first, second) == "Avvio\nDefinizione"


def test_word_split_at_its_hyphen_is_rejoined_without_space():
    first = line_of(["aaaaaaaaaa", "presenze-"], 10, x0=120)  # ends at 198
    second = line_of(["assenze"], 19)
    assert text_of(first, second) == "aaaaaaaaaa presenze-assenze"


def test_printed_space_after_hyphen_is_kept():
    first = line_of(["aaaaaaaaaa", "evasione-"], 10, x0=120, space_after_last=True)
    second = line_of(["elusione"], 19)
    assert text_of(first, second) == "aaaaaaaaaa evasione- elusione"


def test_hyphen_before_a_listed_item_parts_the_items():
    first = line_of(["aaaaaaaaaa", "anfiteatro-"], 10, x0=120)  # ends at 206 > right limit
    second = line_of(["5)", "gestione"], 19)
    assert text_of(first, second) == "aaaaaaaaaa anfiteatro- 5) gestione"


def test_hyphen_before_a_number_is_one_word_whatever_the_room_left():
    for x0 in (132.0, 140.0):  # room for a space after "COVD-", or none
        first = line_of(["aaaaaaaaaa", "COVD-"], 10, x0=x0)
        second = line_of(["19", "in"], 19)
        assert text_of(first, second) == "aaaaaaaaaa COVD-19 in"


def test_a_lone_dash_at_a_line_end_keeps_its_spaces():
    first = line_of(["segnalazioni", "-"], 10, x0=130)
    second = line_of(["chiusure"], 19)
    assert text_of(first, second) == "segnalazioni - chiusure"


def forms_of(*texts: list[str]) -> HyphenForms:
    forms = HyphenForms()
    for texts_of_line in texts:
        forms.add_lines(cell_words_to_lines(line_of(texts_of_line, 10, x0=0), 0.0, 900.0))
    return forms


def test_a_lone_dash_opening_an_item_is_glued_where_the_document_glues_its_items():
    first = line_of(["aaaaaaaaaa", "diritto;", "-"], 10, x0=120)
    second = line_of(["approvazione"], 19)
    glued = forms_of(["regionale;", "-individuazione"], ["servizio:", "-apertura"])
    spaced = forms_of(["regionale;", "-", "individuazione"], ["servizio:", "-", "apertura"])
    assert text_of(first, second, forms=glued) == "aaaaaaaaaa diritto; -approvazione"
    assert text_of(first, second, forms=spaced) == "aaaaaaaaaa diritto; - approvazione"
    # items glued say nothing of a dash between two words
    plain = line_of(["aaaaaaaaaa", "comunali", "-"], 10, x0=120)
    assert text_of(plain, second, forms=glued) == "aaaaaaaaaa comunali - approvazione"


def test_a_lone_mark_follows_the_clear_majority_of_distinct_forms():
    first = line_of(["aaaaaaaaaa", "evase", "/"], 10, x0=120)
    second = line_of(["richieste"], 19)
    # one phrase printed in five rows is one form: two glued forms against two spaced
    even = forms_of(
        *[["emessi", "/numero"]] * 5, ["ceduti", "/n."], ["digitali", "/", "n."], ["a", "/", "b"]
    )
    spaced = forms_of(["ceduti", "/n."], ["digitali", "/", "n."], ["a", "/", "b"])
    glued = forms_of(["ceduti", "/n."], ["emessi", "/numero"], ["digitali", "/", "n."])
    assert text_of(first, second, forms=even) == "aaaaaaaaaa evase / richieste"
    assert text_of(first, second, forms=spaced) == "aaaaaaaaaa evase / richieste"
    assert text_of(first, second, forms=glued) == "aaaaaaaaaa evase /richieste"


def test_a_mark_opening_a_line_is_no_evidence():
    # "2020" + "- avviando" is a wrapped line as often as an item
    assert forms_of(["-", "avviando"], ["-apertura"]).lone_mark_glued("-", "x;") is None


def space_only_forms(*words: str) -> HyphenForms:
    """Forms of a layer whose lines each open with a hyphenated word whose head would have
    fitted on the line before (ends at 160 of a 200 limit) though the word would not: a
    producer that breaks at spaces alone."""
    forms = HyphenForms()
    for word in words:
        lines = cell_words_to_lines(
            line_of(["a" * 15], 10, x0=100)
            + line_of([word, "b"], 19, x0=100)
            + [Word("zzzzzzzzzzzzzzzzzzzzzzzz", 102, 28, 198, 35)],
            CELL_X0,
            CELL_X1,
        )
        forms.add_lines(lines)
    return forms


def test_a_producer_breaking_at_spaces_alone_shows_a_space_after_each_line_end_hyphen():
    forms = space_only_forms("ferie-permessi", "anti-covid", "macro-comparti")
    assert not forms.breaks_inside_words("-")
    assert forms.breaks_inside_words("/")  # nothing said of slashes
    first = line_of(["aaaaaaaaaa", "determina-"], 10, x0=120)
    second = line_of(["aggiudicazione"], 19)
    assert text_of(first, second, forms=forms) == "aaaaaaaaaa determina- aggiudicazione"
    # one word left whole is not enough
    assert text_of(first, second, forms=space_only_forms("anti-covid")) == (
        "aaaaaaaaaa determina-aggiudicazione"
    )


def test_line_ends_breaking_words_printed_whole_outweigh_words_left_whole():
    forms = space_only_forms("ferie-permessi", "anti-covid")
    forms.joined.add("presenze-assenze")
    forms.add_lines(
        cell_words_to_lines(
            line_of(["aaaaaaaaaa", "presenze-"], 10, x0=120) + line_of(["assenze"], 19),
            CELL_X0,
            CELL_X1,
        )
    )
    assert forms.breaks_inside_words("-")


def test_a_hyphen_is_rejoined_as_the_document_prints_the_word_elsewhere():
    first = line_of(["aaaaaaaaaa", "evasione-"], 10, x0=120)
    second = line_of(["elusione"], 19)
    suspended = HyphenForms(suspended={"evasione-"})
    joined = HyphenForms(joined={"evasione-elusione"})
    assert text_of(first, second, forms=suspended) == "aaaaaaaaaa evasione- elusione"
    assert text_of(first, second, forms=joined) == "aaaaaaaaaa evasione-elusione"


def test_forms_are_read_from_lines_where_no_line_end_hides_them():
    words = line_of(["covid-19", "e", "evasione-", "elusione"], 10, x0=100)
    forms = HyphenForms()
    forms.add_lines(cell_words_to_lines(words, 0.0, 400.0))
    assert forms.joined == {"covid-19"} and forms.suspended == {"evasione-"}


def test_a_join_without_evidence_is_reported():
    _, guessed = resolve_hyphen_joins("presenze-\x1fassenze e altro", HyphenForms())
    assert guessed == ["presenze-assenze"]


def test_words_on_one_visual_line_are_ordered_left_to_right():
    words = [Word("due", 130, 10, 142, 17), Word("uno", 102, 10.4, 114, 17.4)]
    lines = cell_words_to_lines(words, CELL_X0, CELL_X1)
    assert [w.text for w in lines[0].words] == ["uno", "due"]
    assert isinstance(lines[0], Line)


def test_sign_after_an_opening_bracket_is_rejoined_with_its_number():
    # "(-10%" broken by the renderer after its hyphen, with room left for a space
    first = line_of(["aaaaaaaaaa", "(-"], 10, x0=140)  # ends at 190
    second = line_of(["10%", "per"], 19)
    assert text_of(first, second) == "aaaaaaaaaa (-10% per"


def test_line_closing_a_weighted_item_ends_a_paragraph():
    # "Atti" would not have fitted, but "(Peso 50%)" closes the first item
    first = line_of(["aaaaaaaaaaaa", "(Peso", "50%)"], 10, x0=102)  # ends at 192
    second = line_of(["Atti", "di", "gara"], 19)
    assert text_of(first, second) == "aaaaaaaaaaaa (Peso 50%)\nAtti di gara"


def test_dates_on_their_own_lines_are_separate_items():
    first = line_of(["31/12/2021"], 10, x0=160)
    second = line_of(["31/12/2021"], 19, x0=160)
    assert text_of(first, second) == "31/12/2021\n31/12/2021"
