"""What a run keeps of every file until it writes (``pairing``): compact digests and briefs, and the pairing
decided from them (copies of the same bytes, copies of an agency-year, the previous year's report)."""
from __future__ import annotations

import hashlib

import pytest

from extract.pairing import Briefs, Digests, pair

A = hashlib.sha256(b"report a").hexdigest()
B = hashlib.sha256(b"report b").hexdigest()


def test_digests_are_given_back_as_set_and_unread_files_have_none():
    d = Digests(4)
    d[0], d[2], d[3] = A, B, A
    assert [d[i] for i in range(4)] == [A, "", B, A]
    assert d.first_copies() == {3: 0}
    d[3] = ""
    assert d[3] == "" and d.first_copies() == {}
    with pytest.raises(ValueError):
        d[1] = "abcd"  # not a SHA-256: refused, not written over its neighbours
    assert [d[i] for i in range(4)] == [A, "", B, ""]


def _meta(agency, year, cells, failed, rid):
    return {"report": True, "agency_id": agency, "year": year, "cells_found": cells, "checks_failed": failed,
            "report_id": rid}


def test_pairing_of_copies_agency_years_and_previous_years():
    digests, briefs = Digests(7), Briefs(7)
    rows = [  # (digest, meta)
        (A, _meta("350000-fj", 2019, 40, 0, A[:16])),   # 0: Fujian 2019
        (B, _meta("350000-fj", 2020, 30, 2, B[:16])),   # 1: Fujian 2020, a worse copy
        ("c" * 64, _meta("350000-fj", 2020, 35, 0, "c" * 16)),  # 2: Fujian 2020, the kept copy
        (A, _meta("350000-fj", 2019, 40, 0, A[:16])),   # 3: the bytes of 0 again
        ("d" * 64, _meta("350000-fj", 2021, 10, 0, "odd-id")),  # 4: Fujian 2021
        ("e" * 64, {"report": False}),                  # 5: no report
        ("", _meta("", 2021, 0, 0, "")),                # 6: unread, no agency
    ]
    for i, (digest, meta) in enumerate(rows):
        digests[i] = digest
        briefs.set(i, meta)
    assert briefs.key(0) == ("350000-fj", 2019) and briefs.key(5) is None and briefs.key(6) is None
    assert briefs.report_id(2) == "c" * 16 and briefs.report_id(4) == "odd-id" and briefs.report_id(5) == ""
    p = pair(digests, briefs)
    assert p.copy_of == {3: 0}
    assert p.same == {1: 2} and p.kept_id == {1: "c" * 16}
    assert [p.previous(i) for i in range(7)] == [None, None, 0, None, 2, None, None]
    assert [p.wanted_later(i) for i in range(7)] == [True, False, True, False, False, False, False]


def test_a_brief_set_again_replaces_the_first():
    briefs = Briefs(1)
    briefs.set(0, _meta("x", 2019, 1, 0, "not hex at all!"))
    briefs.set(0, _meta("y", 2020, 2, 1, "0123456789abcdef"))
    assert (briefs.key(0), briefs.rank(0), briefs.report_id(0)) == (("y", 2020), (-2, 1), "0123456789abcdef")
    briefs.set(0, {"report": False})
    assert briefs.key(0) is None
