"""What communities raised: the analysis tables and the event hub's summary."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Topic
from feedback.selectors import (
    feedback_for_analysis,
    topic_tables,
    topics_by_community,
    topics_over_time,
    topics_raised_by_one_community,
)
from feedback.services import feedback_set_aside, feedback_tag
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


def _counts(client, **query):
    response = client.get(reverse("feedback:analysis"), query)
    return response.context["by_community"].counts, response


@pytest.mark.django_db
def test_the_analysis_is_kept_until_feedback_changes(
    client, leader, event, django_assert_max_num_queries
):
    custody = Topic.objects.get(slug="custody")
    FeedbackItemFactory.create_batch(2, event=event, topics=[custody])
    new = FeedbackItemFactory(event=event)
    client.force_login(leader)
    community = event.focus_community.name
    assert _counts(client)[0][("Custody", community)] == 2
    # Kept: the page reads no feedback at all the second time.
    with django_assert_max_num_queries(12) as again:
        assert _counts(client)[0][("Custody", community)] == 2
    assert not any("feedback_feedbackitem" in query["sql"] for query in again.captured_queries)

    # Tagging in bulk (no signals) counts at once.
    feedback_tag(items=[new], topics=[custody])
    assert _counts(client)[0][("Custody", community)] == 3
    # So do a new item, one set aside, and a renamed topic.
    FeedbackItemFactory(event=event, topics=[custody])
    assert _counts(client)[0][("Custody", community)] == 4
    feedback_set_aside(item=new, reason="A duplicate.")
    assert _counts(client)[0][("Custody", community)] == 3
    custody.name = "Custody and detention"
    custody.save()
    assert _counts(client)[0][("Custody and detention", community)] == 3
    # Each programme is kept apart from the others and from all of them.
    assert _counts(client, programme=event.programme_id + 1000)[0] == {}
    assert _counts(client, programme=0)[0] == {}
    assert _counts(client)[0][("Custody and detention", community)] == 3


@pytest.mark.django_db
def test_working_out_the_analysis_costs_the_same_queries_however_much_feedback(
    client, leader, event, django_assert_max_num_queries
):
    topics = list(Topic.objects.all()[:3])
    FeedbackItemFactory.create_batch(2, event=event, topics=topics[:1])
    client.force_login(leader)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("feedback:analysis"))
    for month in range(1, 13):
        FeedbackItemFactory.create_batch(
            3,
            event=EventFactory(held=True),
            topics=topics,
            received_hour=timezone.now().replace(
                year=2025, month=month, day=1, minute=0, second=0, microsecond=0
            ),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:analysis"))
    assert len(response.context["over_time"].column_labels) == 12


@pytest.mark.django_db
def test_the_topic_tables_come_from_one_query_and_agree_with_each_table(
    event, django_assert_num_queries
):
    stop_and_search, custody = Topic.objects.filter(slug__in=["stop-and-search", "custody"])
    FeedbackItemFactory.create_batch(3, event=event, topics=[stop_and_search, custody])
    FeedbackItemFactory(event=EventFactory(held=True), topics=[custody])
    FeedbackItemFactory(
        event=event,
        community=None,
        community_source=FeedbackItem.CommunitySource.ANOTHER,
        topics=[custody],
    )
    items = FeedbackItem.objects.counted()
    with django_assert_num_queries(1):
        tables = topic_tables(items)
    assert tables.by_community == topics_by_community(items)
    assert tables.over_time == topics_over_time(items)
    assert tables.only_one_community == topics_raised_by_one_community(items)
    # Each item counts once per topic, however many topics it has.
    assert sum(tables.by_community.counts.values()) == 3 * 2 + 1 + 1


NOTHING_KEPT = {
    "nothing kept": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Nothing listens on port 1, so every cache call fails at once.
    "cache unreachable": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("cache", NOTHING_KEPT)
def test_the_analysis_and_inbox_are_worked_out_afresh_when_nothing_can_be_kept(
    client, coordinator, event, settings, cache
):
    settings.CACHES = {"default": NOTHING_KEPT[cache]}
    custody = Topic.objects.get(slug="custody")
    item = FeedbackItemFactory(event=event, topics=[custody])
    client.force_login(coordinator)
    community = event.focus_community.name
    assert _counts(client)[0][("Custody", community)] == 1
    feedback_tag(items=[FeedbackItemFactory(event=event)], topics=[custody])
    assert _counts(client)[0][("Custody", community)] == 2
    feedback_set_aside(item=item, reason="A duplicate.")
    assert _counts(client)[0][("Custody", community)] == 1
    inbox = client.get(reverse("feedback:inbox"))
    assert event.title in inbox.content.decode()
