"""The casebook report and analyst page as HTML (Jinja2 templates in service/web/templates/casebook/).

Both pages are self-contained: inline CSS, inline SVG charts, no scripts, so a saved report opens
offline and the page works without internet. The service's Content-Security-Policy allows no inline
style, so these pages are served with one that allows exactly theirs, by its hash.
"""
from __future__ import annotations

import base64
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape

from casebook.report import Report
from engine.templates import date as long_date, money, number

from ..http.guard import CSP

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_ROWS = 50  # rows per table on the page; the downloads have all
STYLE = (TEMPLATES / "casebook" / "style.css").read_text(encoding="utf-8")
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{_STYLE_HASH}'")


def _share(value) -> str:
    return "–" if value is None else number(Decimal(value) * 100, "nl", 1) + "%"


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
# an amount withheld (a group too small for who asks, casebook/report.py) reads as a dash
_env.filters.update(money=lambda v: "–" if v is None else money(Decimal(v)), share=_share,
                    number=lambda v: number(Decimal(v)), count=lambda v: "–" if v is None else v)


def describe_scope(report: Report) -> str:
    """The selection in one Dutch sentence, e.g. 'Zaanstad, peildatum 1 januari 2025 t/m …, 120 casussen'."""
    f = report.filters
    parts = [", ".join(m.capitalize() for m in f.municipalities) if f.municipalities else "Alle gemeenten"
             if report.scope is None else "Uw gemeente(n): " + ", ".join(m.capitalize() for m in report.scope)]
    if f.date_from or f.date_to:
        parts.append("peildatum " + (f"vanaf {long_date(f.date_from)}" if f.date_from else "")
                     + (" " if f.date_from and f.date_to else "") + (f"t/m {long_date(f.date_to)}" if f.date_to else ""))
    for label, value in (("team", f.team), ("label", f.tag), ("uitkomst", f.outcome), ("evaluatie", f.evaluation)):
        if value:
            parts.append(f"{label} {value}")
    parts.append(f"{report.overview['cases']} casussen")
    return ", ".join(parts)


def _generated(report: Report) -> str:
    return "gemaakt " + report.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")


def render_report(report: Report) -> str:
    """The standalone HTML report (for a file or a download)."""
    return _env.get_template("casebook/report.html").render(report=report, scope=describe_scope(report),
                                                             generated=_generated(report), style=STYLE)


def render_page(report: Report, municipalities: list[str], evaluations: list[str],
                downloads: Callable[[str, str], str], report_url: str, json_url: str) -> str:
    """The analyst page: the report with a filter form and download links per table."""
    return _env.get_template("casebook/page.html").render(
        report=report, scope=describe_scope(report), generated=_generated(report), municipalities=municipalities,
        evaluations=evaluations, downloads=downloads, report_url=report_url, json_url=json_url, limit=PAGE_ROWS,
        style=STYLE)
