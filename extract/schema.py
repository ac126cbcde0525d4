"""The output tables, declared once: fields, types, meanings (Chinese and English), keys.

Writers take dtypes, Parquet schemas and datapackage.json from here; the README's table
reference is generated from here (``python -m extract schema --markdown``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer (int64) | decimal (exact, up to 29 + 9 digits) | number (float) | boolean
    zh: str
    en: str
    contract: bool = True  # named in DATA-CONTRACT.md (False: added by this tool)


@dataclass(frozen=True)
class Resource:
    name: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


_REPORT_ID = Field("report_id", "string", "报告标识：文件内容 SHA-256 的前 16 位十六进制数",
                   "Stable id: first 16 hex digits of the SHA-256 of the file's bytes")
_SOURCE = Field("source_path", "string", "文件相对于输入目录的路径", "Path of the file relative to the INPUT it was found under")

REPORTS = Resource("reports", "报告：每个作为年度报告读取的文件一行", "One row per input file read as a report", (
    _REPORT_ID, _SOURCE,
    Field("format", "string", "文件格式（按内容判断；doc、rtf 经 LibreOffice 转换后读取；image 图片经 OCR 识别）",
          "pdf, docx, html, txt or md, decided by content; doc (legacy Word/WPS) and rtf, read after conversion by "
          "LibreOffice; image (PNG, JPEG, TIFF, BMP), read by OCR"),
    Field("agency", "string", "发布机关（标题或落款所印）", "Issuing agency as printed in the title or signature"),
    Field("agency_id", "string", "机关标识：行政区划代码:机关（跨年稳定，容忍简繁、OCR 错字、名称变化）",
          "Stable agency id <adcode>:<unit>, the same across naming drift, OCR slips and traditional characters", False),
    Field("province", "string", "省", "Province, from the agency name", False),
    Field("city", "string", "市", "City (prefecture), from the agency name", False),
    Field("county", "string", "县（区）", "County or district, from the agency name", False),
    Field("adcode", "string", "行政区划代码", "Administrative division code of the most specific place", False),
    Field("year", "integer", "报告所涵盖的年度", "Year the report covers"),
    Field("template", "string", "表格格式：2019（国办公开办函〔2019〕60号）、2021（〔2021〕30号）、pre2019、unknown",
          "National format: 2019, 2021, pre2019 or unknown"),
    Field("title", "string", "标题", "Title line"),
    Field("published", "string", "发布日期 YYYY-MM-DD（落款或页面所印）", "Publication date YYYY-MM-DD where printed"),
    Field("doc_number", "string", "文号", "Document number (文号)"),
    Field("status", "string", "ok 全部单元格取得；partial 部分缺失；failed 未取得", "ok, partial (cells missing) or failed"),
    Field("template_evidence", "string", "判断格式的依据", "Words and year that decided the template", False),
    Field("encoding", "string", "文本编码（文本格式）", "Text encoding detected (text formats)", False),
    Field("layout", "string", "读取时识别的版式（如 pdf/text-layer、pdf/ocr 扫描件、image/ocr 图片、text/space-aligned、md/pipe）",
          "Form the reader recognised, e.g. pdf/text-layer, pdf/ocr (scanned pages), pdf/text-layer+ocr, image/ocr, "
          "text/space-aligned, md/pipe", False),
    Field("pages", "integer", "页数（分页格式）", "Number of pages (paged formats)", False),
    Field("cells_found", "integer", "取得的模板单元格数", "Template cells found", False),
    Field("cells_expected", "integer", "模板单元格总数", "Template cells expected", False),
    Field("checks_failed", "integer", "未通过的勾稽校验数", "Identities that fail", False),
    Field("bytes", "integer", "文件大小（字节）", "File size in bytes", False),
    Field("parser_version", "string", "程序版本", "Version of this tool", False),
    Field("note", "string", "说明", "Notes on what was found or not", False),
    Field("duplicate_of", "string", "同一机关同一年度的另一份报告（面板保留的那一份）的标识",
          "Another file of the same agency and year that the panel keeps instead of this one (see README)", False),
), ("report_id",))

FACTS = Resource("facts", "统计表单元格：每个单元格一行（长表）", "One row per cell of the three statistical tables", (
    _REPORT_ID, _SOURCE,
    Field("table", "string", "表：active 主动公开、requests 依申请、appeals 复议诉讼",
          "active (二), requests (三) or appeals (四)"),
    Field("row", "string", "行的规范键", "Canonical row key"),
    Field("column", "string", "列的规范键", "Canonical column key"),
    Field("value", "decimal", "数值（精确十进制）；空白、占位符或无效时为空", "Number, exact (decimal); empty when the cell is blank, a dash or invalid"),
    Field("raw", "string", "单元格原文", "Cell text as found"),
    Field("status", "string", "ok、blank 空白、dash 占位符、inferred 推断、ambiguous 多解取最优、invalid 无效、missing 缺失",
          "ok, blank, dash, inferred, ambiguous (best guess; see alternatives), invalid (not a value of the column) or missing"),
    Field("row_label", "string", "行的官方标签", "Official Chinese row label"),
    Field("column_label", "string", "列的官方标签", "Official Chinese column label"),
    Field("unit", "string", "单位（万元、元）", "Unit where the template or the cell gives one"),
    Field("page", "integer", "页码（分页格式）", "Page number for paged formats"),
    Field("block", "integer", "文档中的块序号", "Index of the document block the value came from", False),
    Field("cell", "string", "块内位置：rNcM 表格单元格，或 cA-B 段落字符", "Grid cell rNcM, or characters cA-B of a paragraph", False),
    Field("alternatives", "string", "其他可能读法（由优到劣）", "Other readings of run-together digits, best first", False),
    Field("note", "string", "说明", "How the value was read", False),
    Field("in_template", "boolean", "是否为本报告格式的单元格", "False for rows of the other national format printed by the report", False),
    Field("source", "string", "取值来源：text 文字层或文本，ocr 图像识别；缺失单元格为空", "text (a text layer, markup or text) or ocr (recognised from an image); empty for a missing cell", False),
    Field("confidence", "number", "图像识别置信度（0–1，仅 ocr）", "OCR only: the recogniser's confidence in the cell's text (0–1)", False),
), ("report_id", "table", "row", "column"))

CHECKS = Resource("checks", "勾稽校验：每个报告每个恒等式一行", "One row per accounting identity per report", (
    _REPORT_ID,
    Field("table", "string", "表", "Table the identity belongs to"),
    Field("check", "string", "校验标识", "Check id, e.g. requests.balance.natural_person"),
    Field("lhs", "decimal", "左边", "Left-hand side"),
    Field("rhs", "decimal", "右边", "Right-hand side"),
    Field("delta", "decimal", "差额（左减右）", "lhs − rhs"),
    Field("status", "string", "pass、fail、unknown（有空白或缺失项）、warn（启发式校验不成立）",
          "pass, fail, unknown (a term is blank or missing) or warn (heuristic check)"),
    Field("cells", "string", "涉及的单元格 row/column", "row/column keys involved"),
    Field("source_path", "string", "文件路径", "Path of the report's file", False),
    Field("description", "string", "恒等式", "The identity in words", False),
    Field("note", "string", "说明", "What made it unknown, or what it relied on", False),
), ("report_id", "check"))

SECTIONS = Resource("sections", "章节：每个标题一行", "One row per heading", (
    _REPORT_ID,
    Field("seq", "integer", "文中顺序", "Order in the document"),
    Field("level", "integer", "层级：1 一、；2 （一）；3 1.；0 前言", "1 = 一、, 2 = （一）, 3 = 1., 0 = preamble"),
    Field("number", "string", "编号原文", "Numbering as printed"),
    Field("heading", "string", "标题", "Heading words"),
    Field("text", "string", "本节正文（不含下级小节）", "The section's own text, without its sub-sections"),
    Field("source_path", "string", "文件路径", "Path of the report's file", False),
    Field("section_key", "string", "六个部分的规范键", "overview, active, requests, appeals, problems, other, preamble", False),
    Field("page", "integer", "页码", "Page where the heading is", False),
    Field("keywords", "string", "关键词（jieba TF-IDF）", "Keywords of the section's text (jieba TF-IDF)", False),
    Field("reuse_prev", "number", "与上一年度报告重复的比例（0–1）",
          "Share of the section's word 4-grams also in the agency's previous report (0–1)", False),
    Field("prev_report_id", "string", "上一年度报告标识", "The previous year's report it was compared with", False),
), ("report_id", "seq"))

ERRORS = Resource("errors", "错误：每个失败的文件或步骤一行", "One row per file or stage that failed", (
    _SOURCE,
    Field("stage", "string", "出错的步骤", "Stage that failed: read, detect, internal, run"),
    Field("code", "string", "错误代码", "Stable error code"),
    Field("message", "string", "可据以处理的说明", "A sentence a person can act on"),
    Field("report_id", "string", "报告标识（如有）", "Report id where the file could be hashed", False),
), ())

def _panel_fields() -> tuple[Field, ...]:
    from .templates import TEMPLATES

    seen, fields = set(), []
    for t in TEMPLATES.values():
        for table in t.tables.values():
            for block in table.blocks:
                rows = list(block.rows) + [r for r in t.variant_rows.get(table.key, ()) if block is table.blocks[-1]]
                for row in rows:
                    for col in block.columns:
                        name = f"{table.key}.{row.key}.{col.key}"
                        if name in seen:
                            continue
                        seen.add(name)
                        label = f"{table.title} / {row.label} / {col.label}"
                        fields.append(Field(name, "decimal" if col.decimal else "integer", label,
                                            f"{table.en}: {row.en} — {col.en}" + (f" ({col.unit})" if col.unit else ""),
                                            False))
    return tuple(fields)


PANEL = Resource("panel", "面板：每个报告一行，每个单元格一列", "One row per report, one column per table.row.column", (
    _REPORT_ID, _SOURCE,
    Field("agency", "string", "发布机关", "Issuing agency as printed", False),
    Field("agency_id", "string", "机关标识", "Stable agency id (see reports)", False),
    Field("province", "string", "省", "Province", False),
    Field("city", "string", "市", "City", False),
    Field("county", "string", "县（区）", "County or district", False),
    Field("year", "integer", "年度", "Year the report covers", False),
    Field("template", "string", "表格格式", "National format", False),
) + _panel_fields(), ("report_id",))

RESOURCES = (REPORTS, FACTS, CHECKS, SECTIONS, ERRORS, PANEL)
BY_NAME = {r.name: r for r in RESOURCES}


def markdown() -> str:
    """The table reference, for the README."""
    out = []
    for r in RESOURCES:
        out.append(f"### `{r.name}` — {r.en}\n")
        out.append("| column | type | meaning | 含义 |\n|---|---|---|---|")
        for f in r.fields:
            mark = "" if f.contract else " *(added)*"
            out.append(f"| `{f.name}` | {f.type} | {f.en}{mark} | {f.zh} |")
        if r.primary_key:
            out.append(f"\nPrimary key: {', '.join('`' + k + '`' for k in r.primary_key)}\n")
        else:
            out.append("")
    return "\n".join(out)
