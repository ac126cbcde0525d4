"""The recogniser: PP-OCR's text-line model (the one the ``rapidocr`` wheel ships) on onnxruntime.

Only the recognition model is used: lines and cells are found from the page image itself
(``lines.py``, ``rulings.py``), which is cheaper than a detection network and keeps table
rulings out of the text. The model reads a line image scaled to 48 pixels high and gives, for
each slice of the line, a probability for every character of its alphabet (CTC). Decoding it
here, rather than through rapidocr's pipeline, keeps what a research dataset needs:

- each character's own probability (the cell's ``confidence`` is the lowest of them);
- the runner-up character where the winner was not sure (``3`` vs ``8``), a character that
  nearly was read between two others, or one that nearly was not: the other readings
  (``alternatives``), best first.

One session per process, one thread (a worker is one core; ``-j`` gives more workers).
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...errors import ExtractError
from ...settings import SETTINGS

HEIGHT = 48  # the model's input height
MAX_WIDTH = 3200  # pixels after scaling: a longer line is read in pieces
MAX_ALTERNATIVES = 4
LONG, SQUEEZE = 4, 0.5  # a line longer than LONG heights is narrowed to SQUEEZE beyond that
BATCH_COLUMNS = 6_000  # pixels of width per batch: memory stays small; sorted by width, little padding
OCR_MISSING = "needs_ocr"


@dataclass(frozen=True)
class Reading:
    """One line's text, with the probability of each character and other readings, best first."""

    text: str
    probs: tuple[float, ...]
    alternatives: tuple[str, ...] = ()
    gap: float = 0.0  # the highest probability of a character that was nearly read between two others
    read_as_number: bool = False  # digit-like letters were read over the number characters alone

    @property
    def mean(self) -> float:
        return sum(self.probs) / len(self.probs) if self.probs else 0.0

    @property
    def confidence(self) -> float:
        """The lowest probability of its characters, lowered by a character that nearly was read."""
        return min(min(self.probs, default=1.0), 1.0 - self.gap) if self.text else 0.0


def _model_dir() -> Path:
    spec = importlib.util.find_spec("rapidocr")  # its models, without importing its pipeline
    if spec is None or not spec.submodule_search_locations:
        raise ExtractError(OCR_MISSING, "OCR needs the rapidocr package (its recognition model): "
                                        "pip install rapidocr onnxruntime")
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def model_path() -> Path:
    found = sorted(_model_dir().glob("*rec*.onnx"), key=lambda p: ("v6" not in p.name.lower(), p.name))
    if not found:
        raise ExtractError(OCR_MISSING, f"no text recognition model in {_model_dir()}; reinstall rapidocr")
    return found[0]


# scripts no report in Chinese prints: kana, hangul, Cyrillic… (a 二 read as ニ is a 二)
_FOREIGN = ((0x0370, 0x1FFF), (0x3040, 0x30FF), (0x3130, 0x318F), (0xAC00, 0xD7AF), (0x31F0, 0x31FF))
NUMERIC = "0123456789.,-+/%"
# letters a recogniser gives for digits when it does not know a cell holds a number
DIGIT_LIKE = set("OoDQlIi|!ZzSsBbGgqT")


def _foreign(ch: str) -> bool:
    return len(ch) == 1 and any(a <= ord(ch) <= b for a, b in _FOREIGN)


def numeric_like(text: str) -> bool:
    """Text that is a number but for letters that look like digits (``3O1``, ``O``)."""
    t = "".join(text.split())
    return bool(t) and all(c in NUMERIC or c in DIGIT_LIKE for c in t) and any(c.isdigit() or c in "Oo" for c in t)


def _onnxruntime():
    """onnxruntime, imported with its cache folder (it writes a device id there on import) in the
    temporary folder: a worker's is inside the run's output folder, and nothing is written elsewhere."""
    import os
    import sys
    import tempfile

    if "onnxruntime" in sys.modules:
        return sys.modules["onnxruntime"]
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = os.path.join(tempfile.gettempdir(), "onnxruntime-cache")
    try:
        import onnxruntime
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before
    return onnxruntime


