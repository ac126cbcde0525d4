"""Errors a person can act on. Stages raise :class:`ExtractError`; the pipeline records them."""
from __future__ import annotations


class ExtractError(Exception):
    """A failure with a stable ``code`` and a message that says what to do about it."""

    def __init__(self, code: str, message: str, stage: str = "read"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# codes used across the package (documented in the README)
EMPTY_FILE = "empty_file"
BINARY = "binary_content"
UNKNOWN_FORMAT = "unknown_format"
UNDECODABLE = "undecodable_text"
NOT_A_REPORT = "not_a_report"
UNREADABLE_TEXT_LAYER = "unreadable_text_layer"
SCANNED_PDF = "scanned_pdf"
ENCRYPTED = "encrypted"
CORRUPT = "corrupt_file"
NEEDS_CONVERTER = "needs_converter"
DUPLICATE = "duplicate_file"
INTERNAL = "internal_error"
ZIP_BOMB = "zip_bomb"
HOSTILE_XML = "hostile_xml"
FILE_TOO_LARGE = "file_too_large"
UNREADABLE_FILE = "unreadable_file"
UNREADABLE_FOLDER = "unreadable_folder"
SYMLINK_SKIPPED = "symlink_skipped"
NOT_A_FILE = "not_a_file"
CACHE_LOST = "cache_lost"
TOO_LARGE = FILE_TOO_LARGE
