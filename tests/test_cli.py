"""The command line as a user meets it: outputs, formats, exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd

from conftest import CORPUS, DATA, REAL, ROOT, need_shared

TABLES = ["reports", "facts", "checks", "sections", "errors", "panel"]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "extract", *args], cwd=cwd, capture_output=True, text=True)


def test_run_writes_every_table_as_csv_and_parquet(tmp_path):
    need_shared()
    out = tmp_path / "out"
    proc = run("run", str(REAL / "zhangzhou-erqing-2019.txt"), str(REAL / "pingtan-2022.txt"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "2 reports ok" in proc.stdout
    for t in TABLES:
        raw = (out / f"{t}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{t}.csv has no BOM"
        csv_df = pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        pq_df = pd.read_parquet(out / f"{t}.parquet")
        assert list(csv_df.columns) == list(pq_df.columns) and len(csv_df) == len(pq_df)
    facts = pd.read_parquet(out / "facts.parquet")
    assert len(facts) == 198 + 200
    import pyarrow.parquet as pq

    assert str(pq.read_schema(out / "facts.parquet").field("value").type) == "decimal128(38, 9)"
    csv_facts = pd.read_csv(out / "facts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "29461" in set(csv_facts["value"]) and not any(v.endswith(".0") for v in csv_facts["value"])
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in pkg["resources"]] == TABLES
    for r in pkg["resources"]:
        assert r["hash"].startswith("sha256:") and r["bytes"] == (out / r["path"]).stat().st_size
    facts_fields = {f["name"]: f for f in pkg["resources"][1]["schema"]["fields"]}
    assert "withheld_three_safeties" in facts_fields["row"]["constraints"]["enum"]


def test_source_path_is_relative_to_the_input_folder(tmp_path):
    need_shared()
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_bytes((REAL / "zhangzhou-erqing-2019.txt").read_bytes())
    proc = run("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0
    reports = pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")
    assert list(reports["source_path"]) == ["sub/a.txt"]
    assert reports["report_id"][0] == __import__("hashlib").sha256(
        (REAL / "zhangzhou-erqing-2019.txt").read_bytes()).hexdigest()[:16]


def test_missing_input_is_an_error_exit(tmp_path):
    proc = run("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0 and proc.stderr.startswith("Error:")


def test_unwritable_out_is_an_error_exit(tmp_path):
    need_shared()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("run", str(REAL / "zhangzhou-erqing-2019.txt"), "--out", str(blocker / "out"))
    assert proc.returncode != 0 and "Error:" in proc.stderr


def test_help_documents_every_option():
    proc = run("run", "--help")
    assert proc.returncode == 0
    for option in ("--out", "--quiet", "INPUT"):
        assert option in proc.stdout


def test_inspect_shows_why_each_value_came_out(tmp_path):
    text = (DATA / "text" / "seed-style-2021.txt").read_text(encoding="utf-8")
    line = "2.重复申请 | 12 | 0 | 0 | 0 | 0 | 0 | 12 |  | \n"
    path = tmp_path / "r.txt"
    path.write_text(text.replace(line, line + "2.重复申请 | 21 | 0 | 0 | 0 | 0 | 0 | 21 |  | \n"), encoding="utf-8")
    proc = run("inspect", str(path), "--html", str(tmp_path / "page.html"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "layout             text/pipe" in out and "template           2021" in out
    assert "requests.rejected_duplicate" in out and "printed more than once" in out
    assert "requests.rejected_duplicate.natural_person = 12  ambiguous" in out
    # each table as a grid, as the reader gave it
    assert "Tables as read" in out and "| 2.重复申请 | 21 | 0 |" in out
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<table class='grid'>" in page and "rejected_duplicate" in page and "<script" not in page


def test_inspect_a_missing_file_is_one_error_line(tmp_path):
    proc = run("inspect", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and proc.stderr.startswith("Error:")


def test_each_bad_option_gets_its_own_message_without_the_usage_block(tmp_path):
    for args, want in ((["-j", "0"], "argument -j/--jobs: 0 is too small; give at least 1 worker"),
                       (["--timeout", "soon"], "argument --timeout: 'soon' is not a number"),
                       (["--memory", "10"], "argument --memory: 10 is too small; give a memory limit in MB")):
        proc = run("run", str(tmp_path), *args)
        assert proc.returncode == 2
        assert proc.stderr.startswith(f"Error: {want}"), proc.stderr
        assert "usage:" not in proc.stderr
    # several bad options at once: a line for each
    proc = run("run", str(tmp_path), "-j", "0", "--timeout", "soon", "--bogus")
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[:3] == ["Error: argument -j/--jobs: 0 is too small; give at least 1 worker",
                         "Error: argument --timeout: 'soon' is not a number; give a time limit in seconds, at least 0.1",
                         "Error: unrecognized argument: --bogus"], proc.stderr


def test_a_web_address_is_answered_with_download_it_first():
    proc = run("run", "https://www.example.gov.cn/zfxxgk/2023.pdf")
    assert proc.returncode == 2
    assert "is a web address: download the file first" in proc.stderr


def test_progress_and_summary_use_the_same_words(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    shutil.copy(CORPUS / "pingtan-2019.txt", tmp_path / "in")
    proc = run("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "1 with errors" in proc.stderr and " failed" not in proc.stderr.replace("failed;", "")
    assert proc.stdout.startswith("2 files: 1 report ok, 0 partial, 0 failed; 1 error;"), proc.stdout
