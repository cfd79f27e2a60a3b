"""A plan as an HTML page with print CSS, for the browser-engine producers (Chromium's
print to PDF and WeasyPrint). Page header and footer are CSS page-margin boxes; a
`<thead>` repeats on every page, a header row in the body is printed once."""

from __future__ import annotations

from html import escape

from benchmarks.renderings.front_matter import cover_lines, prose_pages, running_header
from benchmarks.renderings.layout import USABLE_WIDTH, blocks_to_column_widths
from benchmarks.renderings.matrix import RenderSettings
from benchmarks.renderings.plan import Block, Plan


def plan_to_html(plan: Plan, settings: RenderSettings) -> str:
    """Given a plan and its settings, return the whole HTML document."""
    parts = ["<!doctype html>", '<html lang="it"><head><meta charset="utf-8">']
    parts.append(f"<title>{escape(plan.title)}</title>")
    parts.append(f"<style>{settings_to_css(plan, settings)}</style></head><body>")
    if settings.front_matter:
        parts.append('<section class="cover">')
        lines = cover_lines(plan)
        parts.append(f'<p class="cover-town">{escape(lines[0])}</p>')
        parts.extend(f"<p>{escape(line)}</p>" for line in lines[1:2])
        parts.append(f'<p class="cover-title">{escape(lines[2])}</p>')
        parts.extend(f"<p>{escape(line)}</p>" for line in lines[3:])
        parts.append("</section>")
        for heading, paragraphs in prose_pages(plan):
            parts.append(f'<section class="prose"><h2>{escape(heading)}</h2>')
            parts.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
            parts.append("</section>")
    parts.append('<div class="title">')
    parts.extend(f"<p>{escape(line)}</p>" for line in plan.title_lines)
    parts.append("</div>")
    widths = blocks_to_column_widths(
        plan.blocks, settings.font, settings.size, USABLE_WIDTH[settings.landscape]
    )
    for index, block in enumerate(plan.blocks):
        parts.append(block_to_html(block, settings, widths, first=index == 0))
    parts.append(relevance_to_html(plan, settings))
    parts.append("</body></html>")
    return "\n".join(parts)


def settings_to_css(plan: Plan, settings: RenderSettings) -> str:
    """Given the settings, return the print style sheet."""
    font = f'"{settings.font}"'
    size = settings.size
    orientation = "landscape" if settings.landscape else "portrait"
    if settings.front_matter:
        margin_boxes = (
            f'@top-center {{ content: "{running_header(plan)}"; font: 8pt {font}; }}'
            f'@bottom-center {{ content: "Pagina " counter(page) " di " counter(pages);'
            f" font: 8pt {font}; }}"
        )
    else:
        margin_boxes = f"@bottom-right {{ content: counter(page); font: 8pt {font}; }}"
    border = "0.6pt solid #000" if settings.ruled else "none"
    header_fill = "#d9d9d9" if settings.ruled else "transparent"
    return f"""
@page {{ size: A4 {orientation}; margin: 22mm 12mm 20mm 12mm; {margin_boxes} }}
body {{ font-family: {font}; font-size: {size}pt; line-height: 1.2; margin: 0; }}
p {{ margin: 0; }}
.cover {{ text-align: center; font-size: 14pt; padding-top: 45mm; break-after: page; }}
.cover p {{ margin: 4mm 0; }}
.cover-town {{ font-size: 20pt; font-weight: bold; }}
.cover-title {{ font-size: 24pt; font-weight: bold; margin-top: 25mm !important; }}
.prose {{ font-size: 11pt; line-height: 1.5; text-align: justify; break-after: page; }}
.prose h2 {{ font-size: 14pt; margin: 0 0 6mm 0; }}
.prose p {{ margin: 0 0 4mm 0; }}
.title {{ text-align: center; font-weight: bold; font-size: {size + 2}pt; margin-bottom: 4mm; }}
h3.sector {{ font-size: {size + 1}pt; font-weight: bold; margin: 5mm 0 1.5mm 0;
  break-after: avoid; }}
.block {{ margin-bottom: 4mm; }}
.block.new-page {{ break-before: page; }}
table {{ border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: {border}; padding: 2pt 3pt; vertical-align: {settings.valign};
  text-align: left; overflow-wrap: break-word; }}
th {{ font-weight: bold; text-align: center; vertical-align: middle;
  background: {header_fill}; }}
td.n, td.date {{ text-align: center; }}
tr {{ break-inside: auto; }}
.relevance {{ font-size: {size + 1}pt; }}
.relevance.new-page {{ break-before: page; }}
.relevance h2 {{ font-size: {size + 3}pt; margin: 6mm 0 3mm 0; }}
.relevance p {{ margin: 0 0 3mm 0; }}
.relevance p.caption {{ font-weight: bold; margin-top: 4mm; }}
.relevance table {{ width: 60%; table-layout: auto; }}
.relevance td.pct {{ text-align: right; }}
.relevance tr.total td {{ font-weight: bold; }}
"""


def block_to_html(block: Block, settings: RenderSettings, widths: list[float], first: bool) -> str:
    """Given one sector block, return its heading (if any) and table."""
    classes = "block new-page" if settings.one_per_page and not first else "block"
    parts = [f'<div class="{classes}">']
    if settings.headings:
        parts.append(f'<h3 class="sector">{escape(block.heading)}</h3>')
    parts.append("<table><colgroup>")
    parts.extend(f'<col style="width:{w:.1f}pt">' for w in widths)
    parts.append("</colgroup>")
    header = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in block.header) + "</tr>"
    if settings.repeat_header:
        parts.append(f"<thead>{header}</thead><tbody>")
    else:
        parts.append(f"<tbody>{header}")
    for row in block.rows:
        parts.append("<tr>")
        for column, paragraphs in enumerate(row.cells):
            css = ' class="n"' if column == 0 else ' class="date"' if column == 7 else ""
            inner = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            parts.append(f"<td{css}>{inner}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def relevance_to_html(plan: Plan, settings: RenderSettings) -> str:
    """Return the closing relevance section."""
    rel = plan.relevance
    classes = "relevance new-page" if settings.one_per_page else "relevance"
    parts = [f'<section class="{classes}"><h2>{escape(rel.heading)}</h2>']
    parts.extend(f"<p>{escape(p)}</p>" for p in rel.text)
    parts.append(f'<p class="caption">{escape(rel.caption)}</p>')
    parts.append("<table>")
    parts.append("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in rel.header) + "</tr>")
    for label, value in rel.rows:
        parts.append(f'<tr><td>{escape(label)}</td><td class="pct">{escape(value)}</td></tr>')
    label, value = rel.total
    parts.append(
        f'<tr class="total"><td>{escape(label)}</td><td class="pct">{escape(value)}</td></tr>'
    )
    parts.append("</table></section>")
    return "".join(parts)
