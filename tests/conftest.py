"""Shared test helpers: the real reports and hand-checked truth in ../shared (never copied here)."""
from __future__ import annotations

import csv
import math
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: `make test` runs a fixed, moderate number of generated cases; `make test-all`
# (HYPOTHESIS_PROFILE=thorough) many more. Each test states only what differs from its profile.
settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
# the long run (`make test-all`): every slow case of the kill and property tests, not a sample
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

# Runs compared byte for byte (one worker vs two, local vs cluster) must not differ in the time they
# were made: datapackage.json's `created` and panel.dta's time stamp follow SOURCE_DATE_EPOCH.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01T00:00:00Z

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus-real"
TRUTH = SHARED / "truth"
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus"  # sample reports (public documents) that make extract reads


def need_shared() -> None:
    if not REAL.is_dir():
        pytest.fail("../shared (real reports and truth) is not next to the project: tests need it")


def truth_cells(stem: str) -> list[dict]:
    with open(TRUTH / f"{stem}.csv", encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["status"] in ("ok", "blank", "dash")]


def truth_meta(stem: str) -> dict:
    with open(TRUTH / "reports.csv", encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["source_file"].rsplit(".", 1)[0] == stem:
                return r
    raise KeyError(stem)


def same(got, want: str) -> bool:
    """A fact's value against a truth value ('' means empty)."""
    if want == "":
        return got is None
    if got is None:
        return False
    return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9)


def compare(result, stem: str) -> tuple[int, int, list[str], list[str]]:
    """(right, total, wrong descriptions, silent errors) of a FileResult against truth. Cells the
    truth calls missing (the report does not print them) must come out missing."""
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    right, wrong, silent = 0, [], []
    cells = truth_cells(stem)
    for key, (_, status) in truth_expected(stem).items():
        f = facts.get(key)
        if status == "missing" and (f is None or f.status != "missing"):
            wrong.append(f"{'.'.join(key)}: want missing got {None if f is None else f.status}")
    for t in cells:
        f = facts.get((t["table"], t["row"], t["column"]))
        want = t["value"] if t["status"] == "ok" else ""
        if f is not None and same(f.value, want):
            right += 1
        else:
            desc = f"{t['table']}.{t['row']}.{t['column']}: want {want or '∅'} got {None if f is None else f.value}"
            wrong.append(desc)
            if f is not None and f.status == "ok":
                silent.append(desc)
    return right, len(cells), wrong, silent


def misread(spec, result) -> list[tuple]:
    """Cells of a rendered spec that did not come back as printed: (key, printed, read, status)."""
    facts = {(f.table, f.row, f.column): f for f in result.facts}
    out = []
    for key, raw in spec.cells.items():
        f = facts.get(tuple(key))
        if f is None or f.raw != raw or f.status != "ok":
            out.append((tuple(key), raw, None if f is None else f.raw, None if f is None else f.status))
    return out


def printed(raw: str) -> tuple[Decimal | None, str]:
    """What a cell printed by the fixture generator must read as, decided here and not by the code
    under test: the generator prints plain numbers (an optional sign, digits, a decimal point),
    a dash, or nothing."""
    text = raw.strip()
    if text == "":
        return None, "blank"
    if text in ("-", "—", "/", "－"):
        return None, "dash"
    assert re.fullmatch(r"[+-]?\d+(\.\d+)?", text), f"the fixture printed {raw!r}: add its reading here"
    return Decimal(text), "ok"


def truth_expected(stem: str) -> dict[tuple[str, str, str], tuple[Decimal | None, str]]:
    """Every truth cell of a report, missing ones included: (table, row, column) → (value, status)."""
    with open(TRUTH / f"{stem}.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["table"], r["row"], r["column"]): (Decimal(r["value"]) if r["status"] == "ok" else None, r["status"])
            for r in rows}


def need_tool(name: str, *alternatives: str) -> str:
    """The path of a system tool the tests use; fail (never skip) without it: `make tools` installs it."""
    import shutil

    for n in (name,) + alternatives:
        found = shutil.which(n)
        if found:
            return found
    pytest.fail(f"{name} is not installed: run `make tools` (as root, apt-get) before `make test`")


@pytest.fixture
def soffice_tool() -> str:
    return need_tool("soffice")


@pytest.fixture(autouse=True)
def _every_package_validates(monkeypatch):
    """The real Frictionless validator checks the package of every run a test makes in-process
    (``api.run``): a run that finished must leave outputs its own datapackage.json describes truly."""
    import frictionless

    import extract
    from extract import api

    original = api.run

    def run(inputs, out="outputs", *args, **kwargs):
        summary = original(inputs, out, *args, **kwargs)
        package = Path(out) / "datapackage.json"
        if package.exists():
            report = frictionless.validate(str(package))
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
        return summary

    monkeypatch.setattr(api, "run", run)
    monkeypatch.setattr(extract, "run", run)
