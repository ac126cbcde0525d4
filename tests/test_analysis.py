"""For analysts and auditors: load(), the panel, DuckDB, cross-year and prose checks, text reuse,
the audit page and the quickstart notebook — on the real Pingtan series."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from conftest import need_tool

from extract import load, run
from extract.pipeline import process_bytes
from extract.stages.agency import locate
from extract.synth import random_spec, render
from extract.synth.spec import follow
from extract.templates import CellKey

from conftest import CORPUS, REAL, ROOT, need_shared


def _cells(path):
    res = process_bytes(path.read_bytes(), path.name)
    return {CellKey(f.table, f.row, f.column): f.value for f in res.facts}


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """Pingtan 2018–2024: real reports of one agency in consecutive years, completed with a generated
    2025 that follows 2024 and a generated 2026 whose 上年结转 contradicts 2025's 结转下年度."""
    need_shared()
    folder = tmp_path_factory.mktemp("pingtan")
    for name in ("pingtan-2018.txt", "pingtan-2019.txt", "pingtan-2022.txt", "zhangzhou-erqing-2019.txt"):
        shutil.copy(REAL / name, folder / name)
    for path in CORPUS.glob("pingtan-202[0134].txt"):
        shutil.copy(path, folder / path.name)
    y2025 = follow(random_spec(2025, "2021", "平潭综合实验区", 2025), _cells(folder / "pingtan-2024.txt"))
    render(y2025, "md", folder / "pingtan-2025.md")
    last = {k: Decimal(v) for k, v in y2025.cells.items() if v}
    last[CellKey("requests", "carried_forward", "natural_person")] += 5  # 2026 disagrees with 2025
    render(follow(random_spec(2026, "2021", "平潭综合实验区管委会", 2026), last), "txt", folder / "pingtan-2026.txt")
    out = tmp_path_factory.mktemp("out")
    run([folder], out, jobs=2)
    return out


def test_load_gives_typed_frames(series):
    out = load(series)
    assert isinstance(out.facts["table"].dtype, pd.CategoricalDtype)
    assert out.reports["year"].dtype == "Int64"
    assert str(out.facts["value"].dtype) == "decimal128(38, 9)[pyarrow]"  # exact: no value passes through float
    assert out.panel["requests.new_received.total"].dtype == "Int64"
    fee = out.panel.set_index("year").loc[2021, "active.fees.fee_amount"]
    assert fee == Decimal("24252.311082")  # exact, not a float


def test_one_agency_id_across_years_and_names(series):
    out = load(series)
    pingtan = out.reports[out.reports.agency.str.startswith("平潭")]
    assert set(pingtan.agency_id) == {"350128:政府"}
    assert sorted(pingtan.year) == list(range(2018, 2027))
    assert set(pingtan.county.astype(str)) == {"平潭县"}
    assert locate("沐阳县人民政府").agency_id == locate("沭阳县人民政府").agency_id == "321322:政府"
    assert locate("平潭綜合實驗區管委會").agency_id == "350128:政府"
    assert locate("淮安市洪泽区人民政府").agency_id == locate("洪泽区人民政府").agency_id


def test_panel_one_row_per_report(series):
    out = load(series)
    assert out.panel.report_id.is_unique and len(out.panel) == len(out.reports)
    row = out.panel.set_index("year").loc[2022]
    assert row["requests.new_received.total"] == 74 and row["active.normative_docs.in_force"] == 698


def test_cross_year_checks(series):
    out = load(series)
    checks = out.checks.merge(out.reports[["report_id", "year"]], on="report_id")
    cy = checks[checks.check.str.startswith("cross_year.")]
    # 2022's carried over (1) = 2021's carried forward (1); in force 698 = 665 + 88 − 55
    got = cy.set_index(["year", "check"])
    assert got.loc[(2022, "cross_year.carried.total"), "status"] == "pass"
    assert got.loc[(2022, "cross_year.in_force.normative_docs"), "lhs"] == 698
    assert got.loc[(2022, "cross_year.in_force.normative_docs"), "status"] == "pass"
    # 2020 (2019 format): 上一年项目数量 follows 2019's items and change
    assert got.loc[(2020, "cross_year.prev_items.penalty"), "status"] == "pass"
    assert set(cy.status) <= {"pass", "warn", "unknown"}  # never fail
    assert cy[cy.year == 2018].empty  # the first report of the series has no predecessor
    # 2023 printed 现行有效 470 after a clean-up: 698 + 77 − 132 = 643 does not follow → warn
    assert got.loc[(2023, "cross_year.in_force.normative_docs"), "status"] == "warn"
    # 2024 (real) follows 2023 in its carried-over requests
    assert got.loc[(2024, "cross_year.carried.total"), "status"] == "pass"
    # the generated years: 2025 follows 2024; 2026's 上年结转 contradicts 2025's 结转下年度
    assert set(cy[cy.year == 2025].status) == {"pass"}
    assert got.loc[(2026, "cross_year.carried.natural_person"), "status"] == "warn"
    assert got.loc[(2026, "cross_year.carried.natural_person"), "delta"] == 5


