"""Importing an earlier wave from a spreadsheet, as an Administrator does it: upload,
match the columns, see every problem before anything is saved, import all or nothing,
and undo an import made by mistake."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagement.roles import Role
from evaluation.models import Answer, Response, Source, SurveyImport, Wave
from evaluation.services import imports as import_services

DATA = Path(__file__).parent / "data"
EXPORT_2022 = DATA / "leicestershire-2022.csv"
GUESSED_2022 = {
    "Respondent ID": "",
    "Date": "",
    "Q1 Confidence in local police": "confidence",
    "Q2 Police treat people fairly and with respect": "fair_treatment",
    "Q3 Police understand local concerns": "understands_concerns",
    "Q4 Overall satisfaction": "satisfaction",
    "Q5 Awareness of the Police Race Action Plan": "race_action_plan_awareness",
    "Attended a community event": "attended_event",
    "Ethnicity": "ethnicity",
    "Age group": "age_band",
    "Area": "area",
}


@pytest.fixture
def wave(wave_factory):
    return wave_factory(name="2022", status=Wave.Status.CLOSED)


def upload(client, wave, content: bytes, name: str = "survey-2022.csv"):
    return client.post(
        reverse("evaluation:import", kwargs={"slug": wave.slug}),
        {"file": SimpleUploadedFile(name, content)},
    )


def uploaded(client, wave, content: bytes, name: str = "survey-2022.csv") -> SurveyImport:
    response = upload(client, wave, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return SurveyImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def mapping_data(survey_import: SurveyImport, mapping: dict | None = None) -> dict:
    mapping = survey_import.mapping if mapping is None else mapping
    return {
        f"column_{index}": mapping.get(header, "")
        for index, header in enumerate(survey_import.headers)
    }


def check(client, survey_import: SurveyImport, mapping: dict | None = None):
    response = client.post(
        reverse("evaluation:import-detail", kwargs={"pk": survey_import.pk}),
        mapping_data(survey_import, mapping),
    )
    survey_import.refresh_from_db()
    return response


def confirm(client, survey_import: SurveyImport):
    response = client.post(reverse("evaluation:import-confirm", kwargs={"pk": survey_import.pk}))
    survey_import.refresh_from_db()
    return response


def detail(client, survey_import: SurveyImport):
    return client.get(reverse("evaluation:import-detail", kwargs={"pk": survey_import.pk}))


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def error_rows(survey_import: SurveyImport) -> list[tuple]:
    return [(error["row"], error["column"]) for error in survey_import.errors]


# The realistic file ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_2022_export_is_imported_with_the_columns_matched_by_their_headings(
    administrator_client, wave
):
    survey_import = uploaded(administrator_client, wave, EXPORT_2022.read_bytes())
    assert survey_import.mapping == GUESSED_2022
    assert survey_import.encoding == "utf-8-sig"
    assert survey_import.total_rows == 30

    page = detail(administrator_client, survey_import)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]  # rows with ethnicity are never kept
    assert b"Q1 Confidence in local police" in page.content
    assert b"LP22-0001" in page.content  # the first rows of the file as they are

    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert survey_import.error_count == 0
    assert survey_import.rows_to_import == 30
    assert Response.objects.count() == 0  # nothing is saved by checking

    page = detail(administrator_client, survey_import)
    assert b"Import 30 responses" in page.content
    assert b"The first 5 rows as they will be stored" in page.content

    response = confirm(administrator_client, survey_import)
    assert response.status_code == 302
    assert survey_import.status == SurveyImport.Status.DONE
    assert survey_import.imported_count == 30
    assert bytes(survey_import.content) == b""  # the file is not kept once imported
    responses = Response.objects.filter(wave=wave)
    assert responses.count() == 30
    assert set(responses.values_list("source", flat=True)) == {Source.IMPORTED}
    assert set(responses.values_list("received_hour", flat=True)) == {None}
    assert set(responses.values_list("survey_import", flat=True)) == {survey_import.pk}
    assert set(responses.values_list("form_nonce", flat=True)) == {None}

    # Row 2 of the file: "Strongly disagree", ..., "Yes", "Black: Caribbean", "75 or over".
    first = next(
        response
        for response in responses.prefetch_related("answers__question")
        if {answer.question.key: answer.choice for answer in response.answers.all()}
        == {
            "confidence": "1",
            "fair_treatment": "3",
            "understands_concerns": "2",
            "satisfaction": "1",
            "race_action_plan_awareness": "3",
            "attended_event": "yes",
            "ethnicity": "black_caribbean",
            "age_band": "75_plus",
            "area": "Oadby and Wigston",
        }
    )
    assert first.attended is True
    assert first.ethnic_group == "black"
    assert first.age_band == "75_plus"
    assert first.area == "Oadby and Wigston"
    assert first.answers.get(question__key="confidence").score == 1


@pytest.mark.django_db
def test_answers_given_as_a_high_level_group_keep_the_group(administrator_client, wave):
    survey_import = uploaded(
        administrator_client,
        wave,
        csv_file("Confidence,Ethnic group", "4,White", "2,Black", "5,"),
    )
    check(administrator_client, survey_import)
    confirm(administrator_client, survey_import)
    assert sorted(Response.objects.values_list("ethnic_group", flat=True)) == [
        "",
        "black",
        "white",
    ]
    assert set(Response.objects.values_list("ethnicity", flat=True)) == {""}


# Bad rows: every problem with its row number, nothing saved ---------------------------------


@pytest.mark.django_db
def test_out_of_range_answers_are_listed_with_their_row_numbers_and_nothing_is_saved(
    administrator_client, wave
):
    survey_import = uploaded(
        administrator_client,
        wave,
        csv_file(
            "Respondent,Q1 Confidence in local police,Attended a community event",
            "1,4,yes",
            "2,6,yes",
            "3,3,maybe",
            "4,5,no",
        ),
    )
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    assert survey_import.error_count == 2
    assert error_rows(survey_import) == [
        (3, "Q1 Confidence in local police"),
        (4, "Attended a community event"),
    ]
    assert survey_import.errors[0]["value"] == "6"
    assert "1 to 5" in survey_import.errors[0]["message"]
    assert survey_import.errors[1]["value"] == "maybe"

    page = detail(administrator_client, survey_import)
    content = page.content.decode()
    assert "2 problems were found. Nothing has been imported" in content
    assert "<code>maybe</code>" in content
    assert 'Answer "yes", "no" or "don\'t know".' in page.content.decode().replace(
        "&quot;", '"'
    ).replace("&#x27;", "'")

    response = confirm(administrator_client, survey_import)
    assert response.status_code == 302
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_blank_rows_are_skipped_not_errors(administrator_client, wave):
    survey_import = uploaded(
        administrator_client,
        wave,
        csv_file(
            "ID,Confidence,Area",
            "1,4,Blaby",
            "",
            ",,",
            "4,,",  # an id but no answer in the matched columns
            "  ,  ,  ",
            "6,2,Melton",
            "",
        ),
    )
    assert survey_import.total_rows == 7
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert survey_import.error_count == 0
    assert survey_import.rows_to_import == 2
    assert (
        b"5 rows with no answers in the matched columns are left out"
        in detail(administrator_client, survey_import).content
    )
    confirm(administrator_client, survey_import)
    assert sorted(Response.objects.values_list("area", flat=True)) == ["Blaby", "Melton"]


@pytest.mark.django_db
def test_a_file_whose_matched_columns_are_all_blank_cannot_be_imported(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("ID,Confidence", "1,", "2,"))
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    assert "No row has an answer" in survey_import.message
    confirm(administrator_client, survey_import)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_column_matched_to_the_wrong_question_gives_errors_on_every_row(
    administrator_client, wave
):
    survey_import = uploaded(
        administrator_client, wave, csv_file("Confidence,Area", "4,Blaby", "5,Melton")
    )
    check(administrator_client, survey_import, {"Confidence": "", "Area": "confidence"})
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    assert error_rows(survey_import) == [(2, "Area"), (3, "Area")]


@pytest.mark.django_db
def test_a_file_without_some_of_the_questions_imports_what_it_has(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("Satisfaction", "4", "2"))
    assert survey_import.mapping == {"Satisfaction": "satisfaction"}
    check(administrator_client, survey_import)
    confirm(administrator_client, survey_import)
    assert Response.objects.count() == 2
    assert set(Response.objects.values_list("attended", flat=True)) == {None}
    assert Answer.objects.filter(question__key="satisfaction").count() == 2


@pytest.mark.django_db
def test_a_row_longer_than_the_headings_is_an_error_for_that_row(administrator_client, wave):
    survey_import = uploaded(
        administrator_client,
        wave,
        csv_file("Confidence,Area", "4,Blaby", "5,Melton,surprise", "3,Blaby,,"),
    )
    check(administrator_client, survey_import)
    assert error_rows(survey_import) == [(3, "")]
    assert "more cells than row 1 has headings" in survey_import.errors[0]["message"]


@pytest.mark.django_db
def test_only_the_first_200_errors_are_kept_but_all_are_counted(administrator_client, wave):
    rows = [f"{n},6" for n in range(450)]
    survey_import = uploaded(administrator_client, wave, csv_file("ID,Confidence", *rows))
    check(administrator_client, survey_import)
    assert survey_import.error_count == 450
    assert len(survey_import.errors) == 200
    assert survey_import.errors[-1]["row"] == 201
    assert (
        b"The first 200 of 450 problems, by row"
        in detail(administrator_client, survey_import).content
    )


# The matching of columns -----------------------------------------------------------------


@pytest.mark.django_db
def test_one_question_matched_to_two_columns_is_refused_beside_the_second(
    administrator_client, wave
):
    survey_import = uploaded(administrator_client, wave, csv_file("A,B", "4,5"))
    response = check(administrator_client, survey_import, {"A": "confidence", "B": "confidence"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "column_0" not in form.errors
    assert "Column “A” is already matched to this question" in form.errors["column_1"][0]
    assert survey_import.status == SurveyImport.Status.UPLOADED
    # What was chosen is kept.
    assert 'value="confidence" selected' in response.content.decode()


@pytest.mark.django_db
def test_a_matching_with_no_column_matched_is_refused(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("A,B", "4,5"))
    response = check(administrator_client, survey_import, {"A": "", "B": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Match at least one column to a question."
    ]
    assert survey_import.status == SurveyImport.Status.UPLOADED


@pytest.mark.django_db
def test_a_question_of_another_wave_cannot_be_posted_as_a_match(
    administrator_client, wave, question_factory
):
    other = question_factory(key="only-elsewhere")
    survey_import = uploaded(administrator_client, wave, csv_file("A", "4"))
    response = check(administrator_client, survey_import, {"A": other.key})
    assert response.status_code == 200
    assert "column_0" in response.context["form"].errors
    response = check(administrator_client, survey_import, {"A": "\x00" * 5000})
    assert response.status_code == 200
    assert survey_import.status == SurveyImport.Status.UPLOADED


@pytest.mark.django_db
def test_the_matching_can_be_changed_after_a_check(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("A,B", "4,6", "5,6"))
    check(administrator_client, survey_import, {"A": "", "B": "confidence"})
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    check(administrator_client, survey_import, {"A": "confidence", "B": ""})
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert survey_import.errors == []
    assert survey_import.mapping == {"A": "confidence", "B": ""}


@pytest.mark.django_db
def test_the_matching_cannot_be_changed_once_imported(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("A", "4"))
    check(administrator_client, survey_import, {"A": "confidence"})
    confirm(administrator_client, survey_import)
    response = check(administrator_client, survey_import, {"A": "satisfaction"})
    assert response.status_code == 302
    assert survey_import.mapping == {"A": "confidence"}
    assert survey_import.status == SurveyImport.Status.DONE


# Encodings, delimiters and formulas -----------------------------------------------------------


@pytest.mark.django_db
def test_a_windows_1252_file_is_read_with_its_curly_apostrophes_and_accents(
    administrator_client, wave
):
    content = csv_file(
        "Café visited,Confidence,Attended a community event",
        "Café Nour,Don’t know,No",
        "Bistro,4,Don’t know",
        encoding="cp1252",
    )
    assert b"\x92" in content and b"\xe9" in content
    survey_import = uploaded(administrator_client, wave, content)
    assert survey_import.encoding == "cp1252"
    assert survey_import.headers[0] == "Café visited"
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED
    page = detail(administrator_client, survey_import)
    assert "Café Nour" in page.content.decode()
    assert b"Windows-1252" in page.content
    confirm(administrator_client, survey_import)
    assert sorted(Answer.objects.values_list("choice", flat=True)) == [
        "4",
        "dont_know",
        "dont_know",
        "no",
    ]


@pytest.mark.django_db
def test_a_utf8_file_with_a_byte_order_mark_keeps_its_first_heading_clean(
    administrator_client, wave
):
    content = b"\xef\xbb\xbf" + csv_file("Confidence,Area", "4,Leicester City", "5,Charnwood")
    survey_import = uploaded(administrator_client, wave, content)
    assert survey_import.encoding == "utf-8-sig"
    assert survey_import.headers == ["Confidence", "Area"]
    assert survey_import.mapping == {"Confidence": "confidence", "Area": "area"}
    check(administrator_client, survey_import)
    confirm(administrator_client, survey_import)
    assert Response.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolons_and_tabs_between_cells_are_found(administrator_client, wave, delimiter):
    lines = [
        delimiter.join(row) for row in (["Confidence", "Area"], ["4", "Blaby"], ["2", "Melton"])
    ]
    survey_import = uploaded(administrator_client, wave, csv_file(*lines))
    assert survey_import.headers == ["Confidence", "Area"]
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED


@pytest.mark.django_db
def test_formulas_in_a_csv_file_are_refused_row_by_row(administrator_client, wave):
    survey_import = uploaded(
        administrator_client,
        wave,
        csv_file(
            "Confidence,Attended a community event",
            "=1+3,yes",
            "+A1,yes",
            "@SUM(A1),no",
            '"=HYPERLINK(""http://example.com"")",no',
            "-,no",  # a dash is a common way to leave a cell blank
            "4,yes",
        ),
    )
    check(administrator_client, survey_import)
    assert error_rows(survey_import) == [
        (2, "Confidence"),
        (3, "Confidence"),
        (4, "Confidence"),
        (5, "Confidence"),
    ]
    assert survey_import.errors[0]["message"] == (
        "This cell holds a formula (=1+3); type the answer itself."
    )
    assert "starts with “+”" in survey_import.errors[1]["message"]
    assert "starts with “@”" in survey_import.errors[2]["message"]
    confirm(administrator_client, survey_import)
    assert Response.objects.count() == 0


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_excel_workbook_is_imported_from_its_first_sheet(administrator_client, wave):
    book = openpyxl.Workbook()
    book.active.append(["Q1 Confidence in local police", "Attended?", "Age", "Area"])
    book.active.append([4, True, "25 to 34", "Blaby"])
    book.active.append([2.0, "No", None, "Melton"])
    book.active.append([])
    book.active.append(["Don't know", "yes", "65 to 74", None])
    book.create_sheet("Notes").append(["Not answers", "at all"])
    buffer = io.BytesIO()
    book.save(buffer)
    survey_import = uploaded(administrator_client, wave, buffer.getvalue(), "survey.XLSX")
    assert survey_import.mapping == {
        "Q1 Confidence in local police": "confidence",
        "Attended?": "attended_event",
        "Age": "age_band",
        "Area": "area",
    }
    check(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.CHECKED, survey_import.errors
    assert survey_import.rows_to_import == 3
    confirm(administrator_client, survey_import)
    assert sorted(
        Answer.objects.filter(question__key="confidence").values_list("choice", flat=True)
    ) == [
        "2",
        "4",
        "dont_know",
    ]
    assert sorted(Response.objects.values_list("attended", flat=True)) == [False, True, True]


@pytest.mark.django_db
def test_formulas_in_an_excel_workbook_are_refused_row_by_row(administrator_client, wave):
    content = workbook([["Confidence", "Area"], ["=2+2", "Blaby"], [4, "=A1"], [5, "Melton"]])
    survey_import = uploaded(administrator_client, wave, content, "survey.xlsx")
    check(administrator_client, survey_import)
    assert error_rows(survey_import) == [(2, "Confidence"), (3, "Area")]
    assert survey_import.errors[0]["message"] == (
        "This cell holds a formula (=2+2); type the answer itself."
    )
    confirm(administrator_client, survey_import)
    assert Response.objects.count() == 0


# Files that are not what they say --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("survey.xlsx", bytes(range(256)) * 40, "not an Excel workbook that can be read"),
        ("survey.xlsx", b"PK\x03\x04" + b"\x00" * 300, "not an Excel workbook that can be read"),
        ("survey.csv", b"Confidence,Area\r\n", "column headings but no rows under them"),
        ("survey.csv", b"\r\n\r\n4,Blaby\r\n", "The first row is empty"),
        ("survey.csv", b"Confidence,Area,Confidence\r\n4,Blaby,5\r\n", "Columns A and C"),
        ("survey.csv", b"Confidence,,Area\r\n4,,Blaby\r\n", "Column B has no heading"),
        ("survey.csv", b"Confi\x00dence,Area\r\n4,Blaby\r\n", "hidden control character"),
        ("survey.csv", b"\xff\xfeC\x00o\x00n\x00", "UTF-16"),
        ("survey.csv", workbook([["Confidence"], [4]]), "give it a name ending in .xlsx"),
        ("survey.csv", ",".join(f"c{n}" for n in range(10_000)).encode(), "10,000 columns"),
        ("survey.csv", b"Confidence\r\n" + b"x" * 200_000 + b"\r\n", "Row 2 cannot be read"),
        ("survey.txt", b"Confidence\r\n4\r\n", "not a .csv or .xlsx file"),
        ("survey.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "not a .csv or .xlsx file"),
    ],
    ids=[
        "random bytes named xlsx",
        "a broken zip named xlsx",
        "only a heading row",
        "no heading row",
        "a heading twice",
        "a blank heading",
        "NUL in a heading",
        "UTF-16",
        "a workbook named csv",
        "10,000 columns",
        "a cell too big to read",
        "a text file",
        "an old Excel file",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_beside_the_field(
    administrator_client, wave, name, content, message
):
    response = upload(administrator_client, wave, content, name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert message in errors[0], errors
    assert SurveyImport.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_file_is_refused(administrator_client, wave):
    response = upload(administrator_client, wave, b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is empty."]


@pytest.mark.django_db
def test_no_file_at_all_is_refused(administrator_client, wave):
    response = administrator_client.post(reverse("evaluation:import", kwargs={"slug": wave.slug}))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose the spreadsheet file to upload."]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(administrator_client, wave, settings):
    settings.SURVEY_IMPORT_MAX_BYTES = 100
    response = upload(administrator_client, wave, csv_file("Confidence", *["4"] * 100))
    assert response.status_code == 200
    assert (
        "the most that can be imported at once is 100"
        in (response.context["form"].errors["file"][0])
    )
    assert SurveyImport.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_byte_in_a_cell_is_an_error_for_its_row(administrator_client, wave):
    survey_import = uploaded(
        administrator_client, wave, csv_file("Confidence,Area", "4\x00,Blaby", "5,Melton")
    )
    check(administrator_client, survey_import)
    assert error_rows(survey_import) == [(2, "Confidence")]
    assert "hidden control character" in survey_import.errors[0]["message"]
    assert "\x00" not in survey_import.errors[0]["value"]
    assert detail(administrator_client, survey_import).status_code == 200


@pytest.mark.django_db
def test_a_file_name_with_folders_and_hidden_characters_is_cleaned(administrator_client, wave):
    survey_import = uploaded(
        administrator_client, wave, csv_file("Confidence", "4"), "..\\..\\evil\x07name.csv"
    )
    assert survey_import.filename == "evilname.csv"


# The same file twice ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_file_uploaded_again_is_flagged_on_its_page(administrator_client, wave):
    content = EXPORT_2022.read_bytes()
    first = uploaded(administrator_client, wave, content)
    assert b"This very file was imported" not in detail(administrator_client, first).content
    check(administrator_client, first)
    confirm(administrator_client, first)

    again = uploaded(administrator_client, wave, content)
    assert again.content_sha256 == first.content_sha256
    page = detail(administrator_client, again).content.decode()
    assert "This very file was imported into this wave on" in page
    assert "adding 30 responses" in page
    # It may still be imported: the page has said what that means.
    check(administrator_client, again)
    confirm(administrator_client, again)
    assert Response.objects.count() == 60


@pytest.mark.django_db
def test_a_file_imported_into_another_wave_is_not_flagged(administrator_client, wave, wave_factory):
    content = csv_file("Confidence", "4")
    other_wave = wave_factory(name="2019", status=Wave.Status.CLOSED)
    first = uploaded(administrator_client, other_wave, content)
    check(administrator_client, first)
    confirm(administrator_client, first)
    again = uploaded(administrator_client, wave, content)
    assert b"This very file was imported" not in detail(administrator_client, again).content


# All or nothing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_part_way_through_saves_nothing_and_the_page_says_so(
    administrator_client, wave, monkeypatch
):
    survey_import = uploaded(
        administrator_client, wave, csv_file("Confidence", *[str(n % 5 + 1) for n in range(25)])
    )
    check(administrator_client, survey_import)
    monkeypatch.setattr(import_services, "BATCH_SIZE", 10)
    stored = import_services._store_batch
    batches = []

    def failing_third_batch(responses, answers):
        batches.append(len(responses))
        if len(batches) == 3:
            raise RuntimeError("The disk is full")
        return stored(responses, answers)

    monkeypatch.setattr(import_services, "_store_batch", failing_third_batch)
    confirm(administrator_client, survey_import)
    assert batches == [10, 10, 5]
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert survey_import.status == SurveyImport.Status.CHECKED
    assert bytes(survey_import.content)  # kept, to try again
    page = detail(administrator_client, survey_import).content.decode()
    assert "The import stopped before the end, so nothing was saved" in page

    monkeypatch.setattr(import_services, "_store_batch", stored)
    confirm(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.DONE
    assert Response.objects.count() == 25


@pytest.mark.django_db
def test_rows_that_stop_reading_between_the_check_and_the_import_stop_it(
    administrator_client, wave
):
    survey_import = uploaded(
        administrator_client, wave, csv_file("Confidence,Area", "4,Blaby", "5,Melton")
    )
    check(administrator_client, survey_import)
    # The question changes kind after the check: "Blaby" is no longer an answer.
    wave.questions.filter(key="area").update(kind="agreement")
    confirm(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.HAS_ERRORS
    assert "Nothing was imported" in survey_import.message
    assert error_rows(survey_import) == [(2, "Area"), (3, "Area")]
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_confirming_twice_imports_once(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4", "5"))
    check(administrator_client, survey_import)
    confirm(administrator_client, survey_import)
    response = confirm(administrator_client, survey_import)
    assert response.status_code == 302
    assert Response.objects.count() == 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Only a file that has been checked" in message for message in messages)


@pytest.mark.django_db
def test_an_import_cannot_be_confirmed_before_it_is_checked(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4"))
    confirm(administrator_client, survey_import)
    assert survey_import.status == SurveyImport.Status.UPLOADED
    assert Response.objects.count() == 0


# Undoing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_not_imported_is_discarded_at_once(administrator_client, wave):
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4"))
    response = administrator_client.post(
        reverse("evaluation:import-discard", kwargs={"pk": survey_import.pk})
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation:import", kwargs={"slug": wave.slug})
    assert not SurveyImport.objects.exists()


@pytest.mark.django_db
def test_removing_an_import_needs_a_tick_and_then_removes_only_its_responses(
    administrator_client, wave, response_factory
):
    kept = response_factory(wave=wave, answers={"confidence": "2"})
    survey_import = uploaded(administrator_client, wave, csv_file("Confidence", "4", "5", "1"))
    check(administrator_client, survey_import)
    confirm(administrator_client, survey_import)
    page = detail(administrator_client, survey_import).content.decode()
    assert "the responses it added are deleted from the wave" in page
    url = reverse("evaluation:import-discard", kwargs={"pk": survey_import.pk})

    response = administrator_client.post(url)
    assert response.status_code == 200
    assert "Tick the box" in response.context["remove_form"].errors["confirm"][0]
    assert Response.objects.count() == 4

    response = administrator_client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert list(Response.objects.all()) == [kept]
    assert Answer.objects.count() == 1
    assert not SurveyImport.objects.exists()


@pytest.mark.django_db
def test_an_import_under_way_cannot_be_discarded(administrator_client, survey_import_factory):
    survey_import = survey_import_factory(status=SurveyImport.Status.IMPORTING)
    response = administrator_client.post(
        reverse("evaluation:import-discard", kwargs={"pk": survey_import.pk})
    )
    assert response.status_code == 302
    assert SurveyImport.objects.filter(pk=survey_import.pk).exists()


# Who may import, and where ----------------------------------------------------------------

IMPORT_URLS = [
    ("evaluation:import", "get", "wave"),
    ("evaluation:import", "post", "wave"),
    ("evaluation:import-detail", "get", "import"),
    ("evaluation:import-detail", "post", "import"),
    ("evaluation:import-progress", "get", "import"),
    ("evaluation:import-confirm", "post", "import"),
    ("evaluation:import-discard", "post", "import"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [None, Role.COORDINATOR, Role.LEADER, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER],
    ids=lambda role: str(role or "anonymous"),
)
@pytest.mark.parametrize(("url_name", "method", "argument"), IMPORT_URLS)
def test_only_administrators_reach_imports(
    client_for_role, survey_import_factory, role, url_name, method, argument
):
    survey_import = survey_import_factory()
    kwargs = {"slug": survey_import.wave.slug} if argument == "wave" else {"pk": survey_import.pk}
    client = client_for_role(role)
    response = getattr(client, method)(reverse(url_name, kwargs=kwargs))
    if role is None:
        assert response.status_code == 302
        assert "/login/" in response.url
    else:
        assert response.status_code == 403
    assert SurveyImport.objects.filter(pk=survey_import.pk).exists()
    assert SurveyImport.objects.count() == 1


@pytest.mark.django_db
def test_the_wrong_methods_are_refused(administrator_client, survey_import_factory):
    survey_import = survey_import_factory()
    kwargs = {"pk": survey_import.pk}
    assert (
        administrator_client.get(reverse("evaluation:import-confirm", kwargs=kwargs)).status_code
        == 405
    )
    assert (
        administrator_client.get(reverse("evaluation:import-discard", kwargs=kwargs)).status_code
        == 405
    )
    assert (
        administrator_client.post(reverse("evaluation:import-progress", kwargs=kwargs)).status_code
        == 405
    )
    assert (
        administrator_client.put(reverse("evaluation:import-detail", kwargs=kwargs)).status_code
        == 405
    )


@pytest.mark.django_db
def test_a_wave_lists_only_its_own_imports(administrator_client, wave, wave_factory):
    other_wave = wave_factory(name="2019", status=Wave.Status.CLOSED)
    mine = uploaded(administrator_client, wave, csv_file("Confidence", "4"), "mine.csv")
    theirs = uploaded(administrator_client, other_wave, csv_file("Confidence", "4"), "theirs.csv")
    assert (mine.wave, theirs.wave) == (wave, other_wave)
    page = administrator_client.get(reverse("evaluation:import", kwargs={"slug": wave.slug}))
    assert list(page.context["imports"]) == [mine]
    assert b"theirs.csv" not in page.content
    assert (
        administrator_client.get(
            reverse("evaluation:import", kwargs={"slug": "no-such-wave"})
        ).status_code
        == 404
    )
    assert (
        administrator_client.get(
            reverse("evaluation:import-detail", kwargs={"pk": theirs.pk + 1000})
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_an_import_is_read_against_its_own_wave_questions(
    administrator_client, wave, wave_factory, question_factory
):
    """A question added to another wave is not offered, nor used, for this wave's file."""
    other_wave = wave_factory(name="2019", status=Wave.Status.CLOSED)
    question_factory(wave=other_wave, key="feel-safe", text="I feel safe")
    survey_import = uploaded(administrator_client, wave, csv_file("I feel safe,Confidence", "4,4"))
    assert survey_import.mapping == {"I feel safe": "", "Confidence": "confidence"}
    keys = [
        value
        for value, _label in detail(administrator_client, survey_import)
        .context["form"]
        .fields["column_0"]
        .choices
    ]
    assert "feel-safe" not in keys


