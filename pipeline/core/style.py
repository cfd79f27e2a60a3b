"""The style sheet of the pages piano writes for people (the review report, the diff
page): one look, no external resource."""

from __future__ import annotations

import html

STYLE_FILE = "style.css"

CSS = """\
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9;
  --error: #b42318; --warning: #b54708; --info: #175cd3; --fix: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: .6rem 1.5rem; display: flex;
  gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header.top a { color: #fff; font-weight: 600; text-decoration: none; }
header.top .where { color: #c5cbd6; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
footer { color: var(--muted); font-size: 12px; padding: 1rem 1.5rem; text-align: center; }
h1 { font-size: 1.5rem; margin: .6rem 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line);
  padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
a { color: #1849a9; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; margin: 1rem 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .4rem 0 1rem;
  border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem;
  border-bottom: 1px solid var(--line); }
th { background: #eef0f4; font-weight: 600; font-size: 13px; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { white-space: pre-line; }
tr.corrected td { background: #ecfdf3; }
.null { color: #98a2b3; font-style: italic; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .5rem; font-size: 12px;
  font-weight: 600; border: 1px solid currentColor; margin-right: .25rem; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); }
.sev-info { color: var(--info); } .fix { color: var(--fix); }
td.zero { color: #c0c5cf; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .4rem; vertical-align: -1px; border: 2px solid; }
figure { margin: .4rem 0 1rem; background: #fff; border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: .3rem; }
nav.pager { display: flex; justify-content: space-between; margin: .6rem 0; }
details > summary { cursor: pointer; color: var(--muted); margin: .4rem 0; }
code { font-size: 13px; }
del { background: #fee4e2; color: #912018; }
ins { background: #dcfae6; color: #05603a; text-decoration: none; }
section.change:target { outline: 2px solid var(--info); outline-offset: 4px; }
"""


def page_to_html(title: str, home: tuple[str, str], header: str, body: str, footer: str) -> str:
    """Given a page's title, its home link (target, label), what the header says of the
    document, the body and the footer (HTML), return the whole page."""
    return f"""<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{STYLE_FILE}">
</head>
<body>
<header class="top"><a href="{home[0]}">{home[1]}</a><span class="where">{header}</span></header>
<main>
{body}
</main>
<footer>{footer}</footer>
</body>
</html>
"""
