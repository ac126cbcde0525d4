"""`extract serve`: the outputs of a real run in Datasette, browsed in headless Chromium.

The server is started on 127.0.0.1 as a user would start it; pages are loaded in Chromium (the DOM
after scripts ran), a facet is followed, and the links from a check to its cells, from a cell to its
report."""
from __future__ import annotations

import html
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, need_tool


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "out"
    subprocess.run([sys.executable, "-m", "extract", "run", str(CORPUS), "--out", str(out), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "extract", "serve", str(out), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/reports.json", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("extract serve stopped: " + proc.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("extract serve did not answer within a minute")
    yield base, out
    proc.terminate()
    proc.wait(timeout=20)
    # `extract serve` stopped: Datasette with it, on its port nothing answers any more
    time.sleep(0.5)
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/reports.json", timeout=2)


def browse(url: str) -> str:
    """The page's DOM as headless Chromium renders it."""
    chromium = need_tool("chromium", "chromium-browser", "google-chrome")
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--no-first-run", "--virtual-time-budget=3000", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]


def absolute(base: str, href: str) -> str:
    return href if href.startswith("http") else base + href


def test_tables_are_described_in_chinese_and_english(served):
    base, _ = served
    page = browse(base + "/reports")
    for table in ("reports", "facts", "checks", "sections", "errors", "panel", "check_cells"):
        assert f"/reports/{table}" in page
    page = browse(base + "/reports/reports")
    assert "报告：每个作为年度报告读取的文件一行" in page  # the table's description
    assert "发布机关（标题或落款所印）" in page  # a column's description
    assert "Issuing agency as printed" in page


def test_a_facet_can_be_followed(served):
    base, out = served
    page = browse(base + "/reports/reports")
    assert 'data-column="template"' in page and 'data-column="status"' in page
    link = next(h for h in hrefs(page) if re.search(r"[?&]template=2021\b", h))
    filtered = browse(absolute(base, link))
    with sqlite3.connect(out / "reports.sqlite") as con:
        want = con.execute("SELECT count(*) FROM reports WHERE template = '2021'").fetchone()[0]
    assert 0 < want < 10
    assert re.search(rf"\b{want} rows?\b", filtered), re.findall(r"\d+ rows?", filtered)[:3]
    assert "template = 2021" in html.unescape(re.sub(r"<[^>]+>", " ", filtered)).replace("  ", " ") or \
        'name="_filter_value" value="2021"' in filtered or "value=\"2021\"" in filtered


def test_from_a_failed_check_to_its_cells_and_their_report(served):
    base, out = served
    with sqlite3.connect(out / "reports.sqlite") as con:
        check_id, rid = con.execute("SELECT check_id, report_id FROM checks WHERE status = 'fail' ORDER BY check_id "
                                    "LIMIT 1").fetchone()
        agency = con.execute("SELECT agency FROM reports WHERE report_id = ?", (rid,)).fetchone()[0]
    from datasette.utils import tilde_encode

    page = browse(f"{base}/reports/checks/{tilde_encode(check_id)}")
    to_cells = next(h for h in hrefs(page) if "/reports/check_cells?check_id=" in h)
    cells = browse(absolute(base, to_cells))
    fact_links = [h for h in hrefs(cells) if h.startswith("/reports/facts/")]
    assert fact_links, "the check's cells link to facts"
    fact = browse(absolute(base, fact_links[0]))
    assert rid in fact
    # a cell's report: the facts table links each report_id to its report's page
    listing = browse(f"{base}/reports/facts?report_id={rid}&_size=5")
    report_link = next(h for h in hrefs(listing) if h == f"/reports/reports/{rid}")
    report = browse(absolute(base, report_link))
    assert agency in report


def test_canned_queries(served):
    base, out = served
    page = browse(base + "/reports")
    for query in ("problems", "agency_years", "request_outcomes", "agency_series", "doubtful_values"):
        assert f"/reports/{query}" in page
    with sqlite3.connect(out / "reports.sqlite") as con:
        agency_id, years = con.execute("SELECT agency_id, count(*) FROM reports GROUP BY agency_id "
                                       "ORDER BY count(*) DESC LIMIT 1").fetchone()
    series = browse(f"{base}/reports/agency_series?agency_id={agency_id}")
    assert re.search(rf"\b{years} rows?\b", series), re.findall(r"\d+ rows?", series)[:3]
    problems = browse(base + "/reports/problems")
    assert "requests.results_sum" in problems or "fail" in problems


def test_serve_without_outputs_says_what_to_do(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "extract", "serve", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "no reports.sqlite" in proc.stderr and "extract run" in proc.stderr
