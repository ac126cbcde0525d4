"""What keeps runs fast without changing a byte of what they write: jieba's dictionary and IDF table
loaded from the project's own compact caches (the same words and numbers jieba loads), keywords
computed on the one segmentation a section gets, and a parent that never imports what only workers or
nobody need (pandas, jieba, pyarrow.compute)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.stages import reuse

from conftest import CORPUS, ROOT


def _jieba_files():
    import jieba

    base = Path(jieba.__file__).parent
    return base / "dict.txt", base / "analyse" / "idf.txt"


def test_dictionary_cache_holds_what_jieba_builds(tmp_path):
    import jieba

    dict_txt, idf_txt = _jieba_files()
    freq, total = jieba.Tokenizer().gen_pfdict(open(dict_txt, "rb"))
    keys, values, got_total = reuse._prefix_dict(dict_txt.read_bytes())
    assert dict(zip(keys, values)) == freq and int(got_total) == total
    # and read back from the cache file
    reuse.configure(tmp_path)
    try:
        for _ in range(2):  # built, then read
            lexicon, t = reuse._cached(str(dict_txt), "jieba-dict", reuse._prefix_dict, "q")
            assert lexicon.everything() == freq and int(t) == total
        (cache,) = tmp_path.glob("jieba-dict-*.bin")
        for damage in (lambda b: b[:1000], lambda b: b[:-1], lambda b: b"extract-jieba-1\n" + b[16:]):
            cache.write_bytes(damage(cache.read_bytes()))  # a damaged or older cache is built again
            lexicon, t = reuse._cached(str(dict_txt), "jieba-dict", reuse._prefix_dict, "q")
            assert lexicon.everything() == freq
        # covering a text puts in every word starting with one of its characters, and no other
        lexicon, _ = reuse._cached(str(dict_txt), "jieba-dict", reuse._prefix_dict, "q")
        lexicon.cover("政府信息公开")
        assert lexicon.target == {w: f for w, f in freq.items() if w[0] in "政府信息公开"}
        assert "政府" in lexicon.target and "公开信" in lexicon.target and "年度" not in lexicon.target
    finally:
        reuse.configure(None)


def test_idf_and_stop_words_are_jiebas():
    from jieba.analyse.tfidf import IDFLoader, KeywordExtractor

    _, idf_txt = _jieba_files()
    loader = IDFLoader(str(idf_txt))
    keys, values, median = reuse._idf_table(idf_txt.read_bytes())
    assert dict(zip(keys, values)) == loader.idf_freq and median == loader.median_idf
    assert reuse.STOP_WORDS == KeywordExtractor.STOP_WORDS


def test_keywords_are_jiebas_extract_tags():
    """Keywords and words as jieba's own tokenizer and TF-IDF give them with the whole dictionary
    loaded its own way, text after text (the run's dictionary only holds what the texts so far needed)."""
    import jieba
    from jieba.analyse.tfidf import TFIDF

    whole = jieba.Tokenizer()  # its own dictionary, loaded whole by jieba, not the run's
    whole.initialize()
    tfidf = TFIDF()
    tfidf.tokenizer = whole
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md"))]
    texts += [t[i:i + 400] for t in texts for i in range(0, len(t), 997)]
    texts += ["Ａ类2023年度ｘ政务公开工作报告，依申请公开123件。", "e-mail: gk@example.gov.cn 电话0596-1234567"]
    for text in texts:
        reuse.forget()
        want = [t for t in tfidf.extract_tags(text[:reuse.MAX_CHARS], topK=24) if reuse._HAN.search(t)]
        assert reuse.keywords(text) == ("、".join(want[:8]) if len(text) >= 20 else "")
        assert reuse.words(text) == [w for w in whole.lcut(text[:reuse.MAX_CHARS]) if reuse._WORD.search(w)]
    assert len(jieba.dt.FREQ) < len(whole.FREQ) * 0.8  # the run's dictionary: only what these texts needed


def test_parent_stays_lean(tmp_path):
    """A run's parent never imports pandas, jieba or pyarrow.compute (workers load jieba when they
    segment; nothing loads pandas)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_bytes((CORPUS / "zhangzhou-erqing-2019.txt").read_bytes())
    code = ("import sys, json; from extract import api; api.run([sys.argv[1]], sys.argv[2], jobs=1); "
            "print(json.dumps([m for m in ('pandas', 'jieba', 'pyarrow.compute', 'cpca') if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "in"), str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_sqlite_written_beside_the_run_holds_what_the_tables_hold(tmp_path):
    """reports.sqlite, filled by its own process as rows stream, holds row for row what write_sqlite
    writes from the committed Parquet files."""
    import sqlite3

    from extract import api
    from extract.writers.sqlite import write_sqlite

    (tmp_path / "in").mkdir()
    for name in ("pingtan-2018.txt", "pingtan-2019.txt", "zhangzhou-erqing-2019.txt", "shuyang-xian-2025.md"):
        (tmp_path / "in" / name).write_bytes((CORPUS / name).read_bytes())
    api.run([tmp_path / "in"], tmp_path / "out", jobs=2)
    write_sqlite(tmp_path / "out", tmp_path / "ref.sqlite")
    got, want = sqlite3.connect(tmp_path / "out" / "reports.sqlite"), sqlite3.connect(tmp_path / "ref.sqlite")
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert got.execute(schema).fetchall() == want.execute(schema).fetchall()
    for (table,) in want.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
        rows = [(r, [type(v) for v in r]) for r in want.execute(f'SELECT * FROM "{table}"')]
        assert [(r, [type(v) for v in r]) for r in got.execute(f'SELECT * FROM "{table}"')] == rows, table


@pytest.mark.parametrize("name", ["reports", "checks", "sections", "panel"])
def test_parquet_row_groups_end_where_rows_one_by_one_end_them(tmp_path, name, monkeypatch):
    """The parent's rows go to Parquet a few hundred at a time and workers' tables whole; row groups end
    where adding the rows one by one ended them (every BATCH rows, or after the table that passed it),
    so the file is byte for byte the same."""
    import random
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from extract.frames import typed_row
    from extract.packing import arrow_rows, read_arrow, render_rows
    from extract.schema import BY_NAME
    from extract.writers import parquet

    r = BY_NAME[name]
    rng = random.Random(name)

    def value(kind):
        if rng.random() < 0.3:
            return None
        return {"string": lambda: rng.choice(["", "漳州", "=1+2", "x" * rng.randrange(60)]),
                "integer": lambda: rng.randrange(10**6), "decimal": lambda: Decimal(rng.randrange(10**6)) / 100,
                "number": lambda: rng.random(), "boolean": lambda: rng.random() < 0.5}[kind]()

    ops = []
    for _ in range(1500):
        rows = [{f.name: value(f.type) for f in r.fields} for _ in range(rng.randrange(1, 4))]
        ops.append(("table" if name in ("checks", "panel") and rng.random() < 0.4 else "rows", rows))
    batch = 700
    monkeypatch.setattr(parquet, "BATCH", batch)
    monkeypatch.setattr(parquet, "ROWS", {})
    # the reference: every row one by one, a row group written as soon as BATCH rows wait
    schema = parquet.arrow_schema(r)
    ref = pq.ParquetWriter(str(tmp_path / "ref.parquet"), schema)
    pending: list = []

    def flush():
        nonlocal pending
        if pending:
            ref.write_table(pa.Table.from_pylist([typed_row(r, x) for x in pending], schema=schema))
            pending = []

    for kind, rows in ops:
        pending += rows
        if kind == "rows":
            while len(pending) >= batch:
                head, rest = pending[:batch], pending[batch:]
                pending = head
                flush()
                pending = rest
        elif len(pending) >= batch:
            flush()
    flush()
    ref.close()
    sink = parquet.ParquetSink(r, tmp_path / "got.parquet")
    waiting: list = []
    for kind, rows in ops:
        if kind == "rows":
            waiting += rows
            if len(waiting) >= 50:
                sink.add_table(render_rows(name, waiting)[1], rows=True)
                waiting = []
        else:
            if waiting:
                sink.add_table(render_rows(name, waiting)[1], rows=True)
                waiting = []
            sink.add_table(read_arrow(arrow_rows(name, [typed_row(r, x) for x in rows])))
    if waiting:
        sink.add_table(render_rows(name, waiting)[1], rows=True)
    sink.close()
    assert (tmp_path / "got.parquet").read_bytes() == (tmp_path / "ref.parquet").read_bytes()


def test_rows_written_together_are_the_bytes_written_one_report_at_a_time(tmp_path, monkeypatch):
    """Reports' rows are assembled in chunks (``assemble``: in the parent for a small run, by helper
    processes for a large one) and a table's rows wait until FLUSH_ROWS rows or FLUSH_PARTS renderings
    are there, then are read as one Arrow stream: the files are the same, byte for byte, with one
    report's rows at a time, with everything written at the end, and by helpers with chunks of any size;
    the pingtan series puts cross-year checks (rows the assembly makes) between the workers' checks."""
    from extract import api, assemble
    from extract.writers import output

    outs = {}
    for name, (rows, parts, chunk, least) in {
            "one": (1, 1, 1, 10**9), "default": (output.FLUSH_ROWS, output.FLUSH_PARTS, assemble.CHUNK, 10**9),
            "end": (10**9, 10**9, 10**9, 10**9), "helpers of 1": (1, 1, 1, 0),
            "helpers of 3": (output.FLUSH_ROWS, output.FLUSH_PARTS, 3, 0)}.items():
        monkeypatch.setattr(output, "FLUSH_ROWS", rows)
        monkeypatch.setattr(output, "FLUSH_PARTS", parts)
        monkeypatch.setattr(assemble, "CHUNK", chunk)
        monkeypatch.setattr(assemble, "MIN_ITEMS", least)
        summary = api.run([CORPUS], tmp_path / name, jobs=1, cache_dir=tmp_path / "cache")
        assert (summary.assemble_cpu_s > 0) == name.startswith("helpers")
        outs[name] = {f.name: f.read_bytes() for f in sorted((tmp_path / name).glob("*.*"))
                      if f.suffix in (".csv", ".parquet")}
    assert len(outs["one"]) == 12
    assert outs["one"] == outs["default"] == outs["end"] == outs["helpers of 1"] == outs["helpers of 3"]
    checks = outs["one"]["checks.csv"].decode("utf-8-sig").splitlines()
    cross = [i for i, line in enumerate(checks) if "previous year's report" in line]
    assert cross and cross[-1] < len(checks) - 1  # cross-year rows sit between other reports' checks


