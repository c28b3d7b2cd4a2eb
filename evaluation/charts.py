"""The evaluation report's charts: for each group a bar to its share and a line across
its 95 % range, drawn on the server as SVG like the dashboard's charts (no JavaScript,
little weight). Each is a picture with a title for screen readers; the page shows the
same figures in a table beside it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actions.charts import COLOURS
from evaluation.statistics import percent

WIDTH = 480
LABEL_HEIGHT = 22
BAR_HEIGHT = 18
GAP = 10
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP
AXIS = 24
# Room on the right for "52% (45–59%)".
VALUE_ROOM = 140
PLOT = WIDTH - VALUE_ROOM - 10
CAP = 5
TOTAL_COLOUR = "#505a5f"
RANGE_COLOUR = "#0b0c0c"


def _x(share: float) -> str:
    return f"{PLOT * min(max(share, 0.0), 1.0):.1f}"


def interval_chart(*, chart_id: str, title: str, rows, suppressed_label: str) -> SafeString:
    """Horizontal bars from 0 to 100 %, one per row of a comparison table, each with
    its 95 % range drawn as a line with ends across the bar. A row too small to show
    gets its label and the words for a hidden count, and no bar."""
    if not rows:
        return SafeString("")
    parts = []
    for index, row in enumerate(rows):
        top = index * ROW
        bar_top = top + LABEL_HEIGHT
        middle = bar_top + BAR_HEIGHT / 2
        parts.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>', bar_top - 6, row.chart_label
            )
        )
        found = row.estimate
        if found is None:
            words = row.hidden_label if row.is_suppressed else (row.note or _("not shown"))
            parts.append(
                format_html(
                    '<text x="0" y="{}" class="chart-value chart-value--hidden">{}</text>',
                    bar_top + BAR_HEIGHT - 4,
                    words,
                )
            )
            continue
        colour = TOTAL_COLOUR if row.is_total else COLOURS["navy"]
        low, high = _x(found.low), _x(found.high)
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"></line>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"></line>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"></line>'
                '<text x="{}" y="{}" class="chart-value">{} ({}–{}%)</text>',
                bar_top,
                _x(found.share),
                BAR_HEIGHT,
                colour,
                low,
                middle,
                high,
                middle,
                RANGE_COLOUR,
                low,
                middle - CAP,
                low,
                middle + CAP,
                RANGE_COLOUR,
                high,
                middle - CAP,
                high,
                middle + CAP,
                RANGE_COLOUR,
                PLOT + 8,
                bar_top + BAR_HEIGHT - 4,
                percent(found.share),
                round(100 * found.low),
                round(100 * found.high),
            )
        )
    height = ROW * len(rows)
    grid = format_html_join(
        "",
        '<line x1="{}" y1="0" x2="{}" y2="{}" class="chart-grid"></line>'
        '<text x="{}" y="{}" class="chart-axis" text-anchor="{}">{}%</text>',
        (
            (
                _x(share),
                _x(share),
                height,
                _x(share),
                height + AXIS - 6,
                "start" if share == 0 else "middle",
                round(100 * share),
            )
            for share in (0, 0.25, 0.5, 0.75, 1.0)
        ),
    )
    return format_html(
        '<svg class="chart chart--ranges" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title" focusable="false"><title id="{}-title">{}</title>{}{}</svg>',
        WIDTH,
        height + AXIS,
        chart_id,
        chart_id,
        title,
        grid,
        SafeString("".join(parts)),
    )


def report_sections(report) -> list[tuple]:
    """[(question, [(table, chart), ...]), ...] for every question of the report."""
    return [
        (question, [(table, table_chart(report, question, table)) for table in question.tables])
        for question in report.questions
    ]


def table_chart(report, question, table) -> SafeString:
    return interval_chart(
        chart_id=f"chart-{question.key}-{table.slug}",
        title=_("%(question)s %(table)s: share who %(words)s, with 95%% ranges")
        % {"question": question.text, "table": table.title, "words": question.positive_words},
        rows=table.rows,
        suppressed_label=report.suppressed_label,
    )
