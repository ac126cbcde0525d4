"""The national report formats as data (see ``national.py``) and the vocabulary they use."""
from .model import Block, CellKey, Column, Identity, Relation, Row, Section, TableSpec, Template
from .national import SECTIONS, TABLE_KEYS, TEMPLATES, TITLE_WORDS, T2019, T2021

__all__ = ["Block", "CellKey", "Column", "Identity", "Relation", "Row", "Section", "TableSpec", "Template",
           "SECTIONS", "TABLE_KEYS", "TEMPLATES", "TITLE_WORDS", "T2019", "T2021"]
