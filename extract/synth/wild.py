"""A report as agencies really publish it, for testing readers against what the plain forms lack.

- ``to_portal_html``: a county portal's article page: GBK, a header menu, a breadcrumb, the
  page's metadata table (名称/索引号/发布机构/公开日期/文号), a share bar, a sidebar of links and a
  footer around the report; the report pasted from Word into a layout table (labels split
  across ``<span><font>``, ``&nbsp;`` in blank cells) with the ``三、本年度办理结果`` rowspan two
  rows short, as site editors leave it.
- ``to_wild_docx``: a Word file whose headings are automatic list numbers (一、 typed by Word,
  not by the author), whose active-disclosure table sits in a text box (Word's drawing and its
  VML fallback, both holding the table), whose appeals table sits in a one-cell frame table,
  with a tracked change (a deleted number), a tracked-deleted duplicate row, a comment and
  hidden text on value cells.
"""
from __future__ import annotations

import copy
import html
import tempfile
from pathlib import Path

from .layout import Grid
from .render import HEADINGS, outline, to_docx
from .spec import ReportSpec

# ------------------------------------------------------------------ web portal page

_CHUNKS = (1, 3, 2, 4, 2)


def _soup(text: str, face: str = "方正仿宋_GBK") -> str:
    """Text as Word pastes it: runs of 1–4 characters in ``<span><font>``, a source line break
    between runs of Chinese text, never inside a number."""
    out, i, k, prev = [], 0, 0, ""
    while i < len(text):
        n = _CHUNKS[k % len(_CHUNKS)]
        k += 1
        piece = text[i:i + n]
        i += n
        sep = "\n" if prev and "\u4e00" <= piece[0] <= "\u9fff" and "\u4e00" <= prev[-1] <= "\u9fff" else ""
        prev = piece
        out.append(f'{sep}<span style="font-family: 仿宋_GB2312"><font face="{face}">{html.escape(piece)}</font></span>')
    return "".join(out)


def _p(text: str, align: str = "justify") -> str:
    return (f'<p class="MsoNormal" style="text-indent: 2em; text-align: {align}; line-height: 2">'
            f'{_soup(text) if text else "<o:p>&nbsp;</o:p>"}<span><o:p></o:p></span></p>')


def _portal_table(grid: Grid, short_span: str | None) -> str:
    rows = []
    for row in grid.rows():
        tds = []
        for c in row:
            rowspan = c.rowspan - 2 if short_span and c.text == short_span and c.rowspan > 3 else c.rowspan
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            body = _soup(c.text) if c.text else "&nbsp;"
            tds.append(f'\n  <td{attrs} width="48" valign="center" style="border: solid windowtext 1pt">'
                       f'<p class="MsoNormal" align="center">{body}<o:p></o:p></p></td>')
        rows.append("<tr>" + "".join(tds) + "\n</tr>")
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse: collapse">'
            "<tbody>" + "\n".join(rows) + "</tbody></table>")


def to_portal_html(spec: ReportSpec) -> bytes:
    body = []
    for item in outline(spec):
        kind = item[0]
        if kind == "title":
            continue  # the page prints the title above the article, outside the pasted text
        if kind == "table":
            body.append(_portal_table(item[2], "三、本年度办理结果" if item[1] == "requests" else None))
        elif kind == "heading":
            body.append(f'<p class="MsoNormal" style="text-indent: 2em"><b>{_soup(item[1], "黑体")}</b></p>')
        elif kind == "sign":
            body.append(_p(item[1], "right"))
        else:
            body.append(_p(item[1]))
        body.append(_p(""))
    title = html.escape(spec.title)
    meta = (f'<table class="xxgk_table" width="100%"><tr><td class="t1">名称</td><td colspan="3">{title}</td></tr>'
            f'<tr><td class="t1">索引号</td><td>000000000/{spec.year + 1}-00001</td><td class="t1">分类</td>'
            f'<td>信息公开年报</td></tr>'
            f'<tr><td class="t1">发布机构</td><td>{html.escape(spec.agency)}</td><td class="t1">公开日期</td>'
            f'<td>{spec.published}</td></tr>'
            f'<tr><td class="t1">文号</td><td>{html.escape(spec.doc_number)}</td><td class="t1">关键词</td><td></td></tr>'
            "</table>")
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}_{html.escape(spec.agency)}门户网站</title>
<script type="text/javascript">var siteName = "门户网站"; document.write("<p>加载中</p>");</script>
<style>.nav li {{ float: left; }}</style></head>
<body>
<div class="header"><div class="top">今天是2025年1月1日 星期三 <a href="#">无障碍</a> <a href="#">繁体版</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="main">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 政府信息公开年报</div>
<div class="sidebar"><h3>相关信息</h3><ul>
<li><a href="/nb/{spec.year - 1}.html">{html.escape(spec.agency)}{spec.year - 1}年政府信息公开工作年度报告</a></li>
<li><a href="/nb/{spec.year - 2}.html">{html.escape(spec.agency)}{spec.year - 2}年政府信息公开工作年度报告</a></li></ul></div>
<div class="article">
{meta}
<h1 class="article-title">{title}</h1>
<div class="info">发布时间：{spec.published}&nbsp;&nbsp;来源：{html.escape(spec.agency)}&nbsp;&nbsp;浏览次数：1024</div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="layout"><tr><td class="content">
<div class="TRS_Editor"><div class="WordSection1">
{chr(10).join(body)}
</div></div>
</td></tr></table>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div></div>
<div class="footer"><p>主办单位：{html.escape(spec.agency)}办公室 地址：人民路1号 邮编：223600</p>
<p>网站标识码：3213220037 苏ICP备05000000号 苏公网安备 32132202000000号</p></div>
</body></html>
"""
    return page.encode("gbk", errors="xmlcharrefreplace")


# ------------------------------------------------------------------ Word as edited by people

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')

_TEXTBOX = f"""<w:p {_NS}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" behindDoc="0"
 locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="5486400" cy="2743200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
