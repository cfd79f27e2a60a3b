"""The extract stage: a plan PDF → logical rows, cell boxes, relevance table and the
document's identity. Pages are streamed one at a time; the grid finder is chosen per page
and the choice is logged as a finding."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.document import DocumentInfo, lines_to_document_info
from pipeline.errors import ExtractionError
from pipeline.find_grid import GridChoice, page_to_tables
from pipeline.grid import Table
from pipeline.page import Page
from pipeline.quality import Finding
from pipeline.read_pdf import ReadSettings, pdf_is_encrypted, pdf_to_pages
from pipeline.rows import RowSettings, plan_to_frames, tables_to_plan


def dataclass_from_params(cls: Any, params: dict[str, Any] | None) -> Any:
    """Given a settings dataclass and a params.yaml section, return the settings; unknown
    keys raise ValueError naming them."""
    params = params or {}
    known = {f.name for f in fields(cls)}
    unknown = set(params) - known
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown setting(s) {', '.join(sorted(unknown))}")
    return cls(**params)


@dataclass(frozen=True)
class ExtractSettings:
    """Settings of the extract stage, one section per step (params.yaml `extract:`)."""

    read: ReadSettings = field(default_factory=ReadSettings)
    rows: RowSettings = field(default_factory=RowSettings)

    @classmethod
    def from_params(cls, params: dict[str, Any] | None) -> ExtractSettings:
        params = params or {}
        unknown = set(params) - {"read", "rows"}
        if unknown:
            raise ValueError(f"extract: unknown section(s) {', '.join(sorted(unknown))}")
        return cls(read=dataclass_from_params(ReadSettings, params.get("read")),
                   rows=dataclass_from_params(RowSettings, params.get("rows")))


@dataclass
class Extraction:
    """What the extract stage read from one PDF."""

    source: str
    sha256: str
    pages: int
    info: DocumentInfo
    rows: pd.DataFrame
    cells: pd.DataFrame
    relevance: pd.DataFrame
    choices: list[GridChoice]
    findings: list[Finding]


def file_sha256(path: Path) -> str:
    """Given a path, return the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def page_to_findings(page: Page) -> list[Finding]:
    """Given a page as read, return what is odd about it but was read anyway: a page
    displayed turned (its /Rotate), read after turning it upright."""
    if not page.rotation:
        return []
    return [Finding(
        field="page", rule="page_rotated", severity="info", raw_value=str(page.rotation),
        normalised_value="0", page=page.number,
        message=f"page {page.number} is displayed turned by {page.rotation}°; its words and "
                "rulings were turned upright before reading")]


def pdf_to_findings(path: Path) -> list[Finding]:
    """Given a PDF path, return what is odd about the file but did not stop the reading:
    encryption that needs no password (owner restrictions only)."""
    if not pdf_is_encrypted(path):
        return []
    return [Finding(
        field="file", rule="pdf_encrypted", severity="info", raw_value=path.name,
        normalised_value=None,
        message="the PDF is encrypted with an empty user password (the owner restricts "
                "printing or copying); it was read as usual")]


def pdf_to_extraction(path: Path, settings: ExtractSettings | None = None) -> Extraction:
    """Given a plan PDF, return its Extraction; raise InputError for an unreadable file
    and ExtractionError for a PDF with no plan table."""
    settings = settings or ExtractSettings()
    choices: list[GridChoice] = []
    page_findings: list[Finding] = []

    def pages_with_tables() -> Iterator[tuple[Page, list[Table]]]:
        for page in pdf_to_pages(path, settings.read):
            tables, choice = page_to_tables(page)
            choices.append(choice)
            page_findings.extend(page_to_findings(page))
            yield page, tables

    plan = tables_to_plan(pages_with_tables(), path.name, settings.rows)
    rows, cells, relevance = plan_to_frames(plan)
    if rows.empty:
        raise ExtractionError("the plan tables hold no objective rows", file=path.name)
    info = lines_to_document_info([text for _, text in plan.outside_lines])
    findings = pdf_to_findings(path) + [c.to_finding() for c in choices] + page_findings \
        + plan.findings
    if relevance.empty:
        findings.append(Finding(
            field="relevance", rule="relevance_table_missing", severity="warning",
            raw_value=None, normalised_value=None,
            message="no 'Rilevanza degli obiettivi' table was found"))
    return Extraction(path.name, file_sha256(path), len(choices), info, rows, cells,
                      relevance, choices, findings)
