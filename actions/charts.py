"""Charts drawn on the server as SVG, so they need no JavaScript and weigh little. Each
chart is a picture with a title for screen readers; the page shows the same figures
in a table beside it."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 400
LABEL_HEIGHT = 24
BAR_HEIGHT = 20
GAP = 10
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP
VALUE_ROOM = 80

COLOURS = {
    "navy": "#0b2e59",
    "green": "#00703c",
    "red": "#8a1f11",
    "amber": "#b35c00",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    colour: str = "navy"


def bar_chart(*, chart_id: str, title: str, bars: list[Bar], largest: float | None = None):
    """Horizontal bars, each with its label above it and its figure at its end. Sized
    by a viewBox, so it fits a 320 px phone as well as a desktop."""
    if not bars:
        return SafeString("")
    largest = largest or max((bar.value for bar in bars), default=0) or 1
    height = ROW * len(bars)
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW
        length = max((WIDTH - VALUE_ROOM) * bar.value / largest, 0)
        rows.append(
            (
                top + LABEL_HEIGHT - 6,
                bar.label,
                top + LABEL_HEIGHT,
                f"{length:.1f}",
                COLOURS.get(bar.colour, COLOURS["navy"]),
                f"{length + 6:.1f}",
                top + LABEL_HEIGHT + BAR_HEIGHT - 3,
                bar.shown,
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="0" y="{}" width="{}" height="' + str(BAR_HEIGHT) + '" fill="{}"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title" '
        'focusable="false"><title id="{}-title">{}</title>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        title,
        body,
    )


def _percent(value) -> str:
    return "–" if value is None else f"{value}%"


def dashboard_charts(data: dict) -> dict:
    """The dashboard's charts, from the figures actions.dashboard worked out."""
    loop, actions, said = data["loop"], data["actions"], data["said"]
    return {
        "quarters": bar_chart(
            chart_id="chart-quarters",
            title="Share of feedback with a published response, by quarter received",
            bars=[
                Bar(row.label, row.share or 0, _percent(row.share), "green")
                for row in loop.quarters
            ],
            largest=100,
        ),
        "departments": bar_chart(
            chart_id="chart-departments",
            title="Overdue actions by department",
            bars=[
                Bar(row.label, row.overdue, str(row.overdue), "red")
                for row in actions["by_department"]
                if row.overdue
            ],
        ),
        "workstreams": bar_chart(
            chart_id="chart-workstreams",
            title="Open actions by workstream",
            bars=[Bar(row.label, row.open, str(row.open)) for row in actions["by_workstream"]],
        ),
        "said": bar_chart(
            chart_id="chart-said",
            title="Feedback by workstream",
            bars=[Bar(name, count, str(count)) for name, count in said["by_workstream"]],
        ),
    }
