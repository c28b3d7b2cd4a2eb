"""The evaluation report's tables as rows for a spreadsheet: the same figures the pages
show, worked out by the same selectors, with every hidden count written as "fewer
than 10" and never as its number. The files are written by actions.exports, so text
is neutralised against formulas in the same way."""

from django.utils.translation import gettext as _

from actions.exports import Export
from evaluation.selectors import evaluation_report, reach, who_attends


def _percent(share):
    return None if share is None else round(100 * share, 1)


def _comparison_rows(report, slug: str):
    for question in report.questions:
        table = next(table for table in question.tables if table.slug == slug)
        for row in table.rows:
            found = row.estimate
            yield [
                question.key,
                question.text,
                row.label,
                row.hidden_label if row.n is None else row.n,
                _percent(found.share) if found else None,
                _percent(found.low) if found else None,
                _percent(found.high) if found else None,
                round(found.n, 1) if found is not None and report.filters.weighted else None,
                row.note,
            ]


def comparison_export(filters, *, slug: str, title: str) -> Export:
    """One of the comparison tables (attendance, waves or ethnic group) for every
    question, as answered or weighted as the filters say."""
    report = evaluation_report(filters)
    header = [
        _("Question key"),
        _("Question"),
        {"attendance": _("Who"), "waves": _("Wave"), "ethnic_group": _("Ethnic group")}[slug],
        _("Number answering"),
        _("Share positive (%)"),
        _("95% range from (%)"),
        _("95% range to (%)"),
        _("Effective sample size (weighted)"),
        _("Note"),
    ]
    return Export(title, header, _comparison_rows(report, slug))


def reach_export(*, wave) -> Export:
    found = reach(wave=wave)
    header = [
        _("Table"),
        _("Group"),
        _("Number"),
        _("Share (%)"),
        _("Census share (%)"),
        _("Under-represented"),
    ]

    def rows():
        for table in found.tables:
            for row in table.rows:
                yield [
                    table.title,
                    row.label,
                    row.hidden_label if row.count is None else row.count,
                    _percent(row.share),
                    row.population_percent,
                    _("Yes") if row.is_under_represented else _("No"),
                ]
            yield [
                table.title,
                _("Not given"),
                table.not_given_label if table.not_given is None else table.not_given,
                None,
                None,
                "",
            ]
            yield [
                table.title,
                _("Total"),
                table.total_label if table.total is None else table.total,
                None,
                None,
                "",
            ]

    return Export(_("Reach"), header, rows())


def who_attends_export() -> Export:
    found = who_attends()
    header = [_("Event"), _("Date"), _("About-you cards"), *found.group_labels]

    def rows():
        for attendance in found.events:
            yield [
                attendance.event.title,
                attendance.event.starts_at,
                attendance.total_label if attendance.total is None else attendance.total,
                *(hidden if count is None else count for count, hidden in attendance.counts),
            ]

    return Export(_("Who attends"), header, rows())
