"""Words of each section (jieba): its keywords, and the share of it repeated from last year's report.

Auditors look for reports pasted from the previous year: ``reuse_share`` is the fraction of a
section's word 4-grams that also occur anywhere in the same agency's previous report.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from functools import lru_cache

N = 4
TOP_K = 8
MAX_CHARS = 20_000  # keywords and 4-grams of the first 20,000 characters of a section (a hostile page has millions)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    cache_dir = os.environ.get("EXTRACT_CACHE_DIR")
    if cache_dir:  # keep jieba's dictionary cache inside the run's output folder
        os.makedirs(cache_dir, exist_ok=True)
        jieba.dt.tmp_dir = cache_dir
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text[:MAX_CHARS]) if _WORD.search(w)]


def keywords(text: str, k: int = TOP_K) -> str:
    if len(text) < 20:
        return ""
    import jieba.analyse

    _jieba()
    tags = [t for t in jieba.analyse.extract_tags(text[:MAX_CHARS], topK=k * 3) if re.search(r"[\u4e00-\u9fff]", t)]
    return "、".join(tags[:k])


def shingles(text: str) -> set[str]:
    w = words(text)
    return {"|".join(w[i:i + N]) for i in range(max(0, len(w) - N + 1))}


def hashed_shingles(text: str) -> list[int]:
    """The text's word 4-grams as sorted 63-bit hashes (BLAKE2b): what a report keeps for the next one's
    comparison, compact and cheap to intersect."""
    return sorted({int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big") >> 1
                   for s in shingles(text)})


def reuse_share(own: list[int] | set, previous: set) -> float | None:
    """Share of a section's 4-grams found in the previous report; None for texts too short to say."""
    if len(own) < 5:
        return None
    return round(sum(1 for h in own if h in previous) / len(own), 4)
