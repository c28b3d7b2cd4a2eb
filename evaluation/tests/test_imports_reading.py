"""Reading spreadsheet files and guessing which question each column answers, without
the database or the pages."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.imports import (
    UnreadableFile,
    cell_problem,
    cell_text,
    column_letter,
    data_rows,
    guess_mapping,
    mapping_problems,
    read_headings,
)
from evaluation.imports.files import csv_encoding_of
from evaluation.imports.matching import words
from evaluation.questions import STANDARD_QUESTIONS


class Question:
    """A question as the matching sees it, without the database."""

    def __init__(self, key, text, is_standard=True):
        self.key, self.text, self.is_standard = key, str(text), is_standard


STANDARD = [Question(question.key, question.text) for question in STANDARD_QUESTIONS]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("ethnicity", "ethnicity"),
        ("Ethnic group", "ethnicity"),
        ("Ethnic origin", "ethnicity"),
        ("Q1 confidence", "confidence"),
        ("Q1. Confidence in the police", "confidence"),
        ("1) How confident are you", "confidence"),
        ("Attended event?", "attended_event"),
        ("Have you attended a community event?", "attended_event"),
        ("Which event did you attend?", "attended_which"),
        ("Age", "age_band"),
        ("Age group", "age_band"),
        ("Area", "area"),
        ("District", "area"),
        ("Overall satisfaction", "satisfaction"),
        ("Awareness of the Police Race Action Plan", "race_action_plan_awareness"),
        ("Police understand local concerns", "understands_concerns"),
        ("Treated fairly and with respect", "fair_treatment"),
        ("attended_event", "attended_event"),
        (
            "Taking everything into account, I have confidence in the police in this area.",
            "confidence",
        ),
        ("Respondent ID", ""),
        ("Date", ""),
        ("Stage of life", ""),
        ("Comments", ""),
    ],
)
def test_a_column_is_matched_by_its_heading(header, key):
    assert guess_mapping([header], STANDARD) == {header: key}


def test_each_question_is_matched_to_one_column_at_most_the_closest():
    headers = ["Ethnic", "Ethnicity (ONS 2021)", "Ethnic group", "Age", "Age band"]
    assert guess_mapping(headers, STANDARD) == {
        "Ethnic": "",
        "Ethnicity (ONS 2021)": "",
        "Ethnic group": "ethnicity",
        "Age": "",
        "Age band": "age_band",
    }


def test_a_question_of_the_wave_is_matched_by_its_key_or_its_words():
    extra = Question("feel-safe-at-night", "How safe do you feel walking alone after dark?", False)
    questions = [*STANDARD, extra]
    assert guess_mapping(["feel-safe-at-night"], questions) == {
        "feel-safe-at-night": "feel-safe-at-night"
    }
    assert guess_mapping(["Walking alone after dark"], questions) == {
        "Walking alone after dark": "feel-safe-at-night"
    }


def test_question_numbers_are_not_words():
    assert words("Q12a. Confidence – local police") == "confidence local police"
    assert words("Question 3: Don’t know") == "dont know"
    assert words("Q1") == ""


def test_a_matching_that_uses_a_question_twice_or_none_is_refused():
    beside, whole = mapping_problems(
        {"A": "confidence", "B": "confidence", "C": ""}, ["confidence"]
    )
    assert list(beside) == ["B"] and whole == []
    beside, whole = mapping_problems({"A": "", "B": ""}, ["confidence"])
    assert beside == {} and whole == ["Match at least one column to a question."]
    beside, _whole = mapping_problems({"A": "nope"}, ["confidence"])
    assert list(beside) == ["A"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (4, "4"),
        (4.0, "4"),
        (4.5, "4.5"),
        (True, "yes"),
        (False, "no"),
        (datetime(2022, 3, 1), "2022-03-01"),
        (datetime(2022, 3, 1, 9, 30), "2022-03-01T09:30:00"),
        (date(2022, 3, 1), "2022-03-01"),
        ("Agree", "Agree"),
    ],
)
def test_a_cell_reads_as_the_text_a_person_would_type(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("=1+1", True),
        ("  =cmd|' /C calc'!A0", True),
        ("+A1", True),
        ("@SUM(1)", True),
        ("-2+3", True),
        ("\tfine", False),
        ("4", False),
        ("-1", False),
        ("+4", False),
        ("-", False),
        ("Don't know", False),
        ("a\x00b", True),
        ("a\x1bb", True),
    ],
)
def test_cells_that_a_spreadsheet_would_run_or_that_are_damaged_are_refused(text, refused):
    assert (cell_problem(text) is not None) is refused


def test_column_letters_go_past_z():
    assert [column_letter(index) for index in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_the_encoding_is_utf8_then_windows_1252():
    assert csv_encoding_of("Café".encode()) == "utf-8-sig"
    assert csv_encoding_of(b"\xef\xbb\xbfCaf\xc3\xa9") == "utf-8-sig"
    assert csv_encoding_of("Don’t".encode("cp1252")) == "cp1252"
    with pytest.raises(UnreadableFile):
        csv_encoding_of(b"\x81\x8d\x8f\x90\x9d" * 3)  # no character in either


def test_a_utf8_character_split_across_reading_chunks_is_still_utf8():
    content = b"a" * ((1 << 20) - 1) + "é".encode()
    assert csv_encoding_of(content) == "utf-8-sig"


def test_rows_of_a_csv_file_carry_the_numbers_a_spreadsheet_shows():
    content = b'Confidence,Note\r\n4,"two\r\nlines"\r\n\r\n5,x\r\n'
    assert list(data_rows(content, "survey.csv", "utf-8-sig")) == [
        (2, ["4", "two\r\nlines"]),
        (3, []),
        (4, ["5", "x"]),
    ]


def test_a_workbook_that_says_it_is_smaller_than_it_is_is_read_to_the_end():
    book = openpyxl.Workbook()
    for row in (["Confidence"], [4], [5], [3]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    # Rewrite the sheet's declared size to a single cell, as some programs do.
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', data)
                assert b'<dimension ref="A1"' in data
            target.writestr(item, data)
    content = damaged.getvalue()
    assert read_headings(content, "survey.xlsx").row_count == 3
    assert [cells for _number, cells in data_rows(content, "survey.xlsx", "")] == [
        ["4"],
        ["5"],
        ["3"],
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=3000), workbook=st.booleans())
def test_no_file_breaks_the_reader_with_anything_but_a_message(content, workbook):
    name = "survey.xlsx" if workbook else "survey.csv"
    try:
        headings = read_headings(content, name)
    except UnreadableFile as problem:
        assert problem.message
        return
    try:
        for _number, cells in data_rows(content, name, headings.encoding):
            assert all(isinstance(cell, str) for cell in cells)
    except UnreadableFile as problem:
        assert problem.message


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), min_size=1, max_size=6)
)
def test_any_text_in_a_csv_file_reads_as_headings_or_a_message(rows):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    try:
        headings = read_headings(buffer.getvalue().encode(), "survey.csv")
    except UnreadableFile as problem:
        assert problem.message
        return
    assert len(headings.headers) <= 4
    assert all(header and "\x00" not in header for header in headings.headers)
    assert len({header.casefold() for header in headings.headers}) == len(headings.headers)


def test_semicolons_in_answers_do_not_hide_the_commas_between_cells():
    content = b"Confidence,Comment\r\n4,a;b;c\r\n5,d;e;f\r\n3,g;h;i\r\n"
    assert read_headings(content, "survey.csv").headers == ["Confidence", "Comment"]
    assert next(data_rows(content, "survey.csv", "utf-8-sig")) == (2, ["4", "a;b;c"])


def test_a_file_of_more_than_100000_rows_is_refused():
    content = b"Confidence\r\n" + b"4\r\n" * 100_001
    with pytest.raises(UnreadableFile, match="more than 100,000 rows"):
        read_headings(content, "survey.csv")
    assert read_headings(b"Confidence\r\n" + b"4\r\n" * 100_000, "survey.csv").row_count == (
        100_000
    )
