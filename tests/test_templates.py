"""The templates are data: they build, and everything they declare is consistent."""
from __future__ import annotations

from extract.templates import SECTIONS, TEMPLATES, CellKey


def test_cell_counts_match_the_national_formats():
    # TEMPLATES.md: 2019 has 22 + 161 + 15 cells, 2021 has 10 + 175 + 15
    assert sum(1 for _ in TEMPLATES["2019"].cells()) == 198
    assert sum(1 for _ in TEMPLATES["2021"].cells()) == 200


def test_identities_name_real_cells():
    for t in TEMPLATES.values():
        known = set(t.cells()) | {CellKey("requests", r.key, c.key) for rows in t.variant_rows.values() for r in rows
                                  for c in t.table("requests").blocks[0].columns}
        for ident in t.identities:
            assert set(ident.cells) <= known, ident.id


def test_contract_identities_are_all_there():
    for t in TEMPLATES.values():
        ids = {i.id for i in t.identities}
        for col in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"):
            assert f"requests.balance.{col}" in ids and f"requests.results_sum.{col}" in ids
        for row in t.table("requests").rows():
            assert f"requests.row_sum.{row.key}" in ids
        for row in ("review", "suit_direct", "suit_after_review"):
            assert f"appeals.row_sum.{row}" in ids


def test_six_sections():
    assert [s.number for s in SECTIONS] == [1, 2, 3, 4, 5, 6]
