"""Property: whatever departures from the official layout a report makes — columns in another order
under matching headers, rows printed twice or under another row's label, a row a cell short or a cell
too long, amounts in 元, decimals in count columns, lines of rows the format does not have — no cell
comes out ``ok`` with a value other than the one printed for it.

The reports are random (``extract.synth.random_spec``); the expected value of each cell is what the
generator printed, read by ``conftest.printed`` (not by the code under test). Cells the report
contradicts itself about (a row printed twice with other values) or that hold no valid value (a
decimal in a count column) have no expected value: they may be anything but ``ok``.
"""
from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from extract.pipeline import process_bytes
from extract.synth import random_spec
from extract.synth.layout import Variant
from extract.synth.render import to_html, to_md, to_txt
from extract.templates import TEMPLATES, CellKey

from conftest import printed

UNKNOWABLE = object()
FORMS = {"txt": to_txt, "md": to_md, "html": to_html}


def build(seed: int, template: str, form: str, rng: random.Random):
    spec = random_spec(seed, template)
    t = TEMPLATES[template]
    expected: dict[CellKey, object] = {k: printed(v)[0] for k, v in spec.cells.items()}
    v = Variant()
    if rng.random() < 0.6:
        v.org_order = tuple(rng.sample(range(5), 5))
    for block in t.table("active").blocks:
        if len(block.columns) > 1 and rng.random() < 0.4:
            v.active_orders[block.key] = tuple(rng.sample(range(len(block.columns)), len(block.columns)))
    if rng.random() < 0.4:
        v.appeals_order = tuple(rng.sample(range(5), 5))
    v.suits_swapped = rng.random() < 0.3
    rows = [r.key for r in t.table("requests").rows()]
    cols = [c.key for c in t.table("requests").blocks[0].columns]
    if rng.random() < 0.4:  # a row printed under the label of another row of its group
        group_rows = [r for r in t.table("requests").rows() if r.group.endswith("（五）不予处理")]
        victim, thief = rng.sample(group_rows, 2)
        numbering = thief.label.split(".")[0] + "." if rng.random() < 0.5 else ""
        v.relabel[thief.key] = numbering + victim.label.split(".", 1)[1]
        for c in cols:
            expected[CellKey("requests", thief.key, c)] = UNKNOWABLE
            if spec.cells[CellKey("requests", thief.key, c)] != spec.cells[CellKey("requests", victim.key, c)]:
                expected[CellKey("requests", victim.key, c)] = UNKNOWABLE
    if rng.random() < 0.5:  # a row printed twice, the second time with other values
        row = rng.choice([r for r in rows if r not in v.relabel])  # not the row printed under another label
        mine = [spec.cells[CellKey("requests", row, c)] for c in cols]
        other = [str(int(x) + rng.choice([0, 0, 1, 7])) for x in mine]
        if v.org_order:  # the second line is printed under the same (reordered) header
            printed_order = [0] + [1 + i for i in v.org_order] + [6]
            other_printed = [other[i] for i in printed_order]
        else:
            other_printed = other
        v.duplicates[row] = tuple(other_printed)
        for c, a, b in zip(cols, mine, other):
            if a != b:
                expected[CellKey("requests", row, c)] = UNKNOWABLE
    if rng.random() < 0.4:  # a row printed a cell short, or a cell too long (the others shift)
        varied = [r for r in rows if r not in v.relabel and r not in v.duplicates
                  and len({spec.cells[CellKey("requests", r, c)] for c in cols}) > 1]
        if varied:
            row = rng.choice(varied)
            if rng.random() < 0.5:
                v.short_rows[row] = rng.randrange(len(cols))
            else:
                v.long_rows[row] = (rng.randrange(len(cols) + 1), str(rng.randint(0, 9)))
            for c in cols:  # its cells stand under other columns: none of them may be ok with a wrong value
                expected[CellKey("requests", row, c)] = UNKNOWABLE
    if template == "2021" and rng.random() < 0.5:  # the fee printed in 元
        key = CellKey("active", "fees", "fee_amount")
        yuan = Decimal(spec.cells[key]) * 10000
        spec.cells[key] = f"{yuan.normalize():f}元"
        expected[key] = Decimal(str(printed(spec.cells[key][:-1])[0])) / 10000
    if rng.random() < 0.5:  # a decimal in a count column
        key = CellKey("active", "licensing", "decisions")
        spec.cells[key] = f"{rng.randint(1, 99)}.{rng.randint(1, 999)}"
        expected[key] = UNKNOWABLE
    if rng.random() < 0.5:
        v.extra_lines.append(("active", rng.choice(["行政检查", "行政裁决", "其他主动公开文件"]), (str(rng.randint(1, 99)), "", "")))
    spec.variant = v
    return FORMS[form](spec), expected


@given(st.integers(0, 10_000), st.sampled_from(["2019", "2021"]), st.sampled_from(sorted(FORMS)),
       st.integers(0, 2**32))
def test_no_cell_is_ok_with_a_value_other_than_the_printed_one(seed, template, form, choice):
    text, expected = build(seed, template, form, random.Random(choice))
    res = process_bytes(text.encode("utf-8"), f"r.{form}")
    assert res.errors == [], res.errors
    wrong = []
    oks = 0
    for f in res.facts:
        if f.status != "ok" or not f.in_template:
            continue
        oks += 1
        want = expected.get(CellKey(f.table, f.row, f.column), UNKNOWABLE)
        if want is UNKNOWABLE or f.value != want:
            wrong.append((f.table, f.row, f.column, f.value, None if want is UNKNOWABLE else want, f.note[:80]))
    assert wrong == []
    assert oks > 100  # the departures make some cells doubtful, not the whole report
