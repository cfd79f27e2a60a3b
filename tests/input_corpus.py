"""Build the bad and odd inputs the robustness tests feed to `piano extract`: each
function writes one file at the path it is given and returns the path, so no binary
fixture is committed. Plans are drawn with `pdf_factory`; encryption, rotation, page
and truncation are done on the drawn file.

The long plan is drawn page by page rather than copied with pypdf: copies would share one
content stream, which pdfminer parses once, and so understate the memory a real
document of that length needs."""

from __future__ import annotations

import random
from pathlib import Path

from pdf_factory import HEADER, WIDTHS, PageSpec, TableSpec, cells, plan_pdf, text_pdf
from pypdf import PdfWriter
from pypdf.constants import UserAccessPermissions

TITLE = "PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"
SECTORS = ["ISTRUZIONE", "CULTURA", "TRIBUTI", "ECOLOGIA", "URBANISTICA"]


def objective(
    number: str, assignee: str, description: str = "Descrizione.", deadline: str = "31/12/2021"
) -> list[list[str]]:
    """Return one printed objective row under the standard header."""
    return cells(
        number,
        assignee,
        "4.1.0",
        f"Oggetto {number}",
        description,
        "Indicatore",
        "Risultato (Peso 100%)",
        deadline,
    )


def good_plan(path: Path) -> Path:
    """A two-page plan that extracts cleanly: one titled block, its header repeated."""
    return plan_pdf(
        path,
        [
            PageSpec(
                [
                    TableSpec(
                        [objective("1", "ISTRUZIONE"), objective("2", "ISTRUZIONE")],
                        title="ISTRUZIONE",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec([TableSpec([objective("3", "ISTRUZIONE")])]),
        ],
    )


def truncated_pdf(path: Path) -> Path:
    """A good plan cut after half its bytes, as an interrupted download leaves it."""
    good = good_plan(path.with_name(f"whole-{path.name}"))
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes_pdf(path: Path) -> Path:
    """Random bytes under a .pdf name (seeded, so every run gets the same file)."""
    path.write_bytes(random.Random(20211).randbytes(4096))
    return path


def user_password_pdf(path: Path, password: str = "segreto") -> Path:
    """A good plan encrypted with a user password: it cannot be opened without it."""
    return encrypted(good_plan(path.with_name(f"clear-{path.name}")), path, password)


def owner_only_pdf(path: Path) -> Path:
    """A good plan encrypted with an empty user password: anyone may open it, only the
    owner's restrictions (no printing, no copying) apply."""
    return encrypted(good_plan(path.with_name(f"clear-{path.name}")), path, "")


def encrypted(source: Path, path: Path, user_password: str) -> Path:
    """Write `source` encrypted (AES-128) with the user password and an owner password
    to `path`, allowing nothing but opening."""
    writer = PdfWriter(clone_from=source)
    # -3904: every permission bit cleared, the reserved ones set as the PDF spec asks
    # (a bare 0 is malformed, and pdfminer fails on it)
    writer.encrypt(
        user_password=user_password,
        owner_password="proprietario",
        algorithm="AES-128",
        permissions_flag=UserAccessPermissions(-3904),
    )
    writer.write(path)
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree holds no page."""
    PdfWriter().write(path)
    return path


def no_table_pdf(path: Path) -> Path:
    """A readable PDF of plain text: a cover letter instead of the plan."""
    return text_pdf(path, ["Gentile cittadino,", "il piano sarà pubblicato a breve."])


def missing_column_plan(path: Path) -> Path:
    """A plan whose header has no RISULTATO ATTESO column (page 2's table)."""
    header = [h for h in HEADER if h != "RISULTATO ATTESO"]
    widths = [w for h, w in zip(HEADER, WIDTHS, strict=True) if h != "RISULTATO ATTESO"]
    row = cells("1", "TRIBUTI", "1.4.0", "Oggetto", "Descrizione.", "Indicatore", "31/12/2021")
    return plan_pdf(
        path,
        [
            PageSpec(
                [TableSpec([objective("1", "ISTRUZIONE")], title="ISTRUZIONE")], lines_above=[TITLE]
            ),
            PageSpec([TableSpec([row], header=header, widths=widths, title="TRIBUTI")]),
        ],
    )


def headerless_block_plan(path: Path) -> Path:
    """A plan whose first block (page 1) is printed without its header row; the second
    block (page 2) has one."""
    return plan_pdf(
        path,
        [
            PageSpec(
                [TableSpec([objective("1", "ISTRUZIONE")], header=None, title="ISTRUZIONE")],
                lines_above=[TITLE],
            ),
            PageSpec([TableSpec([objective("1", "TRIBUTI")], title="TRIBUTI")]),
        ],
    )


def foreign_block_plan(path: Path) -> Path:
    """A plan whose second page holds a table with no header row and another grid (six
    columns where the header had eight)."""
    widths = [30.0, 100.0, 100.0, 200.0, 150.0, 162.0]
    return plan_pdf(
        path,
        [
            PageSpec([TableSpec([objective("1", "ISTRUZIONE")])], lines_above=[TITLE]),
            PageSpec(
                [
                    TableSpec(
                        [[["2"], ["ISTRUZIONE"], ["4.1.0"], ["O"], ["D"], ["31/12/2021"]]],
                        header=None,
                        widths=widths,
                    )
                ]
            ),
        ],
    )


def extra_column_plan(path: Path) -> Path:
    """A plan with a ninth column no field is known for ("NOTE")."""
    header = [*HEADER, "NOTE"]
    widths = [
        w - 60.0 if h.startswith("DESCRIZIONE") else w for h, w in zip(HEADER, WIDTHS, strict=True)
    ] + [60.0]
    rows = [[*objective("1", "ISTRUZIONE"), ["Vedi allegato"]], [*objective("2", "ISTRUZIONE"), []]]
    return plan_pdf(
        path,
        [
            PageSpec(
                [TableSpec(rows, header=header, widths=widths, title="ISTRUZIONE")],
                lines_above=[TITLE],
            )
        ],
    )


def rotated_plan(path: Path, degrees: int = 90, pages: tuple[int, ...] = (2,)) -> Path:
    """A three-page plan whose given pages (1-based) carry /Rotate `degrees`: a viewer
    shows them turned, while their content is drawn upright as on the other pages."""
    drawn = plan_pdf(
        path.with_name(f"upright-{path.name}"),
        [
            PageSpec(
                [
                    TableSpec(
                        [objective("1", "ISTRUZIONE"), objective("2", "ISTRUZIONE")],
                        title="ISTRUZIONE",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    TableSpec(
                        [
                            objective("1", "CULTURA", "Testo su una|seconda riga."),
                            objective("2", "CULTURA"),
                        ],
                        title="CULTURA",
                    )
                ]
            ),
            PageSpec([TableSpec([objective("1", "TRIBUTI")], title="TRIBUTI")]),
        ],
    )
    writer = PdfWriter(clone_from=drawn)
    for number in pages:
        writer.pages[number - 1].rotate(degrees)
    writer.write(path)
    return path


def long_plan_pages(pages: int) -> list[PageSpec]:
    """Return `pages` page specs of a plan: blocks of four pages, three objectives with a
    six-line description on each page, the header repeated on every page."""
    specs = []
    for index in range(pages):
        sector = SECTORS[(index // 4) % len(SECTORS)]
        rows = []
        for k in range(3):
            number = str(3 * (index % 4) + k + 1)
            description = "|".join(
                f"Descrizione dell'obiettivo {number}, riga {line} del testo" for line in range(6)
            )
            rows.append(objective(number, sector, description))
        specs.append(
            PageSpec(
                [TableSpec(rows, title=sector if index % 4 == 0 else None)],
                lines_above=[TITLE] if index == 0 else [],
            )
        )
    return specs


def long_plan(path: Path, pages: int) -> Path:
    """A plan of `pages` pages, drawn page by page (each page has its own content
    stream, as in a real document)."""
    return plan_pdf(path, long_plan_pages(pages))
