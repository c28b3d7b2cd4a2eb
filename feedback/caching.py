"""Figures and lists kept in the cache until what they are made from changes.

The analysis adds up every feedback item, which takes the database a few hundred
milliseconds at 100,000 items; the inbox's event filter lists every event. Both are the
same for every visit until feedback or events change, so each is worked out once and
kept under the current version of what it is made from. A change gives that a new
version, and what was kept under the old one is no longer used.

Changes are caught by model signals (connect_signals, from the app's ready()), and
services that write in bulk, which send no signals, call changed() themselves. How
values are kept is engagement/kept.py.
"""

from functools import partial

from django.db.models.signals import m2m_changed, post_delete, post_save

from engagement.kept import changed, kept

__all__ = ["EVENTS", "FEEDBACK", "changed", "connect_signals", "kept"]

# What a kept value is made from.
FEEDBACK = "feedback"  # items, their topics, communities and events: the analysis
EVENTS = "events"  # events and their venues: the inbox's event filter


def _on_change(kinds, sender, **kwargs) -> None:
    action = kwargs.get("action")
    if action is None or action.startswith("post_"):
        changed(*kinds)


def connect_signals() -> None:
    from engagement.models import Community
    from events.models import Event, Venue
    from feedback.models import FeedbackItem, Topic

    watched = {
        FeedbackItem: (FEEDBACK,),
        Topic: (FEEDBACK,),
        Community: (FEEDBACK,),
        Event: (FEEDBACK, EVENTS),
        Venue: (EVENTS,),
    }
    for model, kinds in watched.items():
        receiver = partial(_on_change, kinds)
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"kept-{model._meta.label_lower}-{name}",
            )
    m2m_changed.connect(
        partial(_on_change, (FEEDBACK,)),
        sender=FeedbackItem.topics.through,
        weak=False,
        dispatch_uid="kept-feedback-topics",
    )
