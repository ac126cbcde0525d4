"""Markdown reports (OCR output, converted documents).

Block structure comes from markdown-it-py (CommonMark + GFM tables). Table rows are re-split
from the source lines, because GFM drops cells beyond the header's count and a value must
never be dropped. ATX headings keep their level as a hint only: stages find headings by
their numbering.
"""
from __future__ import annotations

from markdown_it import MarkdownIt

from ..document import Document, Paragraph, Table
from .encoding import decode_text
from .text import _MD_RULE, _PAGE_NO, header_properties, split_pipes

_md = MarkdownIt("commonmark").enable("table")


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append("")
    return "".join(parts) if token.children is not None else token.content


def read_markdown(data: bytes, source: str, hints=None) -> Document:
    text, encoding, repaired = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    props, start = header_properties(lines)
    body = "\n".join(lines[start:])
    src_lines = body.split("\n")
    tokens = _md.parse(body)
    blocks: list = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            content = _inline_text(tokens[i + 1]).strip()
            if content:
                blocks.append(Paragraph(content, heading_hint=level))
            i += 3
            continue
        if tok.type == "paragraph_open":
            content = _inline_text(tokens[i + 1])
            for line in content.split("\n"):
                if line.strip() and not _PAGE_NO.match(line):
                    blocks.append(Paragraph(line.strip()))
            i += 3
            continue
        if tok.type == "table_open":
            begin, end = tok.map
            rows = [split_pipes(line) for line in src_lines[begin:end] if line.strip() and not _MD_RULE.match(line)]
            if rows:
                width = max(len(r) for r in rows)
                blocks.append(Table.from_rows([r + [""] * (width - len(r)) for r in rows]))
            while tokens[i].type != "table_close":
                i += 1
            i += 1
            continue
        if tok.type in ("fence", "code_block", "html_block"):
            for line in tok.content.split("\n"):
                if line.strip():
                    blocks.append(Paragraph(line.strip()))
        i += 1
    layout = "md/pipe" if any(isinstance(b, Table) for b in blocks) else "md/plain"
    return Document(source=source, format="md", blocks=blocks, properties=props, encoding=encoding, layout=layout,
                    warnings=repaired)
