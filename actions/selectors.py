"""Reads about actions that span models: who is told about an action, what a new action
starts from, and the feedback nothing answers yet."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from actions.models import Action
from contacts.models import Attendee
from engagement.models import Community
from feedback.models import FeedbackItem, FindingsSection, Topic, Workstream
from feedback.selectors import findings_recipients


def people_told_about(action: Action):
    """Contacts who opted in to updates and came to an event the action came from, or
    follow one of its communities or its events' communities."""
    told = findings_recipients(events=action.events.all())
    for community in action.communities.all():
        told = told | Attendee.objects.opted_in_for_updates().filter(
            pk__in=Attendee.objects.in_community(community).values("pk")
        )
    return told.distinct().order_by("pk")


@dataclass
class ActionStart:
    """What a new action is filled in with: the feedback and findings it answers, and
    the workstreams, topics and communities they are about."""

    items: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    you_said: str = ""
    workstreams: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    communities: list = field(default_factory=list)

    def initial(self) -> dict:
        return {
            "you_said": self.you_said,
            "workstreams": [workstream.pk for workstream in self.workstreams],
            "topics": [topic.pk for topic in self.topics],
            "communities": [community.pk for community in self.communities],
        }


MAX_STARTING_ITEMS = 200


def _ids(values) -> list[int]:
    ids = []
    for value in values[:MAX_STARTING_ITEMS]:
        value = str(value)
        if value.isascii() and value.isdigit() and len(value) < 12:
            ids.append(int(value))
    return ids


def action_start(*, item_ids=(), section_ids=()) -> ActionStart:
    """A new action from feedback items chosen in the inbox, from a findings section,
    or from nothing. Ids that match nothing are ignored."""
    sections = list(
        FindingsSection.objects.filter(pk__in=_ids(list(section_ids)))
        .select_related("key_question__workstream", "version__findings")
        .prefetch_related("items")
    )
    item_ids = set(_ids(list(item_ids)))
    for section in sections:
        item_ids |= {item.pk for item in section.items.all()}
    items = list(
        FeedbackItem.objects.filter(pk__in=item_ids)
        .select_related("event__focus_community", "key_question__workstream", "community")
        .prefetch_related("topics", "workstreams")
        .order_by("received_hour", "pk")
    )
    start = ActionStart(items=items, sections=sections)
    workstreams, topics, communities = {}, {}, {}
    for section in sections:
        if section.key_question and section.key_question.workstream:
            workstreams[section.key_question.workstream.pk] = section.key_question.workstream
    for item in items:
        for workstream in item.workstreams.all():
            workstreams[workstream.pk] = workstream
        if item.key_question and item.key_question.workstream:
            workstreams[item.key_question.workstream.pk] = item.key_question.workstream
        for topic in item.topics.all():
            topics[topic.pk] = topic
        community = item.community or (item.event.focus_community if item.event else None)
        if community:
            communities[community.pk] = community
    start.workstreams = list(workstreams.values())
    start.topics = list(topics.values())
    start.communities = list(communities.values())
    # A findings section's summary has been written for the public and checked by the
    # focus group. Feedback items' own words are only shown beside the form: "you said"
    # is public, and a Coordinator writes it in their own words.
    if sections:
        start.you_said = "\n\n".join(section.summary for section in sections if section.summary)
    return start


def feedback_without_response():
    """Feedback nothing answers yet: no action links to it. Set-aside items are left
    out, and so are officers' internal notes."""
    answered = Action.items.through.objects.filter(feedbackitem_id=OuterRef("pk"))
    return (
        FeedbackItem.objects.counted()
        .filter(is_internal=False)
        .exclude(Exists(answered))
        .for_inbox()
        .in_inbox_order()
    )


def actions_for_staff_list():
    return (
        Action.objects.select_related("department", "owner")
        .prefetch_related("workstreams")
        .annotate(
            linked_items=Exists(Action.items.through.objects.filter(action_id=OuterRef("pk")))
        )
    )


def action_for_detail(pk):
    return (
        Action.objects.select_related("department", "owner", "created_by")
        .prefetch_related(
            "workstreams",
            "topics",
            "communities",
            "events",
            Prefetch(
                "items",
                queryset=FeedbackItem.objects.select_related("event", "key_question").order_by(
                    "received_hour", "pk"
                ),
            ),
            Prefetch(
                "sections",
                queryset=FindingsSection.objects.select_related("version__findings"),
            ),
            "updates__by",
        )
        .filter(pk=pk)
        .first()
    )


def filter_choices() -> dict:
    """The workstreams, topics and communities actions can be filtered by."""
    return {
        "workstreams": Workstream.objects.all(),
        "topics": Topic.objects.filter(actions__isnull=False).distinct(),
        "communities": Community.objects.filter(actions__isnull=False).distinct(),
    }
