"""Reading a spreadsheet's rows as answers to the questions its columns are matched
to: the answers of each row, or the problems with it, each with its row number."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from evaluation.answers import ParsedAnswer, parse_answer
from evaluation.imports.files import cell_problem, shown
from evaluation.questions import ETHNIC_GROUP_LABELS


@dataclass
class Row:
    number: int
    # {question key: ParsedAnswer}, answers left blank left out.
    answers: dict[str, ParsedAnswer] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not self.answers and not self.errors


_NOT_READ = object()


class RowReader:
    """Reads rows as answers to the questions their columns are matched to. The same
    cell text in the same column always reads the same way, so each is worked out
    once: a file of 50,000 rows holds few different answers."""

    REMEMBERED = 20_000

    def __init__(self, *, headers: list[str], mapping: dict, questions: Iterable, events=()):
        by_key = {question.key: question for question in questions}
        self.columns = [
            (index, header, by_key[mapping[header]])
            for index, header in enumerate(headers)
            if mapping.get(header) in by_key
        ]
        self.width = len(headers)
        self.events = list(events)
        self._read: dict[tuple[int, str], ParsedAnswer | None | str] = {}

    def _answer(self, index: int, question, text: str):
        remembered = self._read.get((index, text), _NOT_READ)
        if remembered is not _NOT_READ:
            return remembered
        problem = cell_problem(text)
        if problem is None:
            try:
                result = parse_answer(question, text, events=self.events)
            except ValueError as error:
                result = str(error)
        else:
            result = problem
        if len(self._read) < self.REMEMBERED:
            self._read[(index, text)] = result
        return result

    def read(self, number: int, cells: list[str]) -> Row:
        row = Row(number=number)
        extra = [cell for cell in cells[self.width :] if cell.strip()]
        if extra:
            row.errors.append(
                {
                    "row": number,
                    "column": "",
                    "value": shown(extra[0]),
                    "message": _(
                        "This row has more cells than row 1 has headings. Give the extra "
                        "cells a heading, or take them out."
                    ),
                }
            )
        for index, header, question in self.columns:
            text = cells[index] if index < len(cells) else ""
            result = self._answer(index, question, text)
            if isinstance(result, str):
                row.errors.append(
                    {"row": number, "column": header, "value": shown(text), "message": result}
                )
            elif result is not None:
                row.answers[question.key] = result
        return row


def _labels(question, events) -> dict[str, str]:
    labels = {value: str(label) for value, label in question.choices(events=events)}
    if question.key == "ethnicity":
        # Earlier waves often kept only the high-level group.
        labels.update({value: str(label) for value, label in ETHNIC_GROUP_LABELS.items()})
    return labels


def stored_preview(reader: RowReader, rows) -> list[dict]:
    """The first rows as they would be stored: for each matched column, the answer's
    label ("" when left blank) or the problem with the cell."""
    labels = {
        question.key: _labels(question, reader.events)
        for _index, _header, question in reader.columns
    }
    preview = []
    for number, cells in rows:
        row = reader.read(number, cells)
        problems = {error["column"]: error["message"] for error in row.errors}
        answers = []
        for _index, header, question in reader.columns:
            answer = row.answers.get(question.key)
            label = "" if answer is None else labels[question.key].get(answer.choice, answer.choice)
            answers.append({"label": label, "problem": problems.get(header, "")})
        preview.append({"number": number, "answers": answers, "problem": problems.get("", "")})
    return preview