@pytest.mark.django_db
def test_the_import_page_makes_as_many_queries_for_a_big_file_as_for_a_small_one(
    administrator_client, wave, django_assert_max_num_queries
):
    small = uploaded(administrator_client, wave, csv_file("Confidence,Area", "6,Blaby"))
    check(administrator_client, small)
    big = uploaded(
        administrator_client,
        wave,
        csv_file("Confidence,Area,Attended?", *[f"{n % 7},Nowhere,maybe" for n in range(1500)]),
    )
    check(administrator_client, big)
    assert big.error_count > 200
    with django_assert_max_num_queries(20) as few:
        assert detail(administrator_client, small).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert detail(administrator_client, big).status_code == 200


@pytest.mark.django_db
def test_progress_is_json_that_is_never_cached(administrator_client, survey_import_factory):
    survey_import = survey_import_factory(
        status=SurveyImport.Status.CHECKING, total_rows=4000, processed_rows=1000
    )
    response = administrator_client.get(
        reverse("evaluation:import-progress", kwargs={"pk": survey_import.pk})
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "checking",
        "status_label": "Checking every row",
        "processed": 1000,
        "total": 4000,
        "percent": 25,
        "done": False,
    }


@pytest.mark.django_db
def test_a_page_under_way_shows_a_progress_bar_that_works_without_javascript(
    administrator_client, survey_import_factory
):
    survey_import = survey_import_factory(
        status=SurveyImport.Status.IMPORTING, rows_to_import=5000, processed_rows=0
    )
    page = detail(administrator_client, survey_import).content.decode()
    assert '<progress id="import-progress-bar"' in page
    assert 'max="5000" value="0"' in page
    assert "Refresh the page to see progress" in page
    assert "js/import-progress" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
