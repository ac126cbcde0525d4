"""One self-contained HTML page that audits a corpus: what was read, what does not add up, how
each agency's requests and outcomes moved over the years, and which reports repeat last year's text.

Charts are inline SVG (matplotlib, text kept as text so the browser's fonts show the Chinese);
the page needs nothing else and reads offline.
"""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import __version__
from .loading import Outputs, load
from .templates import outcome_groups
from .textnorm import split_numbering

# (short label, panel columns summed) per outcome group: 予以公开, 部分公开, 不予公开, …
OUTCOMES = [(split_numbering(label)[1].split("（")[0], [f"requests.{r}.total" for r in rows])
            for _key, label, rows in outcome_groups()]
COLORS = ["#4c78a8", "#72b7b2", "#e45756", "#f58518", "#b279a2", "#9d755d"]
MAX_AGENCIES = 40
MAX_DOUBTFUL = 300  # rows of the inferred/ambiguous list on the page (all of them are in facts)
CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;
max-width:28em;overflow-wrap:anywhere;vertical-align:top}th,td.n{white-space:nowrap}
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

    from .charts import use_cjk_font

    use_cjk_font()  # once: registers an installed CJK font, keeps font warnings quiet
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: the browser draws the Chinese
    plt.rcParams["font.size"] = 9
    return plt


def _text(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")  # 0E-9 → 0, 29461.000000000 → 29461
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = (), classes: dict[str, str] | None = None) -> str:
    if df.empty:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cls = (classes or {}).get(str(r.get("status", "")), "")
        cells = []
        for c in df.columns:
            text = _text(r[c])
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