def test_text_reuse_share_counts_the_shared_word_4_grams(tmp_path):
    """``linked`` on the arrays kept for two reports gives the share of a section's 4-grams found in the
    previous report: here counted with Python sets from the two texts."""
    from extract.stages.corpus import linked
    from extract.stages.reuse import hashed_shingles, hashes_text

    prev_text = "本机关认真贯彻落实政府信息公开条例，全面推进政务公开工作，主动公开各类政府信息，依法办理依申请公开。"
    own_text = "本机关认真贯彻落实政府信息公开条例，加强政策解读与回应关切，依法办理依申请公开，做好年度报告。"
    other = "平台建设方面，门户网站改版上线，栏目设置更加合理。"
    prev, own = set(hashed_shingles(prev_text)) | set(hashed_shingles(other)), hashed_shingles(own_text)
    assert 5 <= len(own) and 0 < len(prev & set(own)) < len(own)
    sections = [{"section_key": "overview", "text": own_text}, {"section_key": "overview", "text": "短"}]
    link = {"template": "", "cells": {}, "shingles": [hashes_text(own), hashes_text(hashed_shingles("短"))]}
    prev_link = {"template": "", "cells": {}, "shingles": [hashes_text(hashed_shingles(prev_text)),
                                                          hashes_text(hashed_shingles(other))]}
    linked({"template": ""}, link, sections, {"template": "", "report_id": "r0"}, prev_link)
    assert sections[0]["reuse_prev"] == round(len(prev & set(own)) / len(own), 4)
    assert sections[0]["prev_report_id"] == "r0"
    assert sections[1]["reuse_prev"] is None  # too short to say


