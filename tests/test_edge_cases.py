"""Edge cases found in review, each on a real-layout report changed in one place."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from extract import load, run
from extract.pipeline import process_bytes
from extract.readers.convert import soffice
from extract.stages.digits import readings, value_tokens
from extract.synth import random_spec, render
from extract.synth.render import to_html, to_txt
from extract.templates import T2021, CellKey

from conftest import CORPUS, ROOT


def facts_of(data: bytes, name: str):
    res = process_bytes(data, name)
    assert res.errors == [], res.errors
    return res, {(f.table, f.row, f.column): f for f in res.facts}


def _row(soup, label):
    return next(tr for tr in soup.find_all("tr") if label in tr.get_text())


def test_a_cell_merged_across_two_columns_is_not_read_as_either():
    spec = random_spec(11, "2021")
    soup = BeautifulSoup(to_html(spec), "lxml")
    tds = _row(soup, "一、本年新收").find_all("td")
    tds[-3]["colspan"] = "2"  # 法律服务机构 now spans 其他 too
    tds[-2].decompose()
    _, facts = facts_of(str(soup).encode(), "r.html")
    for col in ("legal_service", "other_org"):
        f = facts[("requests", "new_received", col)]
        assert f.status == "ambiguous" and f.value is None
    total = facts[("requests", "new_received", "total")]
    assert total.status == "ok" and str(total.value) == spec.cells[CellKey("requests", "new_received", "total")]


def test_a_row_short_of_a_cell_is_never_ok():
    soup = BeautifulSoup(to_html(random_spec(12, "2021")), "lxml")
    _row(soup, "二、上年结转").find_all("td")[-2].decompose()
    _, facts = facts_of(str(soup).encode(), "r.html")
    row = [facts[("requests", "carried_over", c.key)] for c in T2021.table("requests").blocks[0].columns]
    assert not [f for f in row if f.status == "ok"], [(f.column, f.status) for f in row]


def test_two_numbers_in_one_cell_are_not_one_number():
    text = to_txt(random_spec(13, "2021")).replace("一、本年新收政府信息公开申请数量 | ", "一、本年新收政府信息公开申请数量 | 108 2 | ", 1)
    _, facts = facts_of(text.encode(), "r.txt")
    assert facts[("requests", "new_received", "natural_person")].value != Decimal(1082)


def test_a_row_printed_again_in_the_overview_does_not_replace_the_table():
    spec = random_spec(14, "2021")
    text = to_txt(spec).replace("一、总体情况\n", "一、总体情况\n行政许可 | 4521\n", 1)
    _, facts = facts_of(text.encode(), "r.txt")
    want = spec.cells[next(k for k in spec.cells if k.row == "licensing")]
    assert str(facts[("active", "licensing", "decisions")].value) == want


def test_notes_after_a_flattened_table_are_not_values():
    text = (CORPUS / "pingtan-2023.txt").read_text(encoding="utf-8").replace(
        "四、结转下年度继续办理0000000", "四、结转下年度继续办理0000000注：2023年共受理申请81件")
    _, facts = facts_of(text.encode(), "p.txt")
    assert facts[("requests", "carried_forward", "total")].value == 0
    assert facts[("requests", "carried_forward", "total")].status != "missing"


def test_dates_are_not_values():
    assert [t.text for t in value_tokens("截至2021年12月31日 12 0 3")] == ["12", "0", "3"]


def test_dozens_of_run_together_digits_give_up_quickly_instead_of_exploding():
    cols = [c for _ in range(3) for c in T2021.table("appeals").blocks[0].columns]
    started = time.monotonic()
    assert readings(value_tokens("7" * 60), cols) is None
    assert time.monotonic() - started < 30


def test_load_during_a_run_leaves_the_run_alone(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(60):
        render(random_spec(300 + i), "txt", corpus / f"r{i:03d}.txt")
    out = tmp_path / "out"
    run([corpus], out, jobs=1)
    render(random_spec(999), "md", corpus / "new.md")
    proc = subprocess.Popen([sys.executable, "-m", "extract", "run", str(corpus), "--out", str(out), "-j", "1",
                             "--force", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while proc.poll() is None:
        assert len(load(out).reports) in (60, 61)
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read()
    assert len(load(out).reports) == 61


def test_money_with_seven_decimals_loads_exactly(tmp_path):
    spec = random_spec(15, "2021")
    key = next(k for k in spec.cells if k.column == "fee_amount")
    spec.cells[key] = "5949.0886671"
    render(spec, "txt", tmp_path / "r.txt")
    run([tmp_path / "r.txt"], tmp_path / "out", jobs=1)
    assert load(tmp_path / "out").panel["active.fees.fee_amount"].iloc[0] == Decimal("5949.0886671")


@pytest.mark.usefixtures("soffice_tool")
def test_legacy_word_through_a_whole_run(tmp_path):
    """Converted by LibreOffice inside a worker, with its temporary files under OUT/.cache."""
    spec = random_spec(16, "2021")
    render(spec, "docx", tmp_path / "r.docx")
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--convert-to",
                    "rtf", "--outdir", str(tmp_path / "in"), str(tmp_path / "r.docx")], check=True,
                   capture_output=True, timeout=180)
    summary = run([tmp_path / "in"], tmp_path / "out", jobs=1)
    assert summary.ok == 1 and summary.errors == 0
    facts = load(tmp_path / "out").facts
    assert (facts["status"] == "ok").sum() == 200


@pytest.mark.usefixtures("soffice_tool")
def test_installing_libreoffice_helps_at_once(tmp_path, monkeypatch):
    """A file that needed LibreOffice is read on the next run once it is there (no stale cache)."""
    import extract.cache
    import extract.readers.convert as convert

    spec = random_spec(17, "2021")
    render(spec, "docx", tmp_path / "r.docx")
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--convert-to",
                    "rtf", "--outdir", str(tmp_path / "in"), str(tmp_path / "r.docx")], check=True,
                   capture_output=True, timeout=180)
    monkeypatch.setattr(convert, "soffice", lambda: None)
    extract.cache.code_fingerprint.cache_clear()
    first = run([tmp_path / "in"], tmp_path / "out", jobs=1)
    assert first.errors == 1
    monkeypatch.undo()
    extract.cache.code_fingerprint.cache_clear()
    second = run([tmp_path / "in"], tmp_path / "out", jobs=1)
    assert second.read == 1 and second.ok == 1
    shutil.rmtree(tmp_path / "in")
