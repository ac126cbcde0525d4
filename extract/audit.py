"""One self-contained HTML page that audits a corpus: what was read, what does not add up, how
each agency's requests and outcomes moved over the years, and which reports repeat last year's text.

Charts are inline SVG (matplotlib, text kept as text so the browser's fonts show the Chinese);
the page needs nothing else and reads offline.
"""
from __future__ import annotations

import html
import io
from pathlib import Path

import pandas as pd

from .loading import Outputs, load
from .templates import outcome_groups
from .textnorm import split_numbering

# (short label, panel columns summed) per outcome group: 予以公开, 部分公开, 不予公开, …
OUTCOMES = [(split_numbering(label)[1].split("（")[0], [f"requests.{r}.total" for r in rows])
            for _key, label, rows in outcome_groups()]
COLORS = ["#4c78a8", "#72b7b2", "#e45756", "#f58518", "#b279a2", "#9d755d"]
MAX_AGENCIES = 40
CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;
max-width:28em;overflow-wrap:anywhere}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}.fail{color:#b00}.warn{color:#a60}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.6em}.agency{display:inline-block;vertical-align:top;width:520px;margin:0 1em 1em 0}
.muted{color:#777;font-size:.85em}svg{max-width:100%;height:auto}
"""


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: the browser draws the Chinese
    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans"]
    plt.rcParams["font.size"] = 9
    return plt


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = (), classes: dict[str, str] | None = None) -> str:
    if df.empty:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cls = (classes or {}).get(str(r.get("status", "")), "")
        cells = []
        for c in df.columns:
            v = r[c]
            text = "" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else str(v))
            cells.append(f'<td class="{"n" if c in numeric else ""}">{html.escape(text)}</td>')
        rows.append(f'<tr class="{cls}">' + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _by_year_chart(reports: pd.DataFrame) -> str:
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    counts = reports.assign(year=reports["year"].astype("Int64")).dropna(subset=["year"])
    if counts.empty:
        return ""
    pivot = counts.groupby(["year", "template"], observed=True).size().unstack(fill_value=0).sort_index()
    fig, ax = plt.subplots(figsize=(7, 2.6))
    bottom = None
    for i, col in enumerate(pivot.columns):
        ax.bar(pivot.index.astype(str), pivot[col], bottom=bottom, label=f"format {col}", color=COLORS[i % len(COLORS)])
        bottom = pivot[col] if bottom is None else bottom + pivot[col]
    ax.set_ylabel("reports")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _agency_chart(rows: pd.DataFrame) -> str:
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    rows = rows.sort_values("year")
    years = rows["year"].astype(int).astype(str).tolist()
    fig, ax = plt.subplots(figsize=(5.2, 2.4))
    bottom = [0.0] * len(rows)
    for (label, cols), color in zip(OUTCOMES, COLORS):
        present = [c for c in cols if c in rows.columns]
        values = rows[present].astype("Float64").fillna(0).sum(axis=1).astype(float).tolist() if present else [0.0] * len(rows)
        ax.bar(years, values, bottom=bottom, color=color, label=label)
        bottom = [b + v for b, v in zip(bottom, values)]
    if "requests.new_received.total" in rows.columns:
        received = rows["requests.new_received.total"].astype("Float64").astype(float).tolist()
        ax.plot(years, received, color="#222", marker="o", linewidth=1.2, label="本年新收")
    ax.set_ylabel("requests")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=7, ncol=4, loc="upper left", bbox_to_anchor=(0, -0.15))
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def render(out: Outputs) -> str:
    reports, facts, checks, sections, errors, panel = out
    agencies = reports["agency_id"].nunique()
    years = reports["year"].dropna()
    span = f"{int(years.min())}–{int(years.max())}" if len(years) else "—"
    failed = checks[checks["status"].isin(["fail"])]
    warned = checks[checks["status"].isin(["warn"])]
    guessed = facts[facts["status"].isin(["inferred", "ambiguous"])]
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>政府信息公开年度报告 — audit</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>政府信息公开工作年度报告 · audit of a corpus</h1>",
             f'<p class="muted">From the outputs in <code>{html.escape(str(out.path))}</code>.</p>',
             '<div class="cards">']
    for label, value in (("reports", len(reports)), ("agencies", agencies), ("years", span),
                         ("files not read", len(errors)), ("failed checks", len(failed)),
                         ("cross-year and prose warnings", len(warned)), ("values read from run-together digits", len(guessed))):
        parts.append(f'<div class="card"><b>{html.escape(str(value))}</b>{label}</div>')
    parts.append("</div>")

    parts.append("<h2>Reports by year and format</h2>")
    parts.append(_by_year_chart(reports))
    by = reports.groupby(["year", "template", "status"], observed=True).size().reset_index(name="reports")
    parts.append(_table(by, numeric=("reports",)))

    parts.append("<h2>Checks that fail</h2><p>Identities of the national format that the report's own numbers "
                 "break (kept as printed), with the cells involved; then heuristic warnings: numbers that differ "
                 "from last year's report, or from the report's own prose.</p>")
    meta = reports[["report_id", "agency", "year"]]
    for frame, title in ((failed, "fail"), (warned, "warn")):
        view = frame.merge(meta, on="report_id", how="left")[
            ["agency", "year", "check", "status", "lhs", "rhs", "delta", "cells", "note"]]
        view = view.sort_values(["agency", "year", "check"]) if not view.empty else view
        parts.append(f"<h3>{title} ({len(view)})</h3>")
        parts.append(_table(view, numeric=("lhs", "rhs", "delta"), classes={"fail": "fail", "warn": "warn"}))

    parts.append("<h2>Requests and outcomes per agency over the years</h2>"
                 "<p>Bars: outcomes of requests handled (三、本年度办理结果); line: new requests received.</p>")
    have = panel.dropna(subset=["year"])
    if "requests.new_received.total" in have.columns:
        volume = have.groupby("agency_id")["requests.new_received.total"].sum().sort_values(ascending=False)
        for agency_id in list(volume.index)[:MAX_AGENCIES]:
            rows = have[have["agency_id"] == agency_id]
            if rows["requests.new_received.total"].isna().all():
                continue
            name = rows["agency"].iloc[-1]
            parts.append(f'<div class="agency"><h3>{html.escape(str(name))} <span class="muted">'
                         f'{html.escape(str(agency_id))}</span></h3>{_agency_chart(rows)}</div>')
        if len(volume) > MAX_AGENCIES:
            parts.append(f'<p class="muted">{len(volume) - MAX_AGENCIES} more agencies are in the panel table.</p>')

    parts.append("<h2>Text repeated from the previous year's report</h2><p>Share of each report's prose (word 4-grams, "
                 "jieba) that also appears in the same agency's report for the year before. High shares suggest a "
                 "report pasted from last year.</p>")
    reused = sections.dropna(subset=["reuse_prev"]).copy()
    if not reused.empty:
        reused["chars"] = reused["text"].str.len()
        reused["weighted"] = reused["reuse_prev"].astype(float) * reused["chars"]
        per = reused.groupby("report_id").agg(chars=("chars", "sum"), weighted=("weighted", "sum"),
                                              most=("reuse_prev", "max")).reset_index()
        per["reused share"] = (per["weighted"] / per["chars"]).round(3)
        per = per.merge(meta, on="report_id").sort_values("reused share", ascending=False)
        parts.append(_table(per[["agency", "year", "reused share", "most", "report_id"]].rename(
            columns={"most": "highest section"}), numeric=("reused share", "highest section")))
    else:
        parts.append('<p class="muted">No agency has reports for two consecutive years here.</p>')

    parts.append("<h2>Files that could not be read</h2>")
    parts.append(_table(errors[["source_path", "code", "message"]] if not errors.empty else errors))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_audit(out_dir: str | Path = "outputs", html_path: str | Path | None = None) -> Path:
    outputs = load(out_dir)
    path = Path(html_path) if html_path else Path(out_dir) / "audit.html"
    path.write_text(render(outputs), encoding="utf-8")
    return path