<wp:docPr id="101" name="Text Box 101"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5486400" cy="2743200"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape id="TextBox101" style="width:432pt;height:216pt" type="#_x0000_t202">
<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"""

_ABSTRACT = f"""<w:abstractNum {_NS} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>"""
_NUM = f'<w:num {_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
_NUMPR = f'<w:numPr {_NS}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'


def _value_runs(spec: ReportSpec, grid: Grid, table, rows: tuple[str, ...]):
    """The text runs of printed values in the given template rows (python-docx table, grid positions)."""
    out = []
    for c in grid.cells:
        if c.key is not None and c.key.row in rows and spec.cells.get(c.key, "").strip():
            out.append(table.cell(c.row, c.col).paragraphs[0].runs[0])
    return out


def to_wild_docx(spec: ReportSpec, path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.docx"
        to_docx(spec, plain)
        doc = docx.Document(str(plain))
    # headings: automatic numbers instead of typed ones
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(_ABSTRACT)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(_NUM))
    for p in doc.paragraphs:
        if p.text in HEADINGS:
            words = p.text.split("、", 1)[1]
            for r in p.runs[1:]:
                r._r.getparent().remove(r._r)
            p.runs[0].text = words
            p._p.get_or_add_pPr().append(parse_xml(_NUMPR))
    items = [item for item in outline(spec) if item[0] == "table"]
    tables = {item[1]: t for item, t in zip(items, doc.tables)}
    grids = {item[1]: item[2] for item in items}
    # requests: a tracked change, a comment and hidden text on value cells
    req = tables["requests"]
    runs = _value_runs(spec, grids["requests"], req, ("new_received", "carried_over", "granted", "results_total"))
    if runs:
        run = runs[0]
        run._r.addprevious(parse_xml(f'<w:del {_NS} w:id="201" w:author="审核" w:date="2024-01-10T00:00:00Z">'
                                     '<w:r><w:delText>9999</w:delText></w:r></w:del>'))
        ins = parse_xml(f'<w:ins {_NS} w:id="202" w:author="审核" w:date="2024-01-10T00:00:00Z"/>')
        run._r.addprevious(ins)
        ins.append(run._r)
    if len(runs) > 1:
        ghost = copy.deepcopy(runs[1]._r)
        runs[1]._r.addnext(ghost)
        ghost.get_or_add_rPr().append(OxmlElement("w:vanish"))
        ghost.find(qn("w:t")).text = "5"
    if len(runs) > 2:
        doc.add_comment(runs[2], text="请核对：原稿为888件", author="审核", initials="SH")
    # a tracked-deleted copy of a row, with other numbers, before the row
    target = req.rows[7]._tr  # （三）不予公开 1.属于国家秘密
    dup = copy.deepcopy(target)
    for t in dup.iter(qn("w:t")):
        if t.text and t.text.strip().isdigit():
            t.text = "77"
    trpr = dup.find(qn("w:trPr"))
    if trpr is None:
        trpr = parse_xml(f"<w:trPr {_NS}/>")
        dup.insert(1 if dup.find(qn("w:tblPrEx")) is not None else 0, trpr)
    trpr.append(parse_xml(f'<w:del {_NS} w:id="203" w:author="审核" w:date="2024-01-10T00:00:00Z"/>'))
    target.addprevious(dup)
    # active: into a text box (drawing and VML fallback each hold the table)
    act = tables["active"]._tbl
    box = parse_xml(_TEXTBOX)
    for content in box.iter(qn("w:txbxContent")):
        content.append(copy.deepcopy(act))
        content.append(parse_xml(f"<w:p {_NS}/>"))
    act.addprevious(box)
    act.getparent().remove(act)
    # appeals: inside a one-cell frame table
    app = tables["appeals"]._tbl
    frame = parse_xml(f'<w:tbl {_NS}><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/>'
                      '</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr></w:tc></w:tr></w:tbl>')
    app.addprevious(frame)
    tc = frame.find(".//" + qn("w:tc"))
    tc.append(app)
    tc.append(parse_xml(f"<w:p {_NS}/>"))
    doc.save(str(path))
