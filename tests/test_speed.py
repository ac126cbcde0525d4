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
            k, v, t = reuse._cached(str(dict_txt), "jieba-dict", reuse._prefix_dict, "q")
            assert dict(zip(k, v)) == freq and int(t) == total
        (cache,) = tmp_path.glob("jieba-dict-*.bin")
        cache.write_bytes(cache.read_bytes()[:1000])  # a damaged cache is built again
        k, v, t = reuse._cached(str(dict_txt), "jieba-dict", reuse._prefix_dict, "q")
        assert dict(zip(k, v)) == freq
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
    import jieba.analyse

    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md"))]
    texts += [t[i:i + 400] for t in texts for i in range(0, len(t), 997)]
    for text in texts:
        want = [t for t in jieba.analyse.extract_tags(text[:reuse.MAX_CHARS], topK=24) if reuse._HAN.search(t)]
        assert reuse.keywords(text) == ("、".join(want[:8]) if len(text) >= 20 else "")
        assert reuse.words(text) == [w for w in jieba.lcut(text[:reuse.MAX_CHARS]) if reuse._WORD.search(w)]


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
