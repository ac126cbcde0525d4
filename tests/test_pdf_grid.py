"""The grid and stitching rules of the PDF reader on small hand-made tables: what must be
joined is joined, and what only looks similar is left alone."""
from __future__ import annotations

from extract.readers.pdf.grid import GCell, Grid, close_open_ends, to_grid, widen_labels
from extract.readers.pdf.stitch import stitch

X = [0.0, 100.0, 200.0, 260.0, 320.0]  # label, label, two value columns


def grid(rows: list[list[tuple[str, int, int]]], page: int, xs=X, top: float = 100.0) -> Grid:
    """Rows of (text, first column, last column + 1); rowspans given as ("^", c0, c1) below a cell."""
    cells: list[GCell] = []
    for r, row in enumerate(rows):
        for text, c0, c1 in row:
            if text == "^":
                above = [c for c in cells if c.c0 == c0 and c.r1 == r][0]
                above.r1 = r + 1
                continue
            cells.append(GCell(text, r, r + 1, c0, c1, (xs[c0], top + 20 * r, xs[c1], top + 20 * (r + 1)), page))
    return Grid(cells, list(xs), [top + 20 * r for r in range(len(rows) + 1)], page)


def texts(g: Grid) -> list[tuple[str, int, int, int, int]]:
    return sorted((c.text, c.r0, c.r1, c.c0, c.c1) for c in g.cells)


def test_spans_from_cell_rectangles_and_holes_filled():
    # a 3x3 grid whose top-left cell has no rectangle (its top border was not drawn)
    boxes = [(100, 0, 300, 20), (0, 20, 100, 40), (100, 20, 200, 40), (200, 20, 300, 40),
             (0, 40, 100, 60), (100, 40, 300, 60)]
    g = to_grid(boxes, 1)
    spans = sorted((c.r0, c.c0, c.r1 - c.r0, c.c1 - c.c0) for c in g.cells)
    assert spans == [(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 0, 1, 1), (2, 1, 1, 2)]


def test_open_bottom_border_is_closed():
    h = {"orientation": "h", "x0": 0.0, "x1": 300.0, "top": 10.0, "bottom": 10.0, "width": 300.0, "height": 0.0,
         "doctop": 10.0, "object_type": "line"}
    vs = [{"orientation": "v", "x0": x, "x1": x, "top": 10.0, "bottom": 80.0, "width": 0.0, "height": 70.0,
           "doctop": 10.0, "object_type": "line"} for x in (0.0, 150.0, 300.0)]
    added = [e for e in close_open_ends([h] + vs) if e not in [h] + vs]
    assert [(e["orientation"], e["top"], e["x0"], e["x1"]) for e in added] == [("h", 80.0, 0.0, 300.0)]


def test_cut_row_is_joined():
    a = grid([[("一、新收", 0, 2), ("5", 2, 3), ("5", 3, 4)],
              [("三、结果", 0, 1), ("3.危及“三安全一稳", 1, 2), ("1", 2, 3), ("1", 3, 4)]], page=1)
    b = grid([[("", 0, 1), ("定”", 1, 2), ("", 2, 3), ("", 3, 4)],
              [("^", 0, 1), ("4.保护第三方合法权益", 1, 2), ("0", 2, 3), ("0", 3, 4)]], page=2, top=50)
    g = stitch(a, b)
    assert texts(g) == sorted([("一、新收", 0, 1, 0, 2), ("5", 0, 1, 2, 3), ("5", 0, 1, 3, 4),
                               ("三、结果", 1, 3, 0, 1), ("3.危及“三安全一稳定”", 1, 2, 1, 2), ("1", 1, 2, 2, 3),
                               ("1", 1, 2, 3, 4), ("4.保护第三方合法权益", 2, 3, 1, 2), ("0", 2, 3, 2, 3),
                               ("0", 2, 3, 3, 4)])
    assert {c.page for c in g.cells if c.r0 == 2} == {2}


