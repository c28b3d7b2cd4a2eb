"""The anonymous feedback form: what it asks, what it stores (nothing about the
sender), and how it refuses mistakes, repeats, robots and floods."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from engagement.tests.factories import CommunityFactory
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, PendingSubmission, Submission
from feedback.tests.helpers import form_data, release_forms_sent_so_far


@pytest.mark.django_db
def test_the_form_for_an_event_asks_the_programme_questions(client, event, programme):
    page = client.get(reverse("give-feedback-event", args=[event.feedback_token]))
    content = page.content.decode()
    for question in programme.questions:
        assert question.text in content
    assert "This form is anonymous" in content
    assert "<script" not in content
    assert "Which community do you feel part of? (optional)" in content


@pytest.mark.django_db
def test_the_anonymous_form_stores_nothing_that_identifies_the_sender(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, **{f"answer_{programme.questions[0].pk}": "Listen more"}),
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) distinctive-agent",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 302
    # The thank-you page offers the event's "about you" card, a separate form.
    assert response.url == f"{reverse('feedback-thanks')}?event={event.feedback_token}"
    pending = PendingSubmission.objects.get()
    assert not FeedbackItem.objects.exists() and not Submission.objects.exists()
    held = [str(value) for value in pending.__dict__.values() if value is not None]
    assert not any("203.0.113.77" in value or "distinctive-agent" in value for value in held)
    assert pending.received_hour.minute == pending.received_hour.second == 0
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    submission = Submission.objects.get()
    assert item.text == "Listen more"
    assert item.recorded_by is None
    assert item.received_hour.minute == 0 and item.received_hour.second == 0
    assert submission.received_hour == item.received_hour
    stored = [
        str(value)
        for model in (item, submission)
        for value in model.__dict__.values()
        if value is not None
    ]
    assert not any("203.0.113.77" in value or "distinctive-agent" in value for value in stored)
    field_names = {
        field.name
        for model in (FeedbackItem, Submission, PendingSubmission)
        for field in model._meta.get_fields()
    }
    assert not field_names & {"ip", "ip_address", "user_agent", "session", "created_at"}
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_sending_the_same_form_twice_stores_it_once(client, event, programme):
    data = form_data(programme.questions, anything_else="Thank you for listening")
    url = reverse("give-feedback-event", args=[event.feedback_token])
    client.post(url, data)
    client.post(url, data)
    assert PendingSubmission.objects.count() == 1
    release_forms_sent_so_far()
    # Sent again after it joined the feedback: still one.
    client.post(url, data)
    release_forms_sent_so_far()
    assert FeedbackItem.objects.count() == 1
    assert not PendingSubmission.objects.exists()


@pytest.mark.django_db
def test_an_empty_form_asks_for_something(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]), form_data(programme.questions)
    )
    assert response.status_code == 200
    assert "Write something in at least one box" in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_too_long_an_answer_is_refused_and_kept(client, event, programme, settings):
    settings.FEEDBACK_MAX_CHARACTERS = 3000
    long_text = "word " * 700
    first = programme.questions[0]
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, **{f"answer_{first.pk}": long_text}),
    )
    assert response.status_code == 200
    assert "3000 characters or fewer" in response.content.decode()
    assert long_text.strip()[:200] in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_scripts_are_shown_as_text_and_other_scripts_kept_intact(
    client, coordinator, event, programme
):
    url = reverse("give-feedback-event", args=[event.feedback_token])
    client.post(url, form_data(programme.questions, "a", anything_else="<script>alert(1)</script>"))
    client.post(url, form_data(programme.questions, "b", anything_else="الشرطة 👮🏾 שלום"))
    release_forms_sent_so_far()
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert FeedbackItem.objects.filter(text="الشرطة 👮🏾 שלום").exists()
    assert "الشرطة 👮🏾 שלום" in page


@pytest.mark.django_db
def test_unknown_cancelled_and_closed_event_forms_say_so(client, programme, settings):
    settings.FEEDBACK_FORM_OPEN_DAYS = 14
    unknown = client.get(reverse("give-feedback-event", args=["notarealtoken"]))
    assert unknown.status_code == 404
    assert "We could not find that form" in unknown.content.decode()

    cancelled = EventFactory(programme=programme, status="cancelled")
    response = client.get(reverse("give-feedback-event", args=[cancelled.feedback_token]))
    assert response.status_code == 404

    old = EventFactory(programme=programme, starts_at=timezone.now() - timedelta(days=20))
    closed = client.get(reverse("give-feedback-event", args=[old.feedback_token]))
    assert closed.status_code == 410
    assert "has closed" in closed.content.decode()
    assert reverse("give-feedback") in closed.content.decode()
    posted = client.post(
        reverse("give-feedback-event", args=[old.feedback_token]),
        form_data(programme.questions, anything_else="late"),
    )
    assert posted.status_code == 410
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_the_general_form_can_say_which_community(client, programme):
    community = CommunityFactory()
    response = client.post(
        reverse("give-feedback"),
        form_data(programme.questions, anything_else="More patrols", community=community.pk),
    )
    assert response.status_code == 302
    release_forms_sent_so_far()
    item = FeedbackItem.objects.get()
    assert item.community == community
    assert item.event is None


@pytest.mark.django_db
def test_robots_filling_the_hidden_box_are_thanked_and_ignored(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, anything_else="Buy cheap pills", website="http://spam"),
    )
    assert response.status_code == 302
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_a_flood_from_one_address_gets_a_kind_refusal(client, event, programme, settings):
    settings.FEEDBACK_RATE_LIMIT = 5
    url = reverse("give-feedback-event", args=[event.feedback_token])
    statuses = [
        client.post(
            url, form_data(programme.questions, f"n{number}", anything_else="hi")
        ).status_code
        for number in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    refusal = client.post(url, form_data(programme.questions, "n9", anything_else="hi"))
    assert "Please wait a few minutes" in refusal.content.decode()
    release_forms_sent_so_far()
    assert FeedbackItem.objects.count() == 5
    other = client.post(
        url, form_data(programme.questions, "n10", anything_else="hi"), REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_mistakes_do_not_count_towards_the_flood_limit(client, event, programme, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    url = reverse("give-feedback-event", args=[event.feedback_token])
    for number in range(3):
        assert (
            client.post(url, form_data(programme.questions, f"empty-{number}")).status_code == 200
        )
    statuses = [
        client.post(
            url, form_data(programme.questions, f"n{number}", anything_else="hi")
        ).status_code
        for number in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_it_is_read(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, anything_else="x" * 70_000),
    )
    assert response.status_code == 413
    assert "too long to send" in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_the_public_form_is_light_on_queries(client, event, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("give-feedback-event", args=[event.feedback_token]))
