"""One report, every form: the same facts whichever format it was published in.

Each report is rendered by the fixture generator (``extract.synth.fixtures``) from hand-checked
truth in ../shared/truth as txt, md, html, a portal
page (GBK, site chrome, Word-pasted markup, a rowspan two rows short), docx, a Word file as
people edit it (numbered headings, a table in a text box, a framed table, tracked changes,
a comment, hidden text), and pdf where a PDF reader is registered and LibreOffice is installed.
"""
from __future__ import annotations

import pytest

from extract.pipeline import process_bytes
from extract.readers import READERS
from extract.readers.convert import soffice
from extract.synth.fixtures import FORMS, render_all, spec_from_truth
from conftest import TRUTH, need_shared, need_tool, truth_expected

REPORTS = ["zhangzhou-erqing-2019", "shuyang-fagaiju-2023", "pingtan-2022"]  # the seed report and two 2021 reports


def _spec(name):
    need_shared()
    return spec_from_truth(TRUTH / f"{name}.csv")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """report → (spec, {form: FileResult}), rendered and read once for the module."""
    cache = {}

    def get(name):
        if name not in cache:
            spec = _spec(name)
            forms = [f for f in FORMS if f != "pdf"]
            if "pdf" in READERS and soffice() is not None:
                forms.append("pdf")
            paths = render_all(spec, tmp_path_factory.mktemp(name), name, forms)
            cache[name] = spec, {f: process_bytes(p.read_bytes(), p.name) for f, p in paths.items()}
        return cache[name]

    return get


def _expected(name):
    """(table, row, column) → (value, status) from the hand-checked truth, missing cells included."""
    return truth_expected(name)


def _facts(result):
    return {(f.table, f.row, f.column): (f.value, f.status) for f in result.facts if f.in_template}


def _same(got, want) -> bool:
    return got is not None and got[1] == want[1] and (got[0] == want[0] if want[0] is not None else got[0] is None)


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("name", REPORTS)
def test_every_form_gives_the_printed_facts(name, form, rendered):
    if form == "pdf":
        need_tool("soffice")
    spec, results = rendered(name)
    res = results[form]
    assert res.errors == [], res.errors
    got = _facts(res)
    want = _expected(name)
    wrong = {k: (got.get(k), v) for k, v in want.items() if not _same(got.get(k), v)}
    assert wrong == {}, f"{len(wrong)} cells differ (got, want): {list(wrong.items())[:5]}"
    rep = res.report
    assert (rep.agency, rep.year, rep.template, rep.published, rep.doc_number) == \
        (spec.agency, spec.year, spec.template, spec.published, spec.doc_number)
    assert rep.format == form.rsplit(".", 1)[-1]


@pytest.mark.parametrize("name", REPORTS)
def test_all_forms_agree(name, rendered):
    """Every form of one report gives the same facts, the same statuses and the same checks."""
    _, results = rendered(name)
    facts = {form: _facts(r) for form, r in results.items()}
    checks = {form: {(c.check, c.status) for c in r.checks} for form, r in results.items()}
    first = next(iter(facts))
    for form in facts:
        assert facts[form] == facts[first], f"{form} differs from {first}"
        assert checks[form] == checks[first], f"{form} checks differ from {first}"