def test_prose_against_tables(series):
    out = load(series)
    prose = out.checks[out.checks.check.str.startswith("prose.")].merge(out.reports[["report_id", "year"]])
    by = prose.set_index(["year", "check"])
    assert by.loc[(2021, "prose.requests_received"), "lhs"] == 70 and by.loc[(2021, "prose.requests_received"), "status"] == "pass"
    assert by.loc[(2022, "prose.in_force"), "status"] == "pass"
    # 2023's prose says 393 normative documents in force, its table 470
    assert by.loc[(2023, "prose.in_force"), "status"] == "warn"


def test_text_reuse_and_keywords(series):
    out = load(series)
    secs = out.sections.merge(out.reports[["report_id", "year"]])
    later = secs[(secs.year == 2020) & secs.reuse_prev.notna()]
    assert not later.empty and later.prev_report_id.nunique() == 1
    assert ((later.reuse_prev >= 0) & (later.reuse_prev <= 1)).all()
    # the preamble (boilerplate about the report) is mostly 2019's; the account of 2020's work is not
    assert later[later.section_key == "preamble"].reuse_prev.iloc[0] >= 0.5
    assert later[later.level >= 2].reuse_prev.mean() < 0.2
    assert secs[secs.section_key == "overview"].keywords.str.len().gt(0).all()


def test_duckdb_has_tables_and_views(series):
    con = duckdb.connect(str(series / "reports.duckdb"), read_only=True)
    assert con.execute("select count(*) from reports").fetchall()[0][0] == 10
    rows = con.execute("select year, received, answered from request_outcomes where agency_id = '350128:政府' "
                       "and year between 2019 and 2024 order by year").fetchall()
    assert rows == [(2019, 23, 23), (2020, 21, 21), (2021, 70, 69), (2022, 74, 75), (2023, 81, 81), (2024, 218, 218)]
    problems = con.execute("select year, check_id, status from problems where status = 'fail'").fetchall()
    assert (2020, "requests.results_sum.natural_person", "fail") in problems


def test_audit_page(series, tmp_path):
    proc = subprocess.run([__import__("sys").executable, "-m", "extract", "audit", str(series), "--html",
                           str(tmp_path / "audit.html")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2 and "requests.results_sum.natural_person" in page
    # a failed check's cells as labels and values (pingtan 2020's outcomes in the 自然人 column),
    # the trailing explanation of a long row label left out
    assert "自然人: （七）总计 = " in page and "; （二）部分公开 = " in page
    assert "results_total/natural_person" not in page
    # when the outputs were made and by what; every report listed with its file and canonical agency
    assert "outputs made 2025-12-01T00:00:00Z by extract 0.3.0" in page  # SOURCE_DATE_EPOCH of the tests
    assert ">pingtan-2019.txt</td>" in page and "福建省福州市平潭县 · 政府" in page
    # inferred values listed with their raw text; a one-year agency in a table, not a chart
    assert "Values read without full evidence" in page and ">inferred</td>" in page
    one_year = page.split("Agencies with one year here", 1)[1].split("</table>", 1)[0]
    assert "漳州市二轻集体工业联社" in one_year
    assert "http://" not in page.split("</style>")[0] and "<script" not in page  # self-contained
    chromium = need_tool("chromium", "chromium-browser", "google-chrome")
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1600",
                    (tmp_path / "audit.html").as_uri()], capture_output=True, timeout=120)
    from PIL import Image

    img = Image.open(shot).convert("L")
    dark = sum(1 for p in img.tobytes() if p < 200)  # one byte a pixel in mode L
    assert dark > 0.01 * img.width * img.height, "the rendered page is blank"


def test_quickstart_notebook_runs(series):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    import os

    os.environ["EXTRACT_OUTPUTS"] = str(series)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    # both charts shown in the notebook itself, and no font warning printed
    assert sum(1 for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})) == 2
    stderr = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stderr")
    assert "findfont" not in stderr and "missing from font" not in stderr, stderr
    assert (series / "chart-requests.png").exists() and (series / "chart-outcomes.png").exists()


def test_a_cjk_font_installed_after_matplotlibs_cache_is_found(monkeypatch):
    need_tool("fc-list")
    from matplotlib import font_manager

    from extract import charts

    # as if matplotlib's font cache predates `make tools`: no CJK family in its list
    kept = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    charts.use_cjk_font.cache_clear()
    try:
        family = charts.use_cjk_font()
        assert family is not None and "CJK" in family
        assert any(f.name == family for f in font_manager.fontManager.ttflist)
    finally:
        charts.use_cjk_font.cache_clear()
