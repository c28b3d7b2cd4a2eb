"""Which community a point is counted for. Every anonymous form asks, optionally, which
community the person feels part of; an answer is used, "Another community" is counted
for none on the list, and only a person who does not say is counted for the event's
community. The analysis says how many items were counted that way by default."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, PendingSubmission, Submission, Topic
from feedback.selectors import topics_by_community
from feedback.services import feedback_record
from feedback.tests.factories import FeedbackItemFactory
from feedback.tests.helpers import form_data, release_forms_sent_so_far

Source = FeedbackItem.CommunitySource


@pytest.fixture
def black_african(db):
    return CommunityFactory(name="Black African communities")


@pytest.fixture
def caribbean_event(programme):
    """An event for Black Caribbean communities."""
    return EventFactory(
        programme=programme,
        held=True,
        focus_community=CommunityFactory(name="Black Caribbean communities"),
    )


def send_event_form(client, event, nonce="nonce-1", **fields):
    questions = list(event.programme.key_questions.all())
    data = form_data(questions, nonce, anything_else="The mosque needs more patrols.", **fields)
    return client.post(reverse("give-feedback-event", args=[event.feedback_token]), data)


@pytest.mark.django_db
def test_the_event_form_asks_which_community_and_says_what_not_saying_means(
    client, caribbean_event, black_african
):
    response = client.get(reverse("give-feedback-event", args=[caribbean_event.feedback_token]))
    field = response.context["form"]["community"]
    assert [str(label) for _value, label in field.field.choices] == [
        "I would rather not say",
        "Black African communities",
        "Black Caribbean communities",
        "Another community",
    ]
    page = response.content.decode()
    assert "Which community do you feel part of? (optional)" in page
    assert '<option value="" selected>I would rather not say</option>' in page
    assert (
        "If you would rather not say, we count your answers for the community this event is "
        "for: Black Caribbean communities."
    ) in page
    assert 'aria-describedby="id_community_helptext"' in page


@pytest.mark.django_db
def test_a_form_answered_black_african_on_an_event_for_another_community_counts_for_black_african(
    client, caribbean_event, black_african
):
    assert send_event_form(client, caribbean_event, community=black_african.pk).status_code == 302
    release_forms_sent_so_far()
    item = FeedbackItem.objects.get()
    assert item.event == caribbean_event
    assert item.community == black_african
    assert item.community_source == Source.GIVEN
    item.topics.add(Topic.objects.get(slug="hate-crime"))
    table = topics_by_community(FeedbackItem.objects.counted())
    assert table.counts == {("Hate crime", "Black African communities"): 1}


@pytest.mark.django_db
def test_another_community_is_not_counted_for_the_events_community(
    client, leader, caribbean_event, black_african
):
    assert send_event_form(client, caribbean_event, community="another").status_code == 302
    pending = PendingSubmission.objects.get()
    assert pending.community is None and pending.another_community
    release_forms_sent_so_far()
    item = FeedbackItem.objects.get()
    assert item.community is None
    assert item.community_source == Source.ANOTHER
    item.topics.add(Topic.objects.get(slug="hate-crime"))

    client.force_login(leader)
    response = client.get(reverse("feedback:analysis"))
    assert response.context["by_community"].counts == {("Hate crime", "Another community"): 1}
    assert response.context["community_by_default"] == 0
    assert "0 items are counted for their event's community by default" in (
        response.content.decode()
    )
    assert not FeedbackItem.objects.filter(community=caribbean_event.focus_community).exists()


@pytest.mark.django_db
def test_saying_nothing_counts_for_the_events_community_and_the_analysis_says_how_many(
    client, leader, caribbean_event, black_african, django_assert_max_num_queries
):
    send_event_form(client, caribbean_event, "first", community="")
    send_event_form(client, caribbean_event, "second", community=black_african.pk)
    release_forms_sent_so_far()
    defaulted = FeedbackItem.objects.get(community_source=Source.EVENT_DEFAULT)
    assert defaulted.community == caribbean_event.focus_community
    client.force_login(leader)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("feedback:analysis"))
    assert response.context["community_by_default"] == 1
    assert (
        "1 item is counted for its event's community by default, because nobody said which "
        "community the person feels part of."
    ) in response.content.decode()

    # Officers' notes do not ask either: they are counted the same way.
    feedback_record(
        text="More patrols", source=FeedbackItem.Source.DISCUSSION_NOTE, event=caribbean_event
    )
    FeedbackItemFactory(event=caribbean_event, set_aside=True)
    page = client.get(reverse("feedback:analysis")).content.decode()
    assert "2 items are counted for their event's community by default" in page


@pytest.mark.django_db
def test_a_general_form_without_a_community_is_counted_for_none(client, programme, black_african):
    url = reverse("give-feedback")
    client.post(url, form_data(programme.questions, "a", anything_else="Hello", community=""))
    client.post(url, form_data(programme.questions, "b", anything_else="Hi", community="another"))
    release_forms_sent_so_far()
    assert dict(FeedbackItem.objects.values_list("text", "community_source")) == {
        "Hello": Source.NOT_KNOWN,
        "Hi": Source.ANOTHER,
    }
    assert not FeedbackItem.objects.filter(community__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["999999", "Another", "another community", "1.5", "-1"])
def test_a_community_not_on_the_list_is_refused_beside_the_field_and_keeps_the_answers(
    client, caribbean_event, sent
):
    response = send_event_form(client, caribbean_event, community=sent)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_community"' in page
    assert "Choose a community from the list, or “Another community”." in page
    assert "The mosque needs more patrols." in page
    assert not PendingSubmission.objects.exists()


@pytest.mark.django_db
def test_the_paper_form_asks_too_and_its_answer_is_typed_in(
    client, coordinator, caribbean_event, black_african
):
    client.force_login(coordinator)
    printout = client.get(reverse("feedback:paper-form", args=[caribbean_event.pk]))
    page = printout.content.decode()
    assert "Which community do you feel part of? (optional)" in page
    for choice in ("Black African communities", "Another community", "I would rather not say"):
        assert f"&nbsp;{choice}" in page
    assert "the community this event is for: Black Caribbean communities." in page

    url = reverse("feedback:transcribe", args=[caribbean_event.pk])
    transcription = client.get(url).content.decode()
    assert '<option value="another">Another community</option>' in transcription
    assert "Choose the one ticked on the paper." in transcription
    questions = list(caribbean_event.programme.key_questions.all())
    for nonce, community in (("p1", black_african.pk), ("p2", "another"), ("p3", "")):
        data = form_data(questions, nonce, anything_else=f"Paper {nonce}", community=community)
        assert client.post(url, data).status_code == 302
    assert Submission.objects.paper_forms().count() == 3
    stored = {
        item.text: (item.community, item.community_source)
        for item in FeedbackItem.objects.filter(source=FeedbackItem.Source.PAPER_FORM)
    }
    assert stored == {
        "Paper p1": (black_african, Source.GIVEN),
        "Paper p2": (None, Source.ANOTHER),
        "Paper p3": (caribbean_event.focus_community, Source.EVENT_DEFAULT),
    }


@pytest.mark.django_db
def test_a_community_changed_when_tagging_no_longer_counts_as_the_events_default(
    client, coordinator, caribbean_event, black_african
):
    item = feedback_record(text="More patrols", source="online_form", event=caribbean_event)
    assert item.community_source == Source.EVENT_DEFAULT
    client.force_login(coordinator)
    url = reverse("feedback:item-tags", args=[item.pk])

    client.post(url, {"community": caribbean_event.focus_community.pk})
    item.refresh_from_db()
    assert item.community_source == Source.EVENT_DEFAULT, "unchanged, so still the default"
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "Black Caribbean communities (the event&#x27;s community, by default)" in page

    client.post(url, {"community": black_african.pk})
    item.refresh_from_db()
    assert (item.community, item.community_source) == (black_african, Source.TAGGED)

    client.post(url, {"community": ""})
    item.refresh_from_db()
    assert (item.community, item.community_source) == (None, Source.NOT_KNOWN)


@pytest.mark.django_db
def test_the_migration_says_where_the_community_of_earlier_items_came_from(
    caribbean_event, black_african
):
    defaulted = FeedbackItemFactory(event=caribbean_event)
    retagged = FeedbackItemFactory(event=caribbean_event, community=black_african)
    general_form = FeedbackItemFactory(
        event=None, community=black_african, source=FeedbackItem.Source.ONLINE_FORM
    )
    note_without_event = FeedbackItemFactory(event=None, community=black_african)
    unknown = FeedbackItemFactory(event=None, community=None)
    FeedbackItem.objects.update(community_source=Source.NOT_KNOWN)

    migration = import_module("feedback.migrations.0004_community_source_and_flag_changes")
    migration.say_where_each_community_came_from(apps, None)

    sources = dict(FeedbackItem.objects.values_list("pk", "community_source"))
    assert sources == {
        defaulted.pk: Source.EVENT_DEFAULT,
        retagged.pk: Source.TAGGED,
        general_form.pk: Source.GIVEN,
        note_without_event.pk: Source.TAGGED,
        unknown.pk: Source.NOT_KNOWN,
    }
