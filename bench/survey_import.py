"""How long a survey spreadsheet of 50,000 rows takes to check and to import, and how
much memory it takes, in a fresh SQLite database in a temporary folder (removed at the
end). The file looks like a force's export: a respondent number, a date, the five
standard questions, whether the person has been to an event, ethnicity, age and area.
The target is under 60 seconds for the check and the import together.

The times are taken without tracemalloc, which slows Python down; a second import of
the same file into another wave measures the peak memory Python allocates.

    make bench
"""

import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ROWS = 50_000
TARGET_SECONDS = 60

HEADERS = [
    "Respondent ID",
    "Date",
    "Q1 Confidence in local police",
    "Q2 Police treat people fairly and with respect",
    "Q3 Police understand local concerns",
    "Q4 Overall satisfaction",
    "Q5 Awareness of the Police Race Action Plan",
    "Attended a community event",
    "Ethnicity",
    "Age group",
    "Area",
]
AGREEMENT = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "1", "5"]
SATISFACTION = ["Very satisfied", "Fairly satisfied", "Fairly dissatisfied", "Don't know"]
AWARENESS = ["Never heard of it", "Heard the name only", "Know a little", "Know a lot"]
ETHNICITY = [
    "White: English, Welsh, Scottish, Northern Irish or British",
    "Black: African",
    "Black: Caribbean",
    "Asian: Indian",
    "Mixed: White and Black Caribbean",
    "White",
    "",
]
AGE = ["18 to 24", "25 to 34", "45 to 54", "65 to 74", ""]
AREAS = ["Leicester City", "Charnwood", "Blaby", "Melton", "Rutland"]


def write_file(path: Path) -> None:
    randomness = random.Random(2022)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADERS)
        for number in range(1, ROWS + 1):
            writer.writerow(
                [
                    f"LP22-{number:05d}",
                    f"{number % 28 + 1:02d}/03/2022",
                    randomness.choice(AGREEMENT),
                    randomness.choice(AGREEMENT),
                    randomness.choice(AGREEMENT),
                    randomness.choice(SATISFACTION),
                    randomness.choice(AWARENESS),
                    randomness.choice(["Yes", "No", "No", "Don't know"]),
                    randomness.choice(ETHNICITY),
                    randomness.choice(AGE),
                    randomness.choice(AREAS),
                ]
            )


def import_file(content: bytes, wave_name: str) -> tuple[float, float, object]:
    """Upload, check and import the file into a new wave through the services the pages
    use (a file this large goes through the Celery task, run in-process here). Returns
    the seconds the check and the import took."""
    from evaluation.models import SurveyImport, Wave
    from evaluation.services import (
        survey_import_check_start,
        survey_import_start,
        survey_import_upload,
        wave_create,
    )

    wave = wave_create(name=wave_name, slug=wave_name.lower())
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    survey_import = survey_import_upload(wave=wave, filename="survey-2022.csv", content=content)
    started = time.perf_counter()
    survey_import_check_start(survey_import=survey_import, mapping=survey_import.mapping)
    checked = time.perf_counter() - started
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.CHECKED, survey_import.errors[:3]
    started = time.perf_counter()
    survey_import_start(survey_import=survey_import)
    imported = time.perf_counter() - started
    survey_import.refresh_from_db()
    assert survey_import.status == SurveyImport.Status.DONE, survey_import.message
    return checked, imported, survey_import


def measure(folder: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from evaluation.models import Answer, Response

    # As in production: with DEBUG on, Django keeps the SQL of every query in memory,
    # which the peak memory would count.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    path = folder / "survey-2022.csv"
    write_file(path)
    content = path.read_bytes()
    print(f"{'file':<44} {ROWS:,} rows, {len(content) / 1024 / 1024:.1f} MB")

    checked, imported, survey_import = import_file(content, "2022")
    responses = Response.objects.filter(survey_import=survey_import).count()
    answers = Answer.objects.filter(response__survey_import=survey_import).count()
    assert responses == ROWS, responses
    print(f"{'check, every row':<44} {checked:7.1f} s")
    print(f"{'import, one transaction':<44} {imported:7.1f} s")
    print(f"{'stored':<44} {responses:,} responses, {answers:,} answers")

    tracemalloc.start()
    import_file(content, "2022b")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'peak memory allocated (tracemalloc)':<44} {peak / 1024 / 1024:7.1f} MB")
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_mb = rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024
    print(f"{'peak resident size of the process (ru_maxrss)':<44} {rss_mb:7.1f} MB")
    total = checked + imported
    verdict = "PASS" if total < TARGET_SECONDS else "FAIL"
    print(
        f"{'survey import target':<44} {verdict}: check and import in {total:.1f} s "
        f"(under {TARGET_SECONDS} s for {ROWS:,} rows)"
    )


def main():
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
    for variable in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix="community-voice-import-") as var_dir:
        os.environ["VAR_DIR"] = var_dir
        import django

        django.setup()
        measure(Path(var_dir))


if __name__ == "__main__":
    main()
