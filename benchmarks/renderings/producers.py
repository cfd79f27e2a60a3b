"""Drive each PDF producer: headless Chromium, WeasyPrint, LibreOffice Writer and Calc,
reportlab, and a Ghostscript `pdfwrite` re-distillation of another producer's PDF."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.renderings.html import plan_to_html
from benchmarks.renderings.matrix import RenderSettings
from benchmarks.renderings.plan import Plan
from benchmarks.renderings.reportlab_pdf import plan_to_reportlab_pdf
from benchmarks.renderings.spreadsheet import plan_to_xlsx
from benchmarks.renderings.word import plan_to_docx

TIMEOUT_S = 300
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


class ProducerError(RuntimeError):
    """A producer failed or wrote no PDF."""


def chromium_binary() -> str:
    """Return the Chromium executable on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise ProducerError("no chromium on PATH (Debian package chromium)")


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise ProducerError(f"{what} exited {done.returncode}: {done.stderr.strip()[-500:]}")


def render_chromium(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Print the plan's HTML to PDF with headless Chromium (Skia)."""
    page = work / "plan.html"
    page.write_text(plan_to_html(plan, settings), encoding="utf-8")
    profile = work / "chromium-profile"
    profile.mkdir()
    _run(
        [
            chromium_binary(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        "chromium",
    )


def render_weasyprint(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Typeset the plan's HTML with WeasyPrint."""
    import weasyprint

    weasyprint.HTML(string=plan_to_html(plan, settings), base_url=str(work)).write_pdf(str(out))


def _soffice(source: Path, out: Path, work: Path) -> None:
    profile = work / "soffice-profile"
    _run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ],
        "soffice",
    )
    printed = work / f"{source.stem}.pdf"
    if not printed.exists():
        raise ProducerError(f"soffice wrote no PDF for {source.name}")
    shutil.move(printed, out)


def render_writer(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Build a .docx with python-docx and print it with LibreOffice Writer."""
    source = work / "plan.docx"
    plan_to_docx(plan, settings, source)
    _soffice(source, out, work)


def render_calc(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Build an .xlsx with openpyxl and print it with LibreOffice Calc."""
    source = work / "plan.xlsx"
    plan_to_xlsx(plan, settings, source)
    _soffice(source, out, work)


def render_reportlab(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Typeset the plan with reportlab's platypus."""
    plan_to_reportlab_pdf(plan, settings, out)


def render_ghostscript(plan: Plan, settings: RenderSettings, out: Path, work: Path) -> None:
    """Render with the settings' source producer, then re-distil with Ghostscript."""
    assert settings.source is not None
    first = work / "source.pdf"
    source_work = work / "source"
    source_work.mkdir()
    RENDERERS[settings.source](plan, settings, first, source_work)
    _run(
        [
            "gs",
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=pdfwrite",
            "-dCompatibilityLevel=1.7",
            f"-sOutputFile={out}",
            str(first),
        ],
        "ghostscript",
    )


RENDERERS = {
    "chromium": render_chromium,
    "weasyprint": render_weasyprint,
    "writer": render_writer,
    "calc": render_calc,
    "reportlab": render_reportlab,
    "ghostscript": render_ghostscript,
}


def plan_to_pdf(plan: Plan, settings: RenderSettings, out: Path, layout: Path) -> None:
    """Render the plan with the settings' producer into `out`, and into `layout` the PDF
    whose text says where each row is printed: `out` itself, or for a re-distillation
    the source PDF, whose pages Ghostscript keeps but whose text it may damage (a "tti"
    ligature written as one CJK character, a glyph left without Unicode)."""
    with tempfile.TemporaryDirectory(prefix="rendering-") as folder:
        work = Path(folder)
        partial = work / "out.pdf"
        RENDERERS[settings.producer](plan, settings, partial, work)
        if not partial.exists() or partial.stat().st_size == 0:
            raise ProducerError(f"{settings.producer} wrote no PDF")
        out.parent.mkdir(parents=True, exist_ok=True)
        source = work / "source.pdf"
        shutil.copyfile(source if source.exists() else partial, layout)
        shutil.move(partial, out)
