"""What communities raised: the analysis tables and the event hub's summary."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Topic
from feedback.selectors import feedback_for_analysis, topics_over_time
from feedback.tests.factories import FeedbackItemFactory


@pytest.mark.django_db
def test_analysis_finds_topics_by_community_and_those_only_one_raised(
    client, leader, programme, django_assert_max_num_queries
):
    stop_and_search = Topic.objects.get(slug="stop-and-search")
    custody = Topic.objects.get(slug="custody")
    first = EventFactory(programme=programme, held=True)
    second = EventFactory(programme=programme, held=True)
    FeedbackItemFactory.create_batch(3, event=first, topics=[stop_and_search])
    FeedbackItemFactory.create_batch(2, event=second, topics=[stop_and_search])
    FeedbackItemFactory.create_batch(4, event=second, topics=[custody])
    FeedbackItemFactory(event=second, topics=[custody], set_aside=True)
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:analysis"))
    table = response.context["by_community"]
    assert table.counts[("Stop and search", first.focus_community.name)] == 3
    assert table.counts[("Custody", second.focus_community.name)] == 4
    only_one = response.context["only_one_community"]
    assert [(row.topic, row.count) for row in only_one] == [("Custody", 4)]
    page = response.content.decode()
    assert "<caption>" in page and 'scope="row"' in page


@pytest.mark.django_db
def test_analysis_can_be_narrowed_to_one_programme_and_ignores_a_bad_choice(client, leader, event):
    custody = Topic.objects.get(slug="custody")
    FeedbackItemFactory(event=event, topics=[custody])
    FeedbackItemFactory(event=EventFactory(held=True), topics=[custody])
    assert feedback_for_analysis(programme_id=event.programme_id).count() == 1
    client.force_login(leader)
    url = reverse("feedback:analysis")
    one = client.get(url, {"programme": event.programme_id}).context["by_community"]
    assert sum(one.counts.values()) == 1
    for junk in ("not-a-number", "²", "-1"):
        response = client.get(url, {"programme": junk})
        assert response.status_code == 200
        assert sum(response.context["by_community"].counts.values()) == 2


@pytest.mark.django_db
def test_topics_over_time_run_in_month_order_with_readable_labels(event):
    topic = Topic.objects.get(slug="custody")
    for month in (11, 2, 7):
        FeedbackItemFactory(
            event=event,
            topics=[topic],
            received_hour=timezone.now().replace(
                year=2025, month=month, day=10, hour=12, minute=0, second=0, microsecond=0
            ),
        )
    table = topics_over_time(FeedbackItem.objects.all())
    assert table.column_labels == ["Feb 2025", "Jul 2025", "Nov 2025"]
    assert table.counts[("Custody", "Jul 2025")] == 1


@pytest.mark.django_db
def test_the_event_hub_shows_counts_by_question_and_topic(client, coordinator, event, programme):
    question = programme.questions[0]
    FeedbackItemFactory.create_batch(
        2, event=event, key_question=question, topics=[Topic.objects.get(slug="custody")]
    )
    FeedbackItemFactory(event=event, set_aside=True)
    client.force_login(coordinator)
    page = client.get(event.get_staff_url()).content.decode()
    assert "Feedback: 2 points" in page
    assert "Custody" in page
    assert reverse("feedback:live-notes", args=[event.pk]) in page
