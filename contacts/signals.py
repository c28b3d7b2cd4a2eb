"""What contacts tell the apps above them, which contacts may not import.

attendee_erased is sent inside the erasure's transaction, with `attendee` (already
scrubbed). An app that copied anything about the person, such as the focus group's
account made from their contact details, removes it then, so that erasure reaches
everywhere the person's details went."""

from django.dispatch import Signal

attendee_erased = Signal()
