"""Reading a spreadsheet of an earlier wave's answers, for the import in
evaluation/services/imports.py: the file (files), the matching of its columns to the
wave's questions (matching) and its rows as answers (rows). Nothing here writes to the
database."""

from evaluation.imports.files import (
    ERRORS_KEPT,
    EXTENSIONS,
    MAX_COLUMNS,
    MAX_ROWS,
    PREVIEW_ROWS,
    Headings,
    UnreadableFile,
    cell_problem,
    cell_text,
    column_letter,
    data_rows,
    is_workbook,
    preview_cells,
    read_headings,
)
from evaluation.imports.matching import guess_mapping, mapping_problems
from evaluation.imports.rows import Row, RowReader, stored_preview

__all__ = [
    "ERRORS_KEPT",
    "EXTENSIONS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PREVIEW_ROWS",
    "Headings",
    "Row",
    "RowReader",
    "UnreadableFile",
    "cell_problem",
    "cell_text",
    "column_letter",
    "data_rows",
    "guess_mapping",
    "is_workbook",
    "mapping_problems",
    "preview_cells",
    "read_headings",
    "stored_preview",
]
