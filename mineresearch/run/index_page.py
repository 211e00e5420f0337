"""``reports/index.html``: every quarter and company built, headline figures, links and status.

A company's scenarios (reports with non-default parameters, :attr:`mineresearch.run.jobs.ReportJob.scenario`)
are listed under its published note.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path
from typing import Any

from mineresearch.run.manifest import Manifest

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mineresearch: report index</title>
<style>
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:28px 24px 60px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:0 0 4px} .sub{color:#5b6475;margin:0 0 22px}
h2{font-size:19px;border-bottom:2px solid #1d2330;padding-bottom:4px;margin-top:34px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:6px 8px;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums}
.neg{color:#b3261e} .ok{color:#1b6e3a;font-weight:600} .failed{color:#b3261e;font-weight:600}
.skipped{color:#5b6475} .err{font-size:12px;color:#b3261e;max-width:360px;word-break:break-word}
footer{margin-top:36px;color:#5b6475;font-size:12px}
tr.scenario td{font-size:13px;color:#3d4556} tr.scenario td:first-child{padding-left:26px}
</style></head><body><main>
<h1>Listed Bitcoin miners: quarterly research notes</h1>
<p class="sub">{{ n_reports }} report(s) across {{ periods|length }} quarter(s). Index written {{ today }}.</p>
{% for p in periods %}
<h2 id="q-{{ p.period }}">{{ p.period }}</h2>
<table><thead><tr><th>Company</th><th>Ticker</th><th class="num">Revenue</th><th class="num">Net income</th>
<th class="num">BTC produced</th><th>Report</th><th>Status</th></tr></thead><tbody>
{% for r in p.rows %}<tr{% if r.scenario %} class="scenario"{% endif %}><td>{{ r.company }}</td><td>{{ r.ticker }}</td>
<td class="num">{{ r.revenue }}</td><td class="num {{ 'neg' if r.loss else '' }}">{{ r.net_income }}</td>
<td class="num">{{ r.btc }}</td>
<td>{% if r.html %}<a href="{{ r.html }}">HTML</a>{% endif %}
{% if r.pdf %} · <a href="{{ r.pdf }}">PDF</a>{% endif %}</td>
<td><span class="{{ r.status_class }}">{{ r.status }}</span>
{% if r.error %}<div class="err">{{ r.error }}</div>{% endif %}</td>
</tr>{% endfor %}
</tbody></table>
{% endfor %}
<footer>Figures are as reported by the companies (sources in each report). Research notes, not investment
advice.</footer>
</main></body></html>
"""


def _usd(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/d"
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    if v >= 1e9:
        return f"{sign}${v / 1e9:,.2f}B"
    return f"{sign}${v / 1e6:,.1f}M"


def _btc(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/d"
    return f"{float(value):,.0f}"


def _rows(root: Path, manifest: Manifest, data_path: str | None) -> dict[str, list[dict[str, Any]]]:
    from mineresearch.dataset.load import load_dataset

    ds = load_dataset(data_path)
    wide: dict[str, Any] = {}
    by_period: dict[str, list[dict[str, Any]]] = {}
    for stem, e in sorted(manifest.entries.items()):
        name, period = e["name"], e["period"]
        scenario = stem.split("--", 1)[1] if "--" in stem else ""  # ``ReportJob.stem`` of a scenario
        row: dict[str, Any] = {"ticker": "" if name == "sector" else name, "status": e["status"],
                               "status_class": e["status"], "error": e.get("error"), "scenario": scenario}
        for fmt in ("html", "pdf"):
            path = e.get("outputs", {}).get(fmt)
            row[fmt] = os.path.relpath(path, root) if path and Path(path).is_file() else None
        if scenario:
            row.update(company=f"Scenario: {scenario}", revenue="", net_income="", btc="", loss=False)
        elif name == "sector":
            row.update(company="Sector report (all covered miners)", revenue="", net_income="", btc="", loss=False)
        else:
            if name not in wide:
                wide[name] = ds.company_quarters(name)
            q = wide[name].loc[period] if period in wide[name].index else {}
            ni = q.get("net_income", float("nan")) if len(q) else float("nan")
            row.update(
                company=str(ds.companies.loc[name, "name"]) if name in ds.companies.index else name,
                revenue=_usd(q.get("revenue_total") if len(q) else None), net_income=_usd(ni),
                btc=_btc(q.get("btc_produced") if len(q) else None),
                loss=isinstance(ni, float) and not math.isnan(ni) and ni < 0,
            )
        by_period.setdefault(period, []).append(row)
    return by_period


def write_index(root: Path, manifest: Manifest, *, data_path: str | None = None) -> Path:
    """Write ``root/index.html`` from the manifest (newest quarter first); return its path."""
    from jinja2 import Environment

    by_period = _rows(Path(root), manifest, data_path)
    periods: list[dict[str, Any]] = [
        {"period": p, "rows": sorted(rows, key=lambda r: (r["ticker"] == "", r["ticker"], r["scenario"]))}
        for p, rows in sorted(by_period.items(), reverse=True)
    ]
    n_reports = sum(len(rows) for rows in by_period.values())
    html = Environment(autoescape=True).from_string(_TEMPLATE).render(
        periods=periods, n_reports=n_reports, today=date.today().isoformat()
    )
    out = Path(root) / "index.html"
    if not out.is_file() or out.read_text(encoding="utf-8") != html:
        from mineresearch.run.manifest import write_atomically

        write_atomically(out, html)  # OutputError when the disk is full: the previous index stays whole
    return out
