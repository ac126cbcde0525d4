#!/usr/bin/env python3
"""rjieba (a jieba-rs binding) in place of jieba? Only if it cuts the reports' text the same: measured here.

    python3 -m venv /tmp/rj && /tmp/rj/bin/pip install jieba rjieba
    /tmp/rj/bin/python scripts/compare_segmenters.py [FILES...]   (default: the text and Markdown reports
                                                                  of ../shared/corpus-real and corpus/)

Each non-empty line of each file is cut by jieba (accurate mode with HMM, what ``extract/stages/reuse.py``
uses) and by rjieba (its default, accurate with HMM); prints the time each took, how many lines are cut
differently, and the differing stretches — apart those that hold a Chinese character (a word the two
dictionaries or models cut differently) from those that do not (dates, addresses, numbers). rjieba is not a
dependency of the project: install it in a scratch environment.
"""
from __future__ import annotations

import difflib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4E00-\u9FD5]")


def main(argv: list[str]) -> int:
    try:
        import jieba
        import rjieba
    except ImportError as e:
        print(f"{e}: install both in a scratch environment (see this script's docstring)", file=sys.stderr)
        return 2
    jieba.setLogLevel(60)
    files = [Path(a) for a in argv] or sorted(
        p for d in (ROOT.parent / "shared" / "corpus-real", ROOT / "corpus") for p in d.glob("*")
        if p.suffix in (".txt", ".md"))
    lines = [ln for f in files for ln in f.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    jieba.initialize()
    rjieba.cut("初始化")
    t = time.process_time()
    ours = [list(jieba.cut(ln)) for ln in lines]
    t_jieba = time.process_time() - t
    t = time.process_time()
    theirs = [list(rjieba.cut(ln)) for ln in lines]
    t_rjieba = time.process_time() - t
    differ, han, other = 0, [], []
    for a, b in zip(ours, theirs):
        if a == b:
            continue
        differ += 1
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op != "equal":
                (han if HAN.search("".join(a[i1:i2] + b[j1:j2])) else other).append((a[i1:i2], b[j1:j2]))
    chars = sum(map(len, lines))
    print(f"{len(files)} files, {len(lines)} lines, {chars} characters")
    print(f"jieba {t_jieba:.3f} s, rjieba {t_rjieba:.3f} s of CPU ({t_jieba / max(t_rjieba, 1e-9):.0f}× faster)")
    print(f"lines cut differently: {differ} of {len(lines)}; differing stretches with a Chinese character: "
          f"{len(han)}, without: {len(other)}")
    for name, found in (("with a Chinese character", han), ("without", other)):
        for a, b in found[:8]:
            print(f"  {name}: jieba {a} | rjieba {b}")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
