"""The national report formats as data (see ``national.py``) and the vocabulary they use."""
from .audit import CLAIMS, CROSS_YEAR
from .model import Block, CellKey, Claim, Column, CrossYear, Identity, Relation, Row, Section, TableSpec, Template, Term
from .national import SECTIONS, TABLE_KEYS, TEMPLATES, TITLE_WORDS, T2019, T2021, outcome_groups, reader_hints

__all__ = ["Block", "CellKey", "Claim", "Column", "CrossYear", "Identity", "Relation", "Row", "Section", "TableSpec",
           "Template", "Term", "SECTIONS", "TABLE_KEYS", "TEMPLATES", "TITLE_WORDS", "T2019", "T2021", "CLAIMS",
           "CROSS_YEAR", "outcome_groups", "reader_hints"]
