"""Words of each section (jieba): its keywords, and the share of it repeated from last year's report.

Auditors look for reports pasted from the previous year: ``reuse_share`` is the fraction of a
section's word 4-grams that also occur anywhere in the same agency's previous report.

A section is segmented once (``segment``), for its keywords and its 4-grams alike. jieba's
dictionary and its IDF table are loaded lazily, once per process (a worker, not the parent), from
compact caches this module writes (``configure``: inside the run's ``.cache``): the same words and
numbers jieba loads, in a fraction of the time (jieba's own marshal cache takes ~0.6 s, its
keyword module ~0.5 s more). ``keywords`` is jieba.analyse's TF-IDF ``extract_tags``, computed the
same way on the shared segmentation.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import tempfile
import threading
from array import array
from functools import lru_cache
from itertools import islice
from pathlib import Path

N = 4
TOP_K = 8
MAX_CHARS = 20_000  # keywords and 4-grams of the first 20,000 characters of a section (a hostile page has millions)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# jieba.analyse's KeywordExtractor.STOP_WORDS (its TF-IDF leaves these out; tests compare)
STOP_WORDS = frozenset((
    "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are",
    "by", "be", "as", "on", "with", "can", "if", "from", "which", "you", "it",
    "this", "then", "at", "have", "all", "not", "one", "has", "or", "that"))

_CACHE_DIR: str | None = None
MAGIC = b"extract-jieba-2\n"  # 2: keys grouped by first character (Lexicon)


def configure(cache_dir: str | os.PathLike | None) -> None:
    """Where the dictionary caches go (a run: ``api._word_cache``); workers forked later inherit it."""
    global _CACHE_DIR
    _CACHE_DIR = None if cache_dir is None else str(Path(cache_dir).resolve())


def _cache_dir() -> str:
    return _CACHE_DIR or os.environ.get("EXTRACT_CACHE_DIR") or tempfile.gettempdir()


class Lexicon:
    """A word table (keys and values) read from its compact cache file, its keys made into dict entries
    only for the characters texts hold: ``cover(text)`` puts in ``target`` every key starting with a
    character of the text. jieba looks up nothing else: each lookup (the DAG's, the route's, the HMM
    buffer's) is of a piece of the text being cut, which starts with one of its characters; the IDF
    table is looked up for the words of the text. A report needs about 40% of the dictionary: the rest,
    never made into Python objects, is time saved at each worker's start and memory all its life."""

    def __init__(self, blob: bytes, typecode: str, target: dict):
        at = len(MAGIC) + 32
        heads_len, groups, count = (int.from_bytes(blob[at + i:at + i + 8], "little") for i in (0, 8, 16))
        at += 24
        heads = blob[at:at + heads_len].decode("utf-8")
        at += heads_len
        self._keys_at, self._values_at, self._values = array("q"), array("q"), array(typecode)
        for part, size in ((self._keys_at, 8 * (groups + 1)), (self._values_at, 8 * (groups + 1)),
                           (self._values, self._values.itemsize * count)):
            part.frombytes(blob[at:at + size])
            at += size
        if (len(heads) != groups or len(self._keys_at) != groups + 1 or len(self._values) != count
                or self._values_at[-1] != count or self._keys_at[0] != at or self._keys_at[-1] != len(blob)):
            raise ValueError("a damaged word table")
        self._blob, self._group = blob, {ch: g for g, ch in enumerate(heads)}
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self.target = target

    def cover(self, text: str) -> None:
        """Put in ``target`` every entry whose key starts with a character of ``text`` (once a character)."""
        new = set(text)
        new -= self._seen
        if not new:
            return
        with self._lock:  # threads of one worker: no text is cut before all its characters' entries are in
            for ch in new - self._seen:
                g = self._group.get(ch)
                if g is not None:
                    keys = self._blob[self._keys_at[g]:self._keys_at[g + 1]].decode("utf-8").split("\n")
                    self.target.update(zip(keys, self._values[self._values_at[g]:self._values_at[g + 1]]))
            self._seen |= new

    def everything(self) -> dict:
        self.cover("".join(self._group))
        return self.target


def lexicon_bytes(keys: list[str], values, typecode: str, extra: float) -> bytes:
    """The cache file ``Lexicon`` reads: MAGIC, ``extra`` (32 bytes of hex), the counts, the first
    characters, where each one's keys and values start, the values, then each first character's keys as
    one UTF-8 text (keys sorted, so a first character's keys are together)."""
    order = sorted((i for i, key in enumerate(keys) if key), key=keys.__getitem__)  # (nothing looks up "")
    keys = [keys[i] for i in order]
    ordered = array(typecode, [values[i] for i in order])
    last = dict(zip([key[0] for key in keys], range(1, len(keys) + 1)))  # first character → end of its keys
    heads = "".join(last).encode("utf-8")
    values_at = array("q", [0, *last.values()])
    texts = ["\n".join(keys[a:b]).encode("utf-8") for a, b in zip(values_at, values_at[1:])]
    at = len(MAGIC) + 32 + 24 + len(heads) + 16 * (len(last) + 1) + ordered.itemsize * len(ordered)
    keys_at = array("q", [at])
    for text in texts:
        keys_at.append(keys_at[-1] + len(text))
    return b"".join([MAGIC, float(extra).hex().ljust(32).encode("ascii"), len(heads).to_bytes(8, "little"),
                     len(last).to_bytes(8, "little"), len(ordered).to_bytes(8, "little"), heads,
                     keys_at.tobytes(), values_at.tobytes(), ordered.tobytes(), *texts])


def _cached(source: str, kind: str, build, typecode: str, target: dict | None = None) -> tuple[Lexicon, float]:
    """``build(bytes of source) -> (keys, values, extra)`` kept in a compact file (``lexicon_bytes``) in
    the user's cache and read back as a :class:`Lexicon` that fills ``target`` as texts need it."""
    st = os.stat(source)
    # the format's MAGIC in the name: versions of this code that read other formats keep files of their own
    # (two versions run in turn would otherwise build the file again each time)
    tag = hashlib.sha256(f"{source}|{st.st_size}|{st.st_mtime_ns}|{kind}|{MAGIC!r}".encode()).hexdigest()[:16]
    path = os.path.join(_cache_dir(), f"{kind}-{tag}.bin")
    target = {} if target is None else target
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
        if blob.startswith(MAGIC):
            return Lexicon(blob, typecode, target), float.fromhex(blob[len(MAGIC):len(MAGIC) + 32].decode("ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    with open(source, "rb") as fh:
        keys, values, extra = build(fh.read())
    blob = lexicon_bytes(keys, values, typecode, extra)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except OSError:  # a cache that cannot be written: the next process builds it again
        pass
    return Lexicon(blob, typecode, target), float(extra)


def _prefix_dict(raw: bytes) -> tuple[list[str], list[int], float]:
    """jieba's ``Tokenizer.gen_pfdict``: every word with its frequency, every prefix of a word with 0
    unless it is a word itself; and the total of the frequencies (every line counted)."""
    freq: dict[str, int] = {}
    total = 0
    for line in raw.splitlines():  # (jieba reads it line by line, as bytes)
        word, count = line.strip().decode("utf-8").split(" ")[:2]
        count = int(count)
        freq[word] = count
        total += count
    for word in list(freq):
        for i in range(1, len(word)):
            freq.setdefault(word[:i], 0)
    return list(freq), list(freq.values()), float(total)


def _idf_table(raw: bytes) -> tuple[list[str], list[float], float]:
    """jieba.analyse's ``IDFLoader``: word → IDF, and the median IDF (for words the table lacks)."""
    idf: dict[str, float] = {}
    for line in raw.decode("utf-8").splitlines():
        word, value = line.strip().split(" ")
        idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2]
    return list(idf), list(idf.values()), median


@lru_cache(maxsize=1)
def _jieba():
    """jieba, its default tokenizer's dictionary a :class:`Lexicon` (``_words``) that ``segment`` covers
    each text with before cutting it."""
    from ..imports import light_pkg_resources

    with light_pkg_resources():
        import jieba

    jieba.setLogLevel(logging.WARNING)
    _words()
    return jieba


@lru_cache(maxsize=1)
def _words() -> Lexicon | None:
    import jieba

    dt = jieba.dt
    if not dt.initialized:
        source = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
        if dt.dictionary is None and os.path.isfile(source):
            freq: dict[str, int] = {}
            lexicon, total = _cached(source, "jieba-dict", _prefix_dict, "q", freq)
            with dt.lock:
                dt.FREQ, dt.total, dt.initialized = freq, int(total), True
            return lexicon
        jieba.initialize()  # pragma: no cover - a jieba without its dictionary file: its own loader, whole
    return None


@lru_cache(maxsize=1)
def _idf() -> tuple[Lexicon, float]:
    """jieba.analyse's IDF table as a :class:`Lexicon` (``extract_tags`` covers its words), and its median."""
    import jieba

    source = os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt")
    return _cached(source, "jieba-idf", _idf_table, "d")


_SEGMENTED: dict[str, tuple[str, ...]] = {}  # this report's sections: text → words


def forget() -> None:
    """A new report: the previous one's segmentations go (``pipeline.process_bytes`` calls this)."""
    _SEGMENTED.clear()


def segment(text: str) -> tuple[str, ...]:
    """The section's words (jieba's default segmentation: accurate mode, HMM), once per text of the
    report: its keywords and its 4-grams both come from this."""
    text = text[:MAX_CHARS]
    got = _SEGMENTED.get(text)
    if got is None:
        dt = _jieba().dt
        lexicon = _words()
        if lexicon is not None:
            lexicon.cover(text)
        got = _SEGMENTED[text] = tuple(dt.cut(text))
    return got


def words(text: str) -> list[str]:
    return [w for w in segment(text) if _WORD.search(w)]


def extract_tags(tokens, top_k: int) -> list[str]:
    """jieba.analyse.extract_tags (TF-IDF) of an already segmented text: the same words, weights and order."""
    table, median = _idf()
    freq: dict[str, float] = {}
    for w in tokens:
        if len(w.strip()) < 2 or w.lower() in STOP_WORDS:
            continue
        freq[w] = freq.get(w, 0.0) + 1.0
    total = sum(freq.values())
    table.cover("".join(freq))
    idf = table.target
    for k in freq:
        freq[k] *= idf.get(k, median) / total
    return sorted(freq, key=freq.__getitem__, reverse=True)[:top_k]


def keywords(text: str, k: int = TOP_K) -> str:
    if len(text) < 20:
        return ""
    tags = [t for t in extract_tags(segment(text), k * 3) if _HAN.search(t)]
    return "、".join(islice(tags, k))


def shingles(text: str) -> set[str]:
    w = words(text)
    return {"|".join(w[i:i + N]) for i in range(max(0, len(w) - N + 1))}


def hashed_shingles(text: str) -> list[int]:
    """The text's word 4-grams as sorted 63-bit hashes (BLAKE2b): what a report keeps for the next one's
    comparison, compact and cheap to intersect."""
    return sorted({int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big") >> 1
                   for s in shingles(text)})


def hashes_text(hashes: list[int]) -> str:
    """Hashed 4-grams as compact text for a packed result (base64 of 8-byte integers): a report's
    thousands of hashes as JSON numbers cost the parent more to read back than the rest of it."""
    return base64.b64encode(array("q", hashes).tobytes()).decode("ascii")


def hash_array(text):
    """``hashes_text`` read back as a NumPy array of int64 (empty for anything else)."""
    import numpy as np

    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    return np.frombuffer(raw[:len(raw) // 8 * 8], dtype="<i8")


def shared_count(own, previous) -> int:
    """How many of ``own``'s hashes (each once) are among ``previous`` (sorted): NumPy arrays."""
    import numpy as np

    if not len(own) or not len(previous):
        return 0
    at = np.searchsorted(previous, own)
    at[at == len(previous)] = 0
    return int(np.count_nonzero(previous[at] == own))


def reuse_share(own, previous) -> float | None:
    """Share of a section's 4-grams found in the previous report: ``own`` the section's hashes (each
    once), ``previous`` the previous report's (sorted), NumPy arrays; None for texts too short to say."""
    if len(own) < 5:
        return None
    return round(shared_count(own, previous) / len(own), 4)
