"""Anonymous online forms wait for the end of their hour before they join the
feedback (DESIGN.md section 6.10; docs/privacy.md): what is written meanwhile, what
the hourly release stores, and who may read a flagged form before it arrives."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse

from conftest import require_service
from contacts.models import OutboxMessage
from contacts.services.outbox import outbox_send
from engagement.roles import Role
from feedback.models import FeedbackItem, PendingSubmission, Submission
from feedback.services import (
    all_safeguarding_phrases,
    current_hour,
    feedback_release_pending,
    feedback_stage_form,
)
from feedback.tasks import release_pending_feedback
from feedback.tests.factories import SafeguardingTermFactory
from feedback.tests.helpers import (
    DUTY_INBOX,
    a_programme_with_a_question,
    anonymous_form,
    the_next_hour,
)

# Holding forms until their hour is over ------------------------------------------------


def stage(event, question, nonce: str, answer: str) -> bool:
    return feedback_stage_form(answers=[(question, answer)], event=event, form_nonce=nonce)


def move_back_an_hour():
    PendingSubmission.objects.update(received_hour=current_hour() - timedelta(hours=1))


@pytest.fixture
def event_and_question(db):
    return a_programme_with_a_question()


@pytest.mark.django_db
def test_a_form_is_held_and_nothing_else_is_written_until_its_hour_is_over(
    client, event_and_question
):
    event, question = event_and_question
    url = reverse("give-feedback-event", args=[event.feedback_token])
    assert (
        client.post(url, anonymous_form(question, "n1", answer="More patrols")).status_code == 302
    )

    held = PendingSubmission.objects.get()
    assert held.answers == [[question.pk, "More patrols"]]
    assert held.received_hour == current_hour()
    assert not Submission.objects.exists() and not FeedbackItem.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert feedback_release_pending() == 0
    assert PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_the_release_redacts_flags_and_tags_as_before_and_empties_the_holding_table(
    event_and_question,
):
    event, question = event_and_question
    staged_hour = current_hour()
    assert stage(event, question, "n1", "Ring 07700 900123, he has a knife")
    assert stage(event, None, "n2", "Thank you")

    assert feedback_release_pending(now=the_next_hour()) == 2

    assert not PendingSubmission.objects.exists()
    flagged = FeedbackItem.objects.get(key_question=question)
    assert flagged.text == "Ring [phone number removed], he has a knife"
    assert flagged.original_text == "Ring 07700 900123, he has a knife"
    assert flagged.was_redacted and flagged.is_safeguarding_flagged
    # The built-in pattern, then the editable list.
    assert flagged.safeguarding_terms == "carrying a weapon, knife"
    assert list(flagged.workstreams.all()) == [question.workstream]
    assert flagged.community == event.focus_community and flagged.event == event
    assert flagged.source == FeedbackItem.Source.ONLINE_FORM
    # The hour it was sent in, not the hour it was released in.
    assert flagged.received_hour == staged_hour
    assert flagged.submission.received_hour == staged_hour
    assert flagged.submission.source == Submission.Source.ONLINE_FORM
    assert FeedbackItem.objects.get(key_question=None).text == "Thank you"

    # Running it again, or when nothing is due, stores nothing twice.
    assert feedback_release_pending(now=the_next_hour()) == 0
    assert FeedbackItem.objects.count() == 2 and Submission.objects.count() == 2


@pytest.mark.django_db
def test_the_same_form_is_kept_once_whether_or_not_it_has_been_released(event_and_question):
    event, question = event_and_question
    assert stage(event, question, "twice", "More patrols")
    assert not stage(event, question, "twice", "More patrols")
    feedback_release_pending(now=the_next_hour())
    assert not stage(event, question, "twice", "More patrols")
    assert not PendingSubmission.objects.exists()
    assert Submission.objects.count() == FeedbackItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_form_is_held_in_one_statement_and_a_copy_sent_after_its_release_is_refused(
    settings, django_assert_num_queries
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    SafeguardingTermFactory(phrase="knife")
    event, question = a_programme_with_a_question()
    phrases = all_safeguarding_phrases()

    with django_assert_num_queries(1):
        assert feedback_stage_form(
            answers=[(question, "More patrols")],
            event=event,
            form_nonce="n1",
            flag_phrases=phrases,
        )
    assert stage(event, question, "n2", "He has a knife")
    assert not stage(event, question, "n2", "He has a knife")
    feedback_release_pending(now=the_next_hour())
    assert not stage(event, question, "n1", "More patrols")
    assert not stage(event, question, "n2", "He has a knife")

    assert not PendingSubmission.objects.exists()
    assert Submission.objects.count() == FeedbackItem.objects.count() == 2
    # The duty inbox is told once about the form, however often it is sent.
    assert OutboxMessage.objects.filter(to_address=DUTY_INBOX).count() == 1


@pytest.mark.django_db
def test_a_word_of_risk_tells_the_duty_inbox_at_once_without_any_words_from_the_form(
    client, event_and_question, settings, django_capture_on_commit_callbacks
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    event, question = event_and_question
    url = reverse("give-feedback-event", args=[event.feedback_token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, anonymous_form(question, "n1", answer="My cousin Dan carries a knife"))

    alert = OutboxMessage.objects.get()
    assert alert.to_address == DUTY_INBOX and alert.from_anonymous_form
    assert alert.status == OutboxMessage.Status.SENT
    for body in (alert.body_text, alert.body_html):
        assert "Dan" not in body and "knife" not in body and event.title not in body
        assert f"{reverse('feedback:inbox')}#arriving" in body
        assert not re.search(r"/staff/feedback/\d+/", body)
    assert not FeedbackItem.objects.exists()

    feedback_release_pending(now=the_next_hour())
    # Told once: the release sends nothing more, and the alert keeps only the hour.
    assert FeedbackItem.objects.get().is_safeguarding_flagged
    (alert,) = OutboxMessage.objects.all()
    for moment in (alert.created_at, alert.claimed_at, alert.sent_at, alert.next_attempt_at):
        assert moment == moment.replace(minute=0, second=0, microsecond=0)


@pytest.mark.django_db
def test_an_alert_not_yet_sent_at_the_release_keeps_only_the_hour_once_it_is_sent(
    event_and_question, settings
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    event, question = event_and_question
    stage(event, question, "n1", "He has a knife")
    # The transaction is not committed, so the alert waits as if the worker were busy.
    alert = OutboxMessage.objects.get()
    feedback_release_pending(now=the_next_hour())
    alert.refresh_from_db()
    assert alert.status == OutboxMessage.Status.QUEUED
    assert alert.created_at.microsecond != 0

    outbox_send(message_id=alert.pk)
    alert.refresh_from_db()
    assert alert.sent_at.microsecond != 0
    feedback_release_pending()
    alert.refresh_from_db()
    for moment in (alert.created_at, alert.claimed_at, alert.sent_at, alert.next_attempt_at):
        assert moment == moment.replace(minute=0, second=0, microsecond=0)


@pytest.mark.django_db
def test_a_form_flagged_only_by_a_word_added_since_tells_the_duty_inbox_when_released(
    event_and_question, settings
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    event, question = event_and_question
    stage(event, question, "n1", "Someone keeps loitering by the school gate")
    assert not OutboxMessage.objects.exists()
    SafeguardingTermFactory(phrase="loitering by the school")
    feedback_release_pending(now=the_next_hour())
    item = FeedbackItem.objects.get()
    alert = OutboxMessage.objects.get()
    assert item.is_safeguarding_flagged and alert.from_anonymous_form
    assert reverse("feedback:item", args=[item.pk]) in alert.body_text


@pytest.mark.django_db
def test_coordinators_read_flagged_forms_before_they_arrive_with_details_taken_out(
    client_for_role, event_and_question
):
    event, question = event_and_question
    stage(event, question, "n1", "Ring 07700 900123, there is a knife at the park")
    stage(event, question, "n2", "Unflagged and not shown yet")

    page = client_for_role(Role.COORDINATOR).get(reverse("feedback:inbox")).content.decode()
    assert "Arriving on the hour" in page
    assert "Ring [phone number removed], there is a knife at the park" in page
    assert "07700 900123" not in page
    assert "Unflagged and not shown yet" not in page
    assert question.text in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMINISTRATOR])
def test_people_who_do_not_handle_flags_see_forms_only_once_they_arrive(
    client_for_role, event_and_question, role
):
    event, question = event_and_question
    stage(event, question, "n1", "There is a knife at the park")
    response = client_for_role(role).get(reverse("feedback:inbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Arriving on the hour" not in page and "knife" not in page


@pytest.mark.django_db
def test_the_inbox_releases_forms_whose_hour_is_over(client, coordinator, event_and_question):
    event, question = event_and_question
    stage(event, question, "n1", "Brighter street lights")
    move_back_an_hour()
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "Brighter street lights" in page
    assert not PendingSubmission.objects.exists()


@pytest.mark.django_db
def test_the_inbox_takes_the_same_number_of_queries_however_many_forms_are_arriving(
    client, coordinator, event_and_question, django_assert_max_num_queries
):
    event, question = event_and_question
    client.force_login(coordinator)
    stage(event, question, "first", "A knife at the park")
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("feedback:inbox"))
    for number in range(30):
        stage(event, question, f"n{number}", f"Another knife, number {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:inbox"))
    assert len(response.context["arriving"]) == 31


@pytest.mark.django_db
def test_the_scheduler_releases_forms_every_five_minutes(event_and_question, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["release-pending-feedback"]
    assert entry["task"] == release_pending_feedback.name
    assert entry["schedule"] == timedelta(minutes=5)
    event, question = event_and_question
    stage(event, question, "n1", "More patrols")
    move_back_an_hour()
    assert release_pending_feedback.delay().get() == 1
    assert FeedbackItem.objects.get().text == "More patrols"


@pytest.mark.django_db
def test_the_thank_you_page_says_when_answers_arrive_and_why(client):
    page = client.get(reverse("feedback-thanks")).content.decode()
    assert "reach our team within the hour" in page
    assert "nobody can work out who wrote what from the time" in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_release_skips_forms_another_release_is_storing(event_and_question):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    event, question = event_and_question
    stage(event, question, "n1", "More patrols")
    move_back_an_hour()
    holding, done = threading.Event(), threading.Event()

    def another_release():
        try:
            with transaction.atomic():
                list(PendingSubmission.objects.select_for_update())
                holding.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=another_release)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        assert feedback_release_pending() == 0
        assert not FeedbackItem.objects.exists()
    finally:
        done.set()
        thread.join(timeout=30)
    assert feedback_release_pending() == 1
    assert FeedbackItem.objects.count() == 1
