"""Reading a spreadsheet file: a CSV file (UTF-8, UTF-8 with a byte order mark, or
Windows-1252; comma, semicolon or tab between cells) or the first sheet of an Excel
workbook (.xlsx). Rows are read one at a time, so a file of 50,000 rows is never held
as 50,000 rows of objects. Row numbers are the ones the person sees in their
spreadsheet: the heading row is row 1. A file that cannot be read at all raises
UnreadableFile with a message for the person."""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _

EXTENSIONS = (".csv", ".xlsx")
MAX_COLUMNS = 200
MAX_HEADING_LENGTH = 300
MAX_ROWS = 100_000
# The errors kept to show; every error is counted.
ERRORS_KEPT = 200
PREVIEW_ROWS = 5
# Cells shown in an error are cut to this length.
VALUE_SHOWN = 60
ZIP_SIGNATURE = b"PK\x03\x04"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
# Control characters other than tab and line breaks, which no answer contains and which
# PostgreSQL refuses to store (NUL).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(Exception):
    """The file as a whole cannot be read; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Headings:
    """What the top of a file says: its column headings, how its text is encoded, and
    how many rows lie under the headings (blank ones included)."""

    headers: list[str]
    encoding: str
    row_count: int


def is_workbook(filename: str) -> bool:
    return filename.lower().endswith(".xlsx")


def column_letter(index: int) -> str:
    """The spreadsheet's name for the column at `index` (0 is A)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def shown(value: str) -> str:
    """A cell as an error message quotes it: short, with control characters replaced."""
    text = CONTROL.sub("\ufffd", value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


# Text encodings ------------------------------------------------------------------------


def _decodes_as(content: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(content)
    chunk = 1 << 20
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_encoding_of(content: bytes) -> str:
    """UTF-8 (with or without a byte order mark) when the bytes are valid UTF-8, as
    "CSV UTF-8" from Excel is; otherwise Windows-1252, as Excel's plain "CSV" is."""
    if content.startswith(UTF16_BOMS):
        raise UnreadableFile(
            _(
                "This file is saved as UTF-16 (Unicode text), which cannot be read here. "
                "In the spreadsheet, save it as “CSV UTF-8” and upload that."
            )
        )
    for encoding in CSV_ENCODINGS:
        if _decodes_as(content, encoding):
            return encoding
    raise UnreadableFile(
        _(
            "This file is not text that can be read. In the spreadsheet, save it as "
            "“CSV UTF-8” and upload that."
        )
    )


def _delimiter_of(sample: str) -> str:
    """The delimiter the csv module's sniffer finds among comma, semicolon and tab,
    looked for in whole lines only; a comma when it finds none."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]
    try:
        delimiter = csv.Sniffer().sniff("".join(lines[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    # The sniffer can be misled by text in the answers; the heading row is not.
    if lines and delimiter not in lines[0] and "," in lines[0]:
        return ","
    return delimiter


def _csv_records(content: bytes, encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    delimiter = _delimiter_of(text.read(64 * 1024))
    text.seek(0)
    return csv.reader(text, delimiter=delimiter)


# Cells ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell's value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell_problem(text: str) -> str | None:
    """Why a cell cannot be taken as an answer whatever the question, or None. A cell
    that a spreadsheet would run as a formula is refused rather than stored, so it can
    never run when the answers are opened in a spreadsheet again."""
    stripped = text.strip()
    if stripped.startswith("="):
        return _("This cell holds a formula (%(formula)s); type the answer itself.") % {
            "formula": shown(stripped)
        }
    if stripped[:1] in ("+", "-", "@") and stripped != "-" and not NUMBER.fullmatch(stripped):
        return _(
            "This cell starts with “%(character)s”, which a spreadsheet reads as a formula; "
            "type the answer itself."
        ) % {"character": stripped[0]}
    if CONTROL.search(text):
        return _(
            "This cell holds a hidden control character (such as a NUL byte), which usually "
            "means the file is damaged; type the answer again."
        )
    return None


# Headings ------------------------------------------------------------------------------


def clean_headings(cells: Iterable) -> list[str]:
    """The column headings, checked: none blank between others, none repeated, none
    with hidden characters, and not too many. Blank headings after the last one are
    dropped, as spreadsheets often leave them."""
    headers = [cell_text(cell).replace("\ufeff", "").strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableFile(_("The first row is empty. It should hold a heading for each column."))
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            _(
                "The first row has %(count)s columns; a survey file has at most %(most)s. "
                "Check that the first row holds the column headings."
            )
            % {"count": f"{len(headers):,}", "most": MAX_COLUMNS}
        )
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        letter = column_letter(index)
        if not header:
            raise UnreadableFile(
                _("Column %(letter)s has no heading. Give every column a heading in row 1.")
                % {"letter": letter}
            )
        if CONTROL.search(header):
            raise UnreadableFile(
                _(
                    "The heading of column %(letter)s holds a hidden control character "
                    "(such as a NUL byte), which usually means the file is damaged. Save "
                    "it again from the spreadsheet."
                )
                % {"letter": letter}
            )
        if len(header) > MAX_HEADING_LENGTH:
            raise UnreadableFile(
                _("The heading of column %(letter)s is longer than %(most)s characters.")
                % {"letter": letter, "most": MAX_HEADING_LENGTH}
            )
        key = header.casefold()
        if key in seen:
            raise UnreadableFile(
                _(
                    "Columns %(first)s and %(second)s are both headed “%(heading)s”. "
                    "Give each column its own heading."
                )
                % {
                    "first": column_letter(seen[key]),
                    "second": letter,
                    "heading": shown(header),
                }
            )
        seen[key] = index
    return headers


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        _("This file has more than %(most)s rows. Split it into smaller files.")
        % {"most": f"{MAX_ROWS:,}"}
    )


def _csv_problem(error: csv.Error, row: int) -> UnreadableFile:
    return UnreadableFile(
        _("Row %(row)s cannot be read (%(reason)s). Save the file again from the spreadsheet.")
        % {"row": f"{row:,}", "reason": error}
    )


def _open_workbook(content: bytes):
    from openpyxl import load_workbook

    # A damaged or disguised file fails inside the zip or XML reader in many ways.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception as error:
        raise UnreadableFile(
            _(
                "This file is not an Excel workbook that can be read. Open it in the "
                "spreadsheet, save it as .xlsx or as “CSV UTF-8”, and upload that."
            )
        ) from error
    return workbook, sheet


def _workbook_rows(sheet) -> Iterator[tuple]:
    # Some programs write a sheet size that leaves rows out; read every row there is.
    sheet.reset_dimensions()
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as error:
        raise UnreadableFile(
            _(
                "Part of this workbook cannot be read. Open it in the spreadsheet, save it "
                "again as .xlsx or as “CSV UTF-8”, and upload that."
            )
        ) from error


def read_headings(content: bytes, filename: str) -> Headings:
    """The headings of a file just uploaded, or UnreadableFile saying what is wrong."""
    if not content:
        raise UnreadableFile(_("The file is empty."))
    if is_workbook(filename):
        encoding = ""
        workbook, sheet = _open_workbook(content)
        try:
            rows = _workbook_rows(sheet)
            headers = clean_headings(next(rows, ()))
            row_count = sum(1 for _row in _up_to_the_most(rows))
        finally:
            workbook.close()
    else:
        if content.startswith(ZIP_SIGNATURE):
            raise UnreadableFile(
                _("This file is an Excel workbook: give it a name ending in .xlsx.")
            )
        encoding = csv_encoding_of(content)
        records = _csv_records(content, encoding)
        try:
            headers = clean_headings(next(records, []))
        except csv.Error as error:
            raise _csv_problem(error, 1) from error
        row_count = 0
        try:
            for _record in records:
                row_count += 1
                if row_count > MAX_ROWS:
                    raise _too_many_rows()
        except csv.Error as error:
            raise _csv_problem(error, row_count + 2) from error
    if row_count == 0:
        raise UnreadableFile(_("The file has column headings but no rows under them."))
    return Headings(headers=headers, encoding=encoding, row_count=row_count)


def _up_to_the_most(rows: Iterator) -> Iterator:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise _too_many_rows()
        yield row


def data_rows(content: bytes, filename: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) for every row under the headings, blank rows too."""
    if is_workbook(filename):
        workbook, sheet = _open_workbook(content)
        try:
            rows = _workbook_rows(sheet)
            next(rows, None)
            for number, row in enumerate(rows, start=2):
                if number > MAX_ROWS + 1:
                    raise _too_many_rows()
                yield number, [cell_text(value) for value in row]
        finally:
            workbook.close()
        return
    records = _csv_records(content, encoding or CSV_ENCODINGS[0])
    number = 1
    try:
        next(records, None)
        for number, row in enumerate(records, start=2):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            yield number, row
    except csv.Error as error:
        raise _csv_problem(error, number + 1) from error


def preview_cells(content: bytes, filename: str, encoding: str, rows: int = PREVIEW_ROWS):
    """The first rows under the headings that are not blank, as text."""
    found = []
    try:
        for number, cells in data_rows(content, filename, encoding):
            if any(cell.strip() for cell in cells):
                found.append((number, cells))
                if len(found) == rows:
                    break
    except UnreadableFile:
        pass
    return found
