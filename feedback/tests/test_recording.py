"""Storing and tagging feedback through the services, with plain values: what the
staff pages, the hourly release, the demo data and other apps all call."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import OutboxMessage
from feedback.models import FeedbackItem, Submission, Topic, Workstream
from feedback.services import (
    feedback_mark_flag_reviewed,
    feedback_mark_redaction_checked,
    feedback_record,
    feedback_redact,
    feedback_restore,
    feedback_save_tags,
    feedback_set_aside,
    feedback_submit_form,
    feedback_tag,
)
from feedback.tests.factories import FeedbackItemFactory


@pytest.mark.django_db
def test_an_item_keeps_only_the_hour_and_takes_details_out(event, programme):
    question = programme.questions[0]
    item = feedback_record(
        text="Call me on 07700 900123 about stop and search",
        source=FeedbackItem.Source.ONLINE_FORM,
        event=event,
        key_question=question,
    )
    assert item.received_hour.minute == item.received_hour.second == 0
    assert item.text == "Call me on [phone number removed] about stop and search"
    assert item.original_text == "Call me on 07700 900123 about stop and search"
    assert item.was_redacted and not item.redaction_checked
    assert item.community == event.focus_community
    assert list(item.workstreams.all()) == [question.workstream]


@pytest.mark.django_db
def test_words_of_risk_raise_a_flag_and_tell_the_duty_inbox(event, settings):
    settings.SAFEGUARDING_EMAIL = "duty@example.police.uk"
    item = feedback_record(
        text="A boy at school carries a knife and says he will use it",
        source=FeedbackItem.Source.ONLINE_FORM,
        event=event,
    )
    assert item.is_safeguarding_flagged
    assert item.safeguarding_terms == "carrying a weapon"
    alert = OutboxMessage.objects.get(to_address="duty@example.police.uk")
    # The alert points to the item; it does not carry the words themselves.
    assert "carries a knife" not in alert.body_text
    assert reverse("feedback:item", args=[item.pk]) in alert.body_text


@pytest.mark.django_db
def test_the_same_note_sent_twice_is_stored_once(event):
    first = feedback_record(
        text="More patrols", source="discussion_note", event=event, client_reference="abc-1"
    )
    second = feedback_record(
        text="More patrols", source="discussion_note", event=event, client_reference="abc-1"
    )
    assert first.pk == second.pk
    assert FeedbackItem.objects.count() == 1


@pytest.mark.django_db
def test_a_form_can_be_stored_in_an_earlier_hour_without_telling_the_duty_inbox(
    event, programme, settings
):
    settings.SAFEGUARDING_EMAIL = "duty@example.police.uk"
    last_week = timezone.now() - timedelta(days=7)
    submission, is_new = feedback_submit_form(
        source=Submission.Source.PAPER_FORM,
        answers=[(programme.questions[0], "He carries a knife"), (None, "")],
        event=event,
        form_nonce="paper-1",
        received_hour=last_week,
        alert_duty_officer=False,
    )
    assert is_new
    assert submission.received_hour == last_week.replace(minute=0, second=0, microsecond=0)
    (item,) = submission.items.all()
    assert item.received_hour == submission.received_hour
    assert item.is_safeguarding_flagged
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_bulk_tagging_adds_tags_and_marks_items_tagged(event):
    items = FeedbackItemFactory.create_batch(3, event=event)
    topic = Topic.objects.get(slug="hate-crime")
    workstream = Workstream.objects.get(slug="protect")
    assert feedback_tag(items=items[:2], topics=[topic], workstreams=[workstream]) == 2
    feedback_tag(items=items[:2], topics=[topic])
    assert topic.feedback_items.count() == 2
    assert set(FeedbackItem.objects.values_list("status", flat=True)) == {"tagged", "new"}


@pytest.mark.django_db
def test_saving_one_items_tags_replaces_them_and_marks_a_new_item_tagged(event, programme):
    custody, hate_crime = Topic.objects.get(slug="custody"), Topic.objects.get(slug="hate-crime")
    item = FeedbackItemFactory(event=event, topics=[custody])
    new_item = FeedbackItemFactory(event=event)
    question = programme.questions[1]

    feedback_save_tags(
        item=new_item,
        key_question=question,
        community=event.focus_community,
        topics=[hate_crime],
        workstreams=[question.workstream],
    )
    feedback_save_tags(item=item, topics=[hate_crime])

    new_item.refresh_from_db()
    assert new_item.status == FeedbackItem.Status.TAGGED
    assert new_item.key_question == question
    assert list(new_item.workstreams.all()) == [question.workstream]
    assert list(item.topics.all()) == [hate_crime]
    untagged = FeedbackItemFactory(event=event)
    feedback_save_tags(item=untagged)
    untagged.refresh_from_db()
    assert untagged.status == FeedbackItem.Status.NEW


@pytest.mark.django_db
def test_setting_aside_and_bringing_back(event):
    item = FeedbackItemFactory(event=event, topics=[Topic.objects.get(slug="custody")])
    feedback_set_aside(item=item, reason="A duplicate")
    item.refresh_from_db()
    assert (item.status, item.set_aside_reason) == (FeedbackItem.Status.SET_ASIDE, "A duplicate")
    feedback_restore(item=item)
    item.refresh_from_db()
    assert (item.status, item.set_aside_reason) == (FeedbackItem.Status.TAGGED, "")


@pytest.mark.django_db
def test_redacting_by_hand_keeps_the_first_version_and_counts_as_checked(event):
    item = feedback_record(text="Ring 07700 900123, Sam", source="online_form", event=event)
    feedback_redact(item=item, text="  Ring [phone number removed], [name removed] ")
    item.refresh_from_db()
    assert item.text == "Ring [phone number removed], [name removed]"
    assert item.original_text == "Ring 07700 900123, Sam"
    assert item.was_redacted and item.redaction_checked


@pytest.mark.django_db
def test_checking_a_redaction_and_reviewing_a_flag_are_separate(event):
    item = FeedbackItemFactory(event=event, flagged=True, redacted=True)
    feedback_mark_redaction_checked(item=item)
    item.refresh_from_db()
    assert item.redaction_checked and not item.safeguarding_reviewed
    feedback_mark_flag_reviewed(item=item)
    item.refresh_from_db()
    assert item.safeguarding_reviewed
