"""Reads for the evaluation report: the survey compared between attendees and
non-attendees, across waves and by ethnic group, raw and weighted to the census; reach
against the census; who attends each event; and each community's share of what was
said by topic.

Every family of figures comes from one grouped query, whatever the data size; the
totals and the views each filter gives are added up in Python, and
evaluation.statistics decides which counts of people may be shown."""

from evaluation.selectors.common import (
    AGE_BANDS,
    ReportFilters,
    default_wave,
    suppressed_label,
    threshold,
    waves_in_order,
)
from evaluation.selectors.comparison import (
    ComparisonTable,
    QuestionReport,
    Report,
    Row,
    evaluation_report,
)
from evaluation.selectors.reach import (
    Reach,
    ReachTable,
    WhoAttends,
    WhoSaysWhat,
    reach,
    who_attends,
    who_says_what,
)

__all__ = [
    "AGE_BANDS",
    "ComparisonTable",
    "QuestionReport",
    "Reach",
    "ReachTable",
    "Report",
    "ReportFilters",
    "Row",
    "WhoAttends",
    "WhoSaysWhat",
    "default_wave",
    "evaluation_report",
    "reach",
    "suppressed_label",
    "threshold",
    "waves_in_order",
    "who_attends",
    "who_says_what",
]
