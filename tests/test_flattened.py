"""Run-together digits: readings, identities, best guesses (real lines from Pingtan reports)."""
from __future__ import annotations

from decimal import Decimal

from extract.pipeline import process_bytes
from extract.stages.digits import LineContext, rank, readings, value_tokens
from extract.templates import T2019, T2021

from conftest import CORPUS


def best(text, columns, identities=(), relations=()):
    found = readings(value_tokens(text), list(columns))
    ranked = rank(found, LineContext(list(columns), list(identities), list(relations)))
    return [r.show() for r in ranked]


def test_normative_docs_693665_is_69_3_665():
    out = best("693665", T2021.table("active").columns_of("normative_docs"), relations=[(2, 0)])
    assert out[0] == "69|3|665" and len(out) > 1


def test_space_separated_runs_need_the_row_total():
    row_total = [((6,), (0, 1, 2, 3, 4, 5))]
    found = readings(value_tokens("230 000023"), list(T2021.table("requests").columns_of("new_received")))
    fitting = [r.show() for r in rank(found, LineContext(list(T2021.table("requests").columns_of("new_received")), row_total))
               if r.cost[0] == 0]
    assert fitting == ["23|0|0|0|0|0|23"]


def test_a_minus_sign_starts_a_negative_change():
    out = best("2648-18538", T2019.table("active").columns_of("penalty"))
    assert out[0] == "2648|-18|538"
    assert all(x.split("|")[1].startswith("-") for x in out)


def test_unsigned_columns_never_read_negative():
    assert best("35-15", T2021.table("active").columns_of("normative_docs")) == []


def test_money_keeps_its_decimals_and_unit():
    out = best("13575394432.52元", T2019.table("active").columns_of("procurement"))
    assert out[0] == "135|75394432.52元"


def _facts(path):
    res = process_bytes(path.read_bytes(), path.name)
    return res, {(f.table, f.row, f.column): f for f in res.facts}


def test_pingtan_2021_column_balance_settles_open_rows():
    # "270020130" (予以公开) and "2200003252." (不掌握) each read two ways that fit their row;
    # only 27 and 22 make the 自然人 column add up to （七）总计 63.
    res, facts = _facts(CORPUS / "pingtan-2021.txt")
    assert facts[("requests", "granted", "natural_person")].value == 27
    assert facts[("requests", "granted", "natural_person")].status == "inferred"
    assert facts[("requests", "unavailable_not_held", "natural_person")].value == 22
    assert facts[("active", "normative_docs", "issued")].value == 69
    assert facts[("active", "fees", "fee_amount")].value == Decimal("24252.311082")
    assert facts[("active", "fees", "fee_amount")].unit == "万元"
    assert all(c.status == "pass" for c in res.checks)


def test_pingtan_2020_keeps_the_agency_error_as_printed():
    # the 2020 report's results do not add up to its own total (26 listed, 20 printed)
    res, facts = _facts(CORPUS / "pingtan-2020.txt")
    assert facts[("requests", "results_total", "natural_person")].value == 20
    failed = {c.check for c in res.checks if c.status == "fail"}
    assert "requests.results_sum.natural_person" in failed
    change = facts[("active", "penalty", "change")]
    assert change.value == -18 and change.status == "ambiguous" and "-185" in change.alternatives