def test_cache_index_is_saved_before_the_tables_are_written(tmp_path, monkeypatch):
    """Once every file is read the run saves what each path held and lets it go (a run of many files
    does not hold it while writing): a run that fails while writing leaves nothing in --out, and the
    next run takes every file from the cache."""
    from extract import api
    from extract.writers import output

    src = tmp_path / "in"
    src.mkdir()
    for name in ("pingtan-2018.txt", "pingtan-2019.txt", "shuyang-xian-2025.md"):
        (src / name).write_bytes((CORPUS / name).read_bytes())

    def broken(self):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(output.OutputWriter, "commit", broken)
        with pytest.raises(OSError, match="disk full"):
            api.run([src], tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "out" / "reports.csv").exists()
    [index] = (tmp_path / "cache" / "results").glob("*/stats.jsonl")
    assert sorted(Path(json.loads(line)[0]).name for line in index.read_text(encoding="utf-8").splitlines()) == [
        "pingtan-2018.txt", "pingtan-2019.txt", "shuyang-xian-2025.md"]
    again = api.run([src], tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
    assert (again.files, again.read, again.cached) == (3, 0, 3)


def test_allocators_for_writing_are_the_parents_alone(tmp_path):
    """``lean_memory`` (what ``extract run`` asks for) sets the allocators once the files are read: the
    parent writes with Arrow's system allocator, and the forked workers that read the files kept
    Arrow's own (they inherit what the parent set before it forks them)."""
    (tmp_path / "in").mkdir()
    for name in ("pingtan-2018.txt", "zhangzhou-erqing-2019.txt"):
        (tmp_path / "in" / name).write_bytes((CORPUS / name).read_bytes())
    code = (
        "import sys, json, os, pyarrow as pa\n"
        "from extract import api\n"
        "seen = sys.argv[3]\n"
        "original = api.run_file\n"
        "def spy(path, source_path):\n"
        "    with open(seen, 'a') as fh:\n"
        "        fh.write(pa.default_memory_pool().backend_name + '\\n')\n"
        "    return original(path, source_path)\n"
        "api.run_file = spy\n"
        "before = pa.default_memory_pool().backend_name\n"
        "api.run([sys.argv[1]], sys.argv[2], jobs=2, lean_memory=True)\n"
        "print(json.dumps([before, pa.default_memory_pool().backend_name]))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "in"), str(tmp_path / "out"),
                           str(tmp_path / "seen.txt")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    workers = (tmp_path / "seen.txt").read_text().split()
    assert len(workers) == 2 and before != "system"
    assert workers == [before, before] and after == "system"