class Recogniser:
    def __init__(self, path: Path | None = None):
        ort = _onnxruntime()

        path = path or model_path()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.enable_cpu_mem_arena = True
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        chars = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        alphabet = ["", *chars, " "]  # CTC blank first; the space class last
        self.foreign = np.array([i for i, ch in enumerate(alphabet) if _foreign(ch)], dtype=np.int64)
        self.alphabet = alphabet
        self.numeric = np.array([0] + [i for i, ch in enumerate(alphabet) if ch and ch in NUMERIC])
        self.name = path.name

    # ------------------------------------------------------------------ images

    @staticmethod
    def _prepare(img: np.ndarray) -> np.ndarray:
        """A grey line image (ink dark) scaled to the model's height, as the model's input.

        A long line is narrowed (to ``SQUEEZE`` beyond ``LONG`` heights): a Chinese character
        still gets three or more of the model's slices, and the line costs much less to read.
        Short text (a number in a cell) keeps its shape."""
        import cv2

        h, w = img.shape[:2]
        width = w * HEIGHT / max(h, 1)
        if width > LONG * HEIGHT:
            width = LONG * HEIGHT + (width - LONG * HEIGHT) * SQUEEZE
        width = max(8, min(MAX_WIDTH, int(math.ceil(width))))
        out = cv2.resize(img, (width, HEIGHT), interpolation=cv2.INTER_CUBIC if h < HEIGHT else cv2.INTER_AREA)
        return out.astype(np.float32) / 127.5 - 1.0

    def read(self, images: list[np.ndarray]) -> list[Reading]:
        """Read each grey line image (ink dark on light); the order of the results is the order given."""
        prepared = [self._prepare(img) for img in images]
        order = sorted(range(len(prepared)), key=lambda i: prepared[i].shape[1])
        out: list[Reading | None] = [None] * len(prepared)
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * prepared[order[end]].shape[1] <= BATCH_COLUMNS:
                end += 1
            width = prepared[order[end - 1]].shape[1]
            batch = np.ones((end - start, 3, HEIGHT, width), np.float32)  # padding is background (white)
            for j, i in enumerate(order[start:end]):
                x = prepared[i]
                batch[j, :, :, : x.shape[1]] = x[None]
            probs = self.session.run(None, {self.input: batch})[0]
            for j, i in enumerate(order[start:end]):
                steps = int(math.ceil(prepared[i].shape[1] / width * probs.shape[1]))
                out[i] = self.reading(probs[j, : max(1, steps)])
            start = end
        return [r for r in out if r is not None]

    # ------------------------------------------------------------------ CTC

    def reading(self, raw: np.ndarray) -> Reading:
        """The line's reading; one that is a number but for digit-like letters is read again over
        the number characters alone (``O`` → ``0``, its probability among the digits)."""
        probs = raw
        if self.foreign.size:
            probs[:, self.foreign] = 0.0
            probs /= np.maximum(probs.sum(axis=1, keepdims=True), 1e-9)
        free = self.decode(probs, self.alphabet)
        if numeric_like(free.text) and not all(c in NUMERIC for c in "".join(free.text.split())):
            sub = probs[:, self.numeric]
            sub = sub / np.maximum(sub.sum(axis=1, keepdims=True), 1e-9)
            number = self.decode(sub, [self.alphabet[i] for i in self.numeric])
            if number.text:
                return Reading(number.text, number.probs, tuple(dict.fromkeys(number.alternatives + (free.text,))),
                               number.gap, read_as_number=True)
        return free

    @staticmethod
    def decode(probs: np.ndarray, alphabet: list[str]) -> Reading:
        """Greedy CTC decoding with each character's probability and the near-misses."""
        steps = np.arange(len(probs))
        first = probs.argmax(axis=1)
        p1 = probs[steps, first]
        probs[steps, first] = -1.0  # (restored below) the runner-up is then the largest
        second = probs.argmax(axis=1)
        p2 = probs[steps, second]
        probs[steps, first] = p1
        chars: list[str] = []
        conf: list[float] = []
        runner: list[tuple[str, float]] = []  # the best other character at the character's peak
        gaps: list[tuple[int, str, float]] = []  # (position, character, probability) nearly read between
        prev = 0
        for t in range(len(first)):
            k = int(first[t])
            if k == 0:
                alt, q = alphabet[int(second[t])], float(p2[t])
                near = bool(chars) and alt == chars[-1]  # the tail of the character just read
                if alt and q >= (0.3 if near else 0.1):
                    gaps.append((len(chars), alt, q))
            elif k != prev:
                chars.append(alphabet[k])
                conf.append(float(p1[t]))
                runner.append((alphabet[int(second[t])], float(p2[t])))
            elif float(p1[t]) > conf[-1]:  # the same character over several slices: keep its peak
                conf[-1] = float(p1[t])
                runner[-1] = (alphabet[int(second[t])], float(p2[t]))
            prev = k
        alternatives = Recogniser._alternatives(chars, conf, runner, gaps)
        return Reading("".join(chars), tuple(conf), alternatives, max((q for _, _, q in gaps), default=0.0))

    @staticmethod
    def _alternatives(chars: list[str], conf: list[float], runner: list[tuple[str, float]],
                      gaps: list[tuple[int, str, float]]) -> tuple[str, ...]:
        options: list[tuple[float, str]] = []
        for i, (p, (alt, q)) in enumerate(zip(conf, runner)):
            if p >= SETTINGS.ocr_doubt or q < SETTINGS.ocr_runner_up:
                continue
            # the runner-up character instead, or no character (when the blank was the runner-up)
            options.append((q / max(p, 1e-6), "".join(chars[:i] + [alt] + chars[i + 1:])))
        for pos, alt, q in gaps:
            if alt:
                options.append((q, "".join(chars[:pos] + [alt] + chars[pos:])))
        seen = {"".join(chars)}
        out = []
        for _, text in sorted(options, key=lambda o: -o[0]):
            if text not in seen:
                seen.add(text)
                out.append(text)
        return tuple(out[:MAX_ALTERNATIVES])


@lru_cache(maxsize=1)
def recogniser() -> Recogniser:
    return Recogniser()
