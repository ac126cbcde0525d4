#!/usr/bin/env python3
"""How the OCR engine was chosen: the same page analysis (deskew, rulings, cells, lines) with
two recognisers, on the scans in ../shared/corpus-converted/scan, scored against ../shared/truth.

    .venv/bin/python scripts/compare_ocr_engines.py [--engines rapidocr,tesseract]

- ``rapidocr``: PP-OCR's recognition model from the rapidocr wheel on onnxruntime (the reader's).
- ``tesseract``: tesseract 5 with chi_sim+eng through tesserocr (``pip install tesserocr``; its
  wheel bundles libtesseract; the chi_sim model comes from Debian's tesseract-ocr-chi-sim),
  each line read with ``PSM.SINGLE_LINE``, characters' confidences from its symbol iterator.

For each engine, in a child process on one core: per-file truth cells right, wrong values that
would be read ``ok``, CPU seconds per page and peak memory. Not part of the tests: it needs
tesserocr, which the project does not install.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCANS = sorted((SHARED / "corpus-converted" / "scan").glob("*.pdf"))
TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"


class TesseractRecogniser:
    """The reader's recogniser interface (``read(images) -> [Reading]``) over tesseract."""

    def __init__(self) -> None:
        import tesserocr

        self.api = tesserocr.PyTessBaseAPI(path=TESSDATA, lang="chi_sim+eng", psm=tesserocr.PSM.SINGLE_LINE)
        self.tesserocr = tesserocr

    def read(self, images):
        from PIL import Image

        from extract.readers.ocr.engine import Reading

        out = []
        for img in images:
            self.api.SetImage(Image.fromarray(img))
            self.api.Recognize()
            chars, probs = [], []
            it = self.api.GetIterator()
            level = self.tesserocr.RIL.SYMBOL
            if it is not None and self.api.GetUTF8Text().strip():
                while True:
                    try:
                        sym = it.GetUTF8Text(level)
                    except RuntimeError:  # an empty symbol
                        sym = ""
                    if sym and not sym.isspace():
                        chars.append(sym)
                        probs.append(max(0.0, min(1.0, it.Confidence(level) / 100.0)))
                    if not it.Next(level):
                        break
            out.append(Reading("".join(chars), tuple(probs)))
        return out


def truth(stem: str) -> list[dict]:
    with open(SHARED / "truth" / f"{stem}.csv", encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["status"] in ("ok", "blank", "dash")]


def child(engine: str) -> dict:
    import extract.readers.ocr as ocr
    from extract.pipeline import process_bytes

    if engine == "tesseract":
        rec = TesseractRecogniser()
        ocr.recogniser = lambda: rec  # the reader asks for its recogniser here
    pages = 0
    files = {}
    started = time.process_time()
    for path in SCANS:
        result = process_bytes(path.read_bytes(), path.name)
        pages += result.report.pages if result.report else 0
        facts = {(f.table, f.row, f.column): f for f in result.facts}
        right, silent, total = 0, 0, 0
        for t in truth(path.stem):
            total += 1
            f = facts.get((t["table"], t["row"], t["column"]))
            want = float(t["value"]) if t["status"] == "ok" else None
            got = None if f is None or f.value is None else float(f.value)
            if got == want or (got is not None and want is not None and math.isclose(got, want)):
                right += 1
            elif f is not None and f.status == "ok":
                silent += 1
        files[path.stem] = {"right": right, "total": total, "silent": silent}
    cpu = time.process_time() - started
    return {"engine": engine, "files": files, "pages": pages, "cpu_per_page": cpu / max(pages, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    for engine in args.engines.split(","):
        proc = subprocess.run([sys.executable, __file__, "--child", engine], capture_output=True, text=True,
                              cwd=ROOT, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
        if proc.returncode:
            print(f"{engine}: failed\n{proc.stderr[-2000:]}")
            continue
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = "; ".join(f"{k} {v['right']}/{v['total']} ({v['silent']} wrong as ok)" for k, v in m["files"].items())
        print(f"{engine}: {cells}; {m['cpu_per_page']:.2f} s CPU per page; peak {m['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
