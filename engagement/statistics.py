"""Counts of people that are safe to show.

Counts below SUPPRESSION_THRESHOLD (10 by default, as the Office for National
Statistics does) are never shown: the cell reads "fewer than 10". If exactly one cell
of a table is hidden, the next smallest is hidden too (secondary suppression), so the
hidden one cannot be worked out by taking the others from the total. A total below
the threshold hides the whole table.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None

    @property
    def is_suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class SafeTable:
    cells: list[Cell]
    total: int | None
    threshold: int

    @property
    def suppressed_label(self) -> str:
        return _("fewer than %(threshold)d") % {"threshold": self.threshold}


def suppress(counts: dict[str, int], *, total: int, threshold: int | None = None) -> SafeTable:
    """`counts` must add up to `total` (include an "unknown" or "not given" cell)."""
    threshold = settings.SUPPRESSION_THRESHOLD if threshold is None else threshold
    if total < threshold:
        return SafeTable([Cell(label, None) for label in counts], None, threshold)
    hidden = {label for label, count in counts.items() if count < threshold}
    shown = sorted(
        (label for label in counts if label not in hidden), key=lambda label: counts[label]
    )
    if len(hidden) == 1 and shown:
        hidden.add(shown[0])
    cells = [Cell(label, None if label in hidden else count) for label, count in counts.items()]
    return SafeTable(cells, total, threshold)
