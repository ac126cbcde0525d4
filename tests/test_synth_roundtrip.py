"""Reports rendered in the official layout read back to the values they were rendered from."""
from __future__ import annotations

import pytest

from extract.pipeline import process_bytes
from extract.synth import random_spec, render
from extract.synth.render import to_txt


def read_back(spec, fmt, tmp_path):
    path = render(spec, fmt, tmp_path / f"report.{fmt}")
    res = process_bytes(path.read_bytes(), path.name)
    assert res.errors == []
    return res


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_text_forms_read_back_exactly(seed, fmt, tmp_path):
    spec = random_spec(seed)
    res = read_back(spec, fmt, tmp_path)
    got = {(f.table, f.row, f.column): f for f in res.facts}
    for key, raw in spec.cells.items():
        fact = got[tuple(key)]
        assert fact.raw == raw and fact.status == "ok", (key, raw, fact)
    rep = res.report
    assert (rep.agency, rep.year, rep.template, rep.published) == (spec.agency, spec.year, spec.template, spec.published)
    assert all(c.status == "pass" for c in res.checks)


def test_same_seed_same_report():
    assert to_txt(random_spec(42)) == to_txt(random_spec(42))
