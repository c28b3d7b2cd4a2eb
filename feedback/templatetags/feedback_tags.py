"""The feedback part of the event hub. The events app shows it through this tag, so it
never needs to know about feedback models."""

from django import template
from django.db.models import Count

from feedback.models import FeedbackItem, KeyQuestion, Topic

register = template.Library()


@register.inclusion_tag("feedback/includes/event_feedback.html", takes_context=True)
def event_feedback_summary(context, event):
    items = FeedbackItem.objects.filter(event=event).exclude(status=FeedbackItem.Status.SET_ASIDE)
    by_question = dict(items.values_list("key_question").annotate(count=Count("pk")))
    questions = KeyQuestion.objects.for_programme(event.programme)
    by_topic = (
        Topic.objects.filter(feedback_items__in=items)
        .annotate(count=Count("feedback_items", distinct=True))
        .order_by("-count", "name")
    )
    return {
        "event": event,
        "total": sum(by_question.values()),
        "question_rows": [(question, by_question.get(question.pk, 0)) for question in questions],
        "general_count": by_question.get(None, 0),
        "topic_rows": list(by_topic[:10]),
        "flagged": items.filter(is_safeguarding_flagged=True).count(),
        "paper_forms": event.submissions.filter(source="paper_form").count(),
        "request": context.get("request"),
        "can_manage": context.get("can_manage"),
    }