def _made(out_path: Path) -> str:
    """When the outputs were made and by which version (from datapackage.json), and when this page was."""
    import json

    try:
        pkg = json.loads((Path(out_path) / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pkg = {}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"outputs made {pkg.get('created', 'at an unknown time')} by {pkg.get('x-generator', 'extract')}; "
            f"page made {now} by extract {__version__}")


def _canonical(r) -> str:
    """The agency as the gazetteer places it: province, city, county and the unit of its agency_id."""
    place = ""
    for part in (r.get("province"), r.get("city"), r.get("county")):
        if isinstance(part, str) and part and part not in place:
            place += part
    unit = str(r.get("agency_id") or "").partition(":")[2]
    return f"{place} · {unit}" if place and unit else (place or unit)


def _short(label) -> str:
    """A row label without its trailing explanation: （二）部分公开（区分处理的，…） → （二）部分公开."""
    return re.sub(r"(?<=[^\s（])（[^）]*）$", "", str(label or ""))


def _cell_labels(facts: pd.DataFrame) -> dict[tuple, tuple[str, str, str]]:
    """(report_id, table, row, column) → (row label, column label, value)."""
    out = {}
    for r in facts[["report_id", "table", "row", "column", "row_label", "column_label", "value", "status"]].itertuples(
            index=False):
        value = _text(r.value) if r.status not in ("missing", "blank") else r.status
        out[(r.report_id, r.table, r.row, r.column)] = (_short(r.row_label), str(r.column_label or ""), value)
    return out


def _cells_text(checks: pd.DataFrame, labels: dict[tuple, tuple[str, str, str]]) -> list[str]:
    """Each check's cells as labels and values; a label every cell shares is said once, in front."""
    shown = []
    for r in checks[["report_id", "table", "cells"]].itertuples(index=False):
        items = []
        for key in str(r.cells or "").split(";"):
            row, _, column = key.partition("/")
            if row:
                items.append(labels.get((r.report_id, r.table, row, column), (row, column, "?")))
        rows, cols = {i[0] for i in items}, {i[1] for i in items}
        if len(cols) == 1 and len(items) > 1:
            shown.append(f"{cols.pop()}: " + "; ".join(f"{a} = {v}" for a, _, v in items))
        elif len(rows) == 1 and len(items) > 1:
            shown.append(f"{rows.pop()}: " + "; ".join(f"{b} = {v}" for _, b, v in items))
        else:
            shown.append("; ".join(f"{a} / {b} = {v}" for a, b, v in items))
    return shown


def render(out: Outputs) -> str:
    reports, facts, checks, sections, errors, panel = out
    agencies = reports["agency_id"].nunique()
    years = reports["year"].dropna()
    span = f"{int(years.min())}–{int(years.max())}" if len(years) else "—"
    failed = checks[checks["status"].isin(["fail"])]
    warned = checks[checks["status"].isin(["warn"])]
    guessed = facts[facts["status"].isin(["inferred", "ambiguous"])]
    duplicates = errors[errors["code"] == "duplicate_file"]
    same = reports[reports["duplicate_of"].fillna("") != ""]
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>政府信息公开年度报告 — audit</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>政府信息公开工作年度报告 · audit of a corpus</h1>",
             f'<p class="muted">From the outputs in <code>{html.escape(str(out.path))}</code>: '
             f'{html.escape(_made(out.path))}.</p>',
             '<div class="cards">']
    for label, value in (("reports", len(reports)), ("agencies", agencies), ("years", span),
                         ("files not read", len(errors) - len(duplicates)), ("failed checks", len(failed)),
                         ("cross-year and prose warnings", len(warned)),
                         ("values inferred or ambiguous", len(guessed)),
                         ("duplicate files and copies", len(duplicates) + len(same))):
        parts.append(f'<div class="card"><b>{html.escape(str(value))}</b>{label}</div>')
    parts.append("</div>")

    parts.append("<h2>Reports by year and format</h2>")
    parts.append(_by_year_chart(reports))
    by = (reports.assign(year=reports["year"].astype("Int64").astype(str).replace("<NA>", "no year"))
          .groupby(["year", "template", "status"], observed=True, dropna=False).size().reset_index(name="reports"))
    parts.append(_table(by, numeric=("reports",)))

    parts.append("<h2>Every report</h2><p>File → agency as printed and as placed by the gazetteer → year → status "
                 "→ problems (failed checks, warnings, and the report's note).</p>")
    problems = checks[checks["status"].isin(["fail", "warn"])].groupby("report_id")["status"].value_counts().unstack(
        fill_value=0)
    per = reports.copy()
    per["canonical"] = [_canonical(r) for r in per.to_dict("records")]
    per["failed checks"] = per["report_id"].map(problems["fail"] if "fail" in problems else {}).fillna(0).astype(int)
    per["warnings"] = per["report_id"].map(problems["warn"] if "warn" in problems else {}).fillna(0).astype(int)
    parts.append(_table(per.sort_values("source_path")[
        ["source_path", "agency", "canonical", "year", "template", "status", "failed checks", "warnings", "note"]],
        numeric=("failed checks", "warnings"), classes={"failed": "fail", "partial": "warn"}))

    parts.append("<h2>Duplicates</h2><p>Files with the same bytes are read once; files that are the same agency and "
                 "year (a copy, a reprint) are all kept in <code>reports</code>, and the panel keeps one.</p>")
    groups = []
    paths = dict(zip(reports["report_id"], reports["source_path"]))
    for r in duplicates.itertuples(index=False):
        first = str(r.message).split("same content as ", 1)[-1].split(" (report", 1)[0]
        groups.append({"kept": first, "also": r.source_path, "why": "same bytes"})
    for r in same.itertuples(index=False):
        groups.append({"kept": paths.get(r.duplicate_of, r.duplicate_of), "also": r.source_path,
                       "why": f"same agency and year ({r.agency}, {_text(r.year)})"})
    dup = pd.DataFrame(groups, columns=["kept", "also", "why"])
    if not dup.empty:
        dup = dup.sort_values(["kept", "also"])
        dup["also"] = dup.groupby("kept")["also"].transform(lambda xs: "; ".join(xs))
        dup = dup.drop_duplicates(["kept", "why"])
    parts.append(_table(dup))

    parts.append("<h2>Checks that fail</h2><p>Identities of the national format that the report's own numbers "
                 "break (kept as printed), with the cells involved; then heuristic warnings: numbers that differ "
                 "from last year's report, or from the report's own prose.</p>")
    meta = reports[["report_id", "source_path", "agency", "year"]]
    labels = _cell_labels(facts)
    for frame, title in ((failed, "fail"), (warned, "warn")):
        view = frame.drop(columns=["source_path"], errors="ignore").merge(meta, on="report_id", how="left")
        view["cells"] = _cells_text(view, labels) if not view.empty else []
        view = view[["source_path", "agency", "year", "check", "status", "lhs", "rhs", "delta", "cells", "note"]]
        view = view.sort_values(["agency", "year", "check"]) if not view.empty else view
        parts.append(f"<h3>{title} ({len(view)})</h3>")
        parts.append(_table(view, numeric=("lhs", "rhs", "delta"), classes={"fail": "fail", "warn": "warn"}))

    parts.append("<h2>Values read without full evidence</h2><p>Every <code>inferred</code> value (cell boundaries "
                 "were lost; recovered with the table's identities) and <code>ambiguous</code> one (more than one "
                 "reading fits): look at the raw text and the alternatives before relying on them.</p>")
    doubt = guessed[["source_path", "table", "row_label", "column_label", "value", "raw", "alternatives", "status",
                     "note"]]
    # ambiguous first (more than one reading fits), then inferred
    doubt = doubt.assign(_o=doubt["status"].map({"ambiguous": 0, "inferred": 1})).sort_values(
        ["_o", "source_path", "table"], kind="stable").drop(columns="_o")
    parts.append(_table(doubt.head(MAX_DOUBTFUL), numeric=("value",), classes={"ambiguous": "warn"}))
    if len(doubt) > MAX_DOUBTFUL:
        parts.append(f'<p class="muted">{len(doubt) - MAX_DOUBTFUL} more: <code>facts</code> rows whose status is '
                     f'inferred or ambiguous.</p>')

    parts.append("<h2>Requests and outcomes per agency over the years</h2>"
                 "<p>Bars: outcomes of requests handled (三、本年度办理结果); line: new requests received.</p>")
    have = panel.dropna(subset=["year"])
    if "requests.new_received.total" in have.columns:
        volume = have.groupby("agency_id")["requests.new_received.total"].sum().sort_values(ascending=False)
        single = []
        for agency_id in list(volume.index)[:MAX_AGENCIES]:
            rows = have[have["agency_id"] == agency_id]
            if rows["requests.new_received.total"].isna().all():
                continue
            name = rows["agency"].iloc[-1]
            if rows["year"].nunique() == 1:  # one year: a row of a table, not a chart of one bar
                row = {"agency": name, "agency_id": agency_id, "year": rows["year"].iloc[0],
                       "本年新收": rows["requests.new_received.total"].iloc[0]}
                for label, cols in OUTCOMES:
                    present = [c for c in cols if c in rows.columns]
                    row[label] = rows[present].astype("Float64").fillna(0).sum(axis=1).iloc[0] if present else 0
                single.append(row)
                continue
            parts.append(f'<div class="agency"><h3>{html.escape(str(name))} <span class="muted">'
                         f'{html.escape(str(agency_id))}</span></h3>{_agency_chart(rows)}</div>')
        if single:
            frame = pd.DataFrame(single)
            parts.append("<h3>Agencies with one year here</h3>")
            parts.append(_table(frame, numeric=tuple(frame.columns[3:])))
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
        parts.append(_table(per[["source_path", "agency", "year", "reused share", "most"]].rename(
            columns={"most": "highest section"}), numeric=("reused share", "highest section")))
    else:
        parts.append('<p class="muted">No agency has reports for two consecutive years here.</p>')

    parts.append("<h2>Files that could not be read</h2>")
    unread = errors[errors["code"] != "duplicate_file"]
    parts.append(_table(unread[["source_path", "code", "message"]] if not unread.empty else unread))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_audit(out_dir: str | Path = "outputs", html_path: str | Path | None = None) -> Path:
    outputs = load(out_dir)
    path = Path(html_path) if html_path else Path(out_dir) / "audit.html"
    path.write_text(render(outputs), encoding="utf-8")
    return path
