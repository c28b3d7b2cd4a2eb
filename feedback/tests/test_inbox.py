"""The feedback inbox: its order, filters, counts and tagging many items at once."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import EventFactory, VenueFactory
from feedback.models import FeedbackItem, Topic
from feedback.tests.factories import FeedbackItemFactory


@pytest.mark.django_db
def test_flagged_items_come_first_and_filters_work(client, coordinator, event):
    FeedbackItemFactory.create_batch(3, event=event)
    flagged = FeedbackItemFactory(event=event, flagged=True, source=FeedbackItem.Source.ONLINE_FORM)
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    items = [item for item, _suggestions in response.context["rows"]]
    assert items[0] == flagged
    assert response.context["unreviewed_flag_count"] == 1
    assert "may need safeguarding action" in response.content.decode()
    only_flagged = client.get(reverse("feedback:inbox"), {"flagged": "true"})
    assert [item for item, _ in only_flagged.context["rows"]] == [flagged]
    by_source = client.get(reverse("feedback:inbox"), {"source": "online_form"})
    assert len(by_source.context["rows"]) == 1


@pytest.mark.django_db
def test_a_reviewed_flag_no_longer_counts_as_needing_action(client, coordinator, event):
    FeedbackItemFactory(event=event, flagged=True, safeguarding_reviewed=True)
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    assert response.context["unreviewed_flag_count"] == 0
    assert "may need safeguarding action" not in response.content.decode()


@pytest.mark.django_db
def test_the_inbox_keeps_a_constant_number_of_queries(
    client, coordinator, event, django_assert_max_num_queries
):
    client.force_login(coordinator)
    FeedbackItemFactory.create_batch(3, event=event)
    with django_assert_max_num_queries(22) as few:
        client.get(reverse("feedback:inbox"))
    FeedbackItemFactory.create_batch(40, event=event, topics=[Topic.objects.first()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("feedback:inbox"))


@pytest.mark.django_db
def test_bulk_tagging_from_the_inbox(client, coordinator, event):
    items = FeedbackItemFactory.create_batch(3, event=event)
    client.force_login(coordinator)
    topic = Topic.objects.get(slug="custody")
    response = client.post(
        reverse("feedback:bulk-tag"),
        {"items": [items[0].pk, items[1].pk], "topics": [topic.pk], "return_query": "status=new"},
    )
    assert response.status_code == 302
    assert response.url.endswith("?status=new")
    assert topic.feedback_items.count() == 2
    nothing = client.post(reverse("feedback:bulk-tag"), {"topics": [topic.pk]}, follow=True)
    assert "Select at least one item" in nothing.content.decode()


def at_london_time(*args):
    return timezone.make_aware(datetime(*args), ZoneInfo("Europe/London"))


@pytest.mark.django_db
def test_the_event_filter_tells_events_of_one_title_apart_newest_first(client, coordinator):
    title = "Community conversation: Black Caribbean communities"
    moss_side = VenueFactory(name="Moss Side Community Centre")
    EventFactory(
        title=title,
        venue=VenueFactory(name="Hulme Library"),
        starts_at=at_london_time(2025, 11, 12, 18, 30),
    )
    EventFactory(title=title, venue=moss_side, starts_at=at_london_time(2026, 3, 3, 18, 30))
    EventFactory(
        title=title,
        venue=None,
        format=Event.Format.ONLINE,
        starts_at=at_london_time(2026, 1, 20, 19, 0),
    )
    # Half past midnight in summer time is still the day before in UTC.
    EventFactory(title=title, venue=moss_side, starts_at=at_london_time(2025, 6, 11, 0, 30))
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    labels = [label for _value, label in response.context["filter"].form.fields["event"].choices]
    assert labels == [
        "All events",
        f"Tue 3 Mar 2026 – {title} (Moss Side Community Centre)",
        f"Tue 20 Jan 2026 – {title} (online)",
        f"Wed 12 Nov 2025 – {title} (Hulme Library)",
        f"Wed 11 Jun 2025 – {title} (Moss Side Community Centre)",
    ]
    assert f"Tue 3 Mar 2026 – {title} (Moss Side Community Centre)</option>" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_event_filter_reads_every_event_and_venue_in_one_query(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    EventFactory.create_batch(2)
    with django_assert_max_num_queries(22) as few:
        client.get(reverse("feedback:inbox"))
    EventFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:inbox"))
    assert len(response.context["filter"].form.fields["event"].choices) == 33


@pytest.mark.django_db
def test_the_event_filter_is_kept_until_an_event_or_venue_changes(
    client, coordinator, django_assert_max_num_queries
):
    venue = VenueFactory(name="Hulme Library")
    event = EventFactory(title="Listening event", venue=venue)
    client.force_login(coordinator)

    def event_options():
        page = client.get(reverse("feedback:inbox")).content.decode()
        select = re.search(r'<select name="event".*?</select>', page, re.DOTALL).group()
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)

    assert event_options()[1].endswith("Listening event (Hulme Library)")
    with django_assert_max_num_queries(22) as again:
        client.get(reverse("feedback:inbox"))
    assert not any('FROM "events_event"' in query["sql"] for query in again.captured_queries)
    EventFactory(title="Second event", starts_at=event.starts_at + timedelta(days=1))
    assert "Second event" in event_options()[1]
    venue.name = "Hulme Community Library"
    venue.save()
    assert event_options()[2].endswith("Listening event (Hulme Community Library)")


@pytest.mark.django_db
def test_the_event_filter_marks_the_chosen_event_and_escapes_titles(client, coordinator):
    chosen = EventFactory(title="<b>Tea & talk</b>", venue=None)
    EventFactory()
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox"), {"event": chosen.pk}).content.decode()
    select = re.search(r'<select name="event"[^>]*>', page).group()
    assert 'id="id_event"' in select and "form-select" in select
    assert re.search(
        rf'<option value="{chosen.pk}" selected>[^<]*&lt;b&gt;Tea &amp; talk&lt;/b&gt;</option>',
        page,
    )
    assert page.count(" selected>") == page.count("<select ")