def test_a_header_row_at_the_foot_of_a_page_is_not_half_a_row():
    xs = [0.0, 150.0, 300.0]
    a = grid([[("行政许可", 0, 1), ("9487", 1, 2)], [("信息内容", 0, 1), ("本年处理决定数量", 1, 2)]], 1, xs)
    b = grid([[("行政处罚", 0, 1), ("2776", 1, 2)]], 2, xs, top=50)
    assert texts(stitch(a, b)) == sorted([("行政许可", 0, 1, 0, 1), ("9487", 0, 1, 1, 2), ("信息内容", 1, 2, 0, 1),
                                          ("本年处理决定数量", 1, 2, 1, 2), ("行政处罚", 2, 3, 0, 1),
                                          ("2776", 2, 3, 1, 2)])


def test_numbered_row_after_a_row_without_values_starts_its_own_row():
    a = grid([[("三、结果", 0, 1), ("（六）其他处理", 1, 2), ("", 2, 3), ("", 3, 4)]], 1)
    b = grid([[("", 0, 1), ("（七）总计", 1, 2), ("3", 2, 3), ("3", 3, 4)]], 2, top=50)
    g = stitch(a, b)
    assert ("（七）总计", 1, 2, 1, 2) in texts(g) and ("三、结果", 0, 2, 0, 1) in texts(g)


def test_group_label_cut_by_the_break_is_rejoined_but_row_labels_are_not():
    a = grid([[("三、结果", 0, 1), ("（四）无", 1, 2), ("1.本机关不掌握", 2, 3), ("7", 3, 4)]], 1)
    b = grid([[("", 0, 1), ("法提供", 1, 2), ("2.没有现成信息", 2, 3), ("1", 3, 4)]], 2, top=50)
    g = stitch(a, b)
    assert ("（四）无法提供", 0, 2, 1, 2) in texts(g) and ("三、结果", 0, 2, 0, 1) in texts(g)
    assert ("2.没有现成信息", 1, 2, 2, 3) in texts(g)
    xs = [0.0, 150.0, 300.0]
    a = grid([[("行政处罚", 0, 1), ("2776", 1, 2)]], 1, xs)
    b = grid([[("行政强制", 0, 1), ("84", 1, 2)]], 2, xs, top=50)
    assert ("行政强制", 1, 2, 0, 1) in texts(stitch(a, b))


def test_repeated_header_is_dropped_and_columns_aligned():
    a = grid([[("项目", 0, 2), ("甲", 2, 3), ("乙", 3, 4)], [("新收", 0, 2), ("1", 2, 3), ("2", 3, 4)]], 1)
    shifted = [x + 1.5 for x in X]  # the next page's rulings are a point and a half off
    b = grid([[("项目", 0, 2), ("甲", 2, 3), ("乙", 3, 4)], [("结转", 0, 2), ("3", 2, 3), ("4", 3, 4)]], 2, shifted)
    g = stitch(a, b)
    assert [t for t in texts(g) if t[0] == "项目"] == [("项目", 0, 1, 0, 2)]
    assert ("结转", 2, 3, 0, 2) in texts(g) and ("4", 2, 3, 3, 4) in texts(g) and g.n_cols == 4


def test_empty_cell_after_a_label_joins_the_label_but_blank_values_stay():
    g = grid([[("三、结果", 0, 1), ("（五）不予处理", 1, 2), ("1.信访", 2, 3), ("2", 3, 4)],
              [("^", 0, 1), ("（六）其他处理", 1, 2), ("", 2, 3), ("", 3, 4)],
              [("^", 0, 1), ("（七）总计", 1, 2), ("", 2, 3), ("5", 3, 4)]], 1)
    widen_labels(g)
    assert ("（六）其他处理", 1, 2, 1, 3) in texts(g) and ("（七）总计", 2, 3, 1, 3) in texts(g)
    assert [t for t in texts(g) if t[3] == 3] == [("", 1, 2, 3, 4), ("2", 0, 1, 3, 4), ("5", 2, 3, 3, 4)]
    # a value column left blank on every row, under its header, is still a value column
    g = grid([[("", 0, 2), ("自然人", 2, 3), ("总计", 3, 4)],
              [("一、新收", 0, 2), ("", 2, 3), ("5", 3, 4)]], 1)
    widen_labels(g)
    assert ("一、新收", 1, 2, 0, 2) in texts(g) and ("", 1, 2, 2, 3) in texts(g)
