"""Anonymous feedback cannot be paired with a person by someone holding the database
(DESIGN.md §6.10; the threat model is in docs/privacy.md).

An hour of anonymous forms is interleaved with keep-in-touch sign-ups, each form a
moment before a sign-up, as if every person who wrote one then left their details.
After the hourly release, nothing stored says which form came when: every time is on
the hour, and the order of ids, of rows on disk and (on PostgreSQL) of transactions
follows a shuffle, not the order of arrival.

The order tests use Spearman's rank correlation between the order the forms arrived
in and the order found in the database. Without the shuffle it is 1.0. With it, for
at least 60 rows, |rho| reaches 0.5 by chance about once in ten thousand runs."""

import re
import statistics
import threading
from datetime import timedelta

import pytest
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import require_service
from contacts.models import Attendee, ConsentMethod, ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services.outbox import outbox_enqueue, outbox_send
from contacts.services.sign_up import attendee_keep_in_touch
from engagement.roles import Role
from events.tests.factories import EventFactory
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    PendingSubmission,
    ProgrammeKeyQuestion,
    SafeguardingTerm,
    Submission,
    Workstream,
)
from feedback.services import current_hour, feedback_release_pending, feedback_stage_form
from feedback.tasks import release_pending_feedback

PAIRS = 120
RHO_LIMIT = 0.5
DUTY_INBOX = "duty@example.police.uk"
FORM_NUMBER = re.compile(r"Form (\d+) ")


def ranks(values) -> list[float]:
    """Ranks from 0, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2
        start = end + 1
    return result


def spearman(first, second) -> float:
    return statistics.correlation(ranks(first), ranks(second))


def the_next_hour():
    """Anonymous forms join the feedback once their hour is over: pretend it is."""
    return timezone.now() + timedelta(hours=1)


def a_programme_with_a_question():
    """What the migrations make, made here: transactional tests empty the database."""
    workstream, _ = Workstream.objects.get_or_create(slug="protect", defaults={"name": "Protect"})
    question, _ = KeyQuestion.objects.get_or_create(
        text="How can the police better protect this community?",
        defaults={"workstream": workstream},
    )
    SafeguardingTerm.objects.get_or_create(phrase="knife")
    event = EventFactory(held=True)
    ProgrammeKeyQuestion.objects.create(programme=event.programme, key_question=question)
    return event, question


def form(question, nonce: str, answer: str = "", anything_else: str = "") -> dict:
    return {
        "form_nonce": nonce,
        "website": "",
        f"answer_{question.pk}": answer,
        "anything_else": anything_else,
    }


def sign_up(number: int, coordinator) -> Attendee:
    """A keep-in-touch sign-up, as an officer types it in, and an email to the person."""
    attendee = attendee_keep_in_touch(
        name=f"Person {number}",
        email=f"person{number}@example.org",
        phone="",
        purposes={ConsentPurpose.EMAIL_UPDATES},
        method=ConsentMethod.IN_PERSON,
        recorded_by=coordinator,
    )
    outbox_enqueue(
        dedupe_key=f"welcome:{attendee.pk}",
        to_address=attendee.email,
        template="confirm_updates",
        context={"name": attendee.name, "confirm_url": "http://127.0.0.1:8000/"},
        attendee=attendee,
    )
    return attendee


def an_hour_of_forms_and_sign_ups(client, coordinator, settings) -> dict:
    """PAIRS forms, each followed by a sign-up. Two forms in three use a word of risk,
    and one in three has a second answer. Returns which alert came from which form."""
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    settings.FEEDBACK_RATE_LIMIT = 10 * PAIRS
    event, question = a_programme_with_a_question()
    url = reverse("give-feedback-event", args=[event.feedback_token])
    alert_from_form = {}
    for number in range(PAIRS):
        risk = " He showed me a knife." if number % 3 else ""
        data = form(
            question,
            f"nonce-{number}",
            answer=f"Form {number} More patrols, call 07700 900{number:03d}.{risk}",
            anything_else=f"Form {number} Thank you." if number % 3 == 0 else "",
        )
        alerts_before = set(OutboxMessage.objects.filter(from_anonymous_form=True))
        assert client.post(url, data).status_code == 302
        for alert in set(OutboxMessage.objects.filter(from_anonymous_form=True)) - alerts_before:
            alert_from_form[alert.pk] = number
        sign_up(number, coordinator)
    assert len(alert_from_form) == PAIRS * 2 // 3
    assert not FeedbackItem.objects.exists()
    assert feedback_release_pending(now=the_next_hour()) == PAIRS
    return alert_from_form


def form_number(item: FeedbackItem) -> int:
    return int(FORM_NUMBER.match(item.original_text or item.text)[1])


def anonymous_alerts():
    return OutboxMessage.objects.filter(from_anonymous_form=True)


# Nothing stored pairs a form with a sign-up ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_stored_value_or_id_order_pairs_a_form_with_the_sign_up_after_it(
    client, coordinator, settings
):
    alert_from_form = an_hour_of_forms_and_sign_ups(client, coordinator, settings)

    assert not PendingSubmission.objects.exists()
    items = list(FeedbackItem.objects.select_related("submission"))
    assert len(items) == PAIRS + PAIRS // 3
    assert Submission.objects.count() == PAIRS
    alerts = list(anonymous_alerts())
    assert set(alert_from_form) == {alert.pk for alert in alerts}
    assert {alert.status for alert in alerts} == {OutboxMessage.Status.SENT}

    # Every time on every row that came from a form keeps the hour only.
    for row in [*items, *Submission.objects.all(), *alerts]:
        for field in row._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and getattr(row, field.attname):
                value = getattr(row, field.attname)
                assert (value.minute, value.second, value.microsecond) == (0, 0, 0), (
                    f"{type(row).__name__}.{field.name} is {value}"
                )

    # The alerts are all alike: nothing in them tells one form from another.
    assert len({(alert.subject, alert.body_text, alert.body_html) for alert in alerts}) == 1
    assert not any("Form " in alert.body_text or "knife" in alert.body_text for alert in alerts)

    correlations = {
        "feedback item ids": spearman(
            [form_number(item) for item in items], [item.pk for item in items]
        ),
        "submission ids": spearman(
            [form_number(item) for item in items], [item.submission_id for item in items]
        ),
        "alert ids": spearman(
            [alert_from_form[alert.pk] for alert in alerts], [str(alert.pk) for alert in alerts]
        ),
        "alert Message-IDs": spearman(
            [alert_from_form[alert.pk] for alert in alerts], [alert.message_id for alert in alerts]
        ),
        "alert dedupe keys": spearman(
            [alert_from_form[alert.pk] for alert in alerts], [alert.dedupe_key for alert in alerts]
        ),
    }
    by_time = list(anonymous_alerts().order_by("created_at", "sent_at", "pk"))
    correlations["alerts by time"] = spearman(
        [alert_from_form[alert.pk] for alert in by_time], list(range(len(by_time)))
    )
    print("\nSpearman's rho against the order of arrival:")
    for what, rho in correlations.items():
        print(f"  {what}: {rho:+.3f}")
    for what, rho in correlations.items():
        assert abs(rho) < RHO_LIMIT, f"{what} follow the order of arrival (rho = {rho:.2f})"


def system_columns(table: str) -> dict:
    """id → (transaction that wrote the row, (page, place on the page))."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "id", xmin::text::bigint, ctid::text FROM "{table}"')
        rows = cursor.fetchall()
    return {
        str(pk): (xmin, tuple(int(part) for part in ctid.strip("()").split(",")))
        for pk, xmin, ctid in rows
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_transaction_ids_and_places_on_disk_pair_nothing(
    client, coordinator, settings
):
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    alert_from_form = {
        str(pk): number
        for pk, number in an_hour_of_forms_and_sign_ups(client, coordinator, settings).items()
    }

    items = system_columns(FeedbackItem._meta.db_table)
    submissions = system_columns(Submission._meta.db_table)
    topics_and_workstreams = system_columns(FeedbackItem.workstreams.through._meta.db_table)
    alerts = {
        pk: columns
        for pk, columns in system_columns(OutboxMessage._meta.db_table).items()
        if pk in alert_from_form
    }
    assert len(alerts) == len(alert_from_form)
    released = [items, submissions, topics_and_workstreams, alerts]

    # One transaction wrote every row that came from a form.
    (release,) = {xmin for rows in released for xmin, _ctid in rows.values()}

    # ...and it falls between no two sign-ups: it came after all of them.
    signed_up = [
        xmin
        for model in (Attendee, ConsentRecord)
        for xmin, _ctid in system_columns(model._meta.db_table).values()
    ] + [
        xmin
        for pk, (xmin, _ctid) in system_columns(OutboxMessage._meta.db_table).items()
        if pk not in alerts
    ]
    assert len(signed_up) >= 3 * PAIRS
    assert release > max(signed_up)

    number_of_item = {str(item.pk): form_number(item) for item in FeedbackItem.objects.all()}
    number_of_submission = {
        str(item.submission_id): form_number(item) for item in FeedbackItem.objects.all()
    }
    correlations = {
        "feedback items on disk": spearman(
            [number_of_item[pk] for pk in items], [ctid for _xmin, ctid in items.values()]
        ),
        "submissions on disk": spearman(
            [number_of_submission[pk] for pk in submissions],
            [ctid for _xmin, ctid in submissions.values()],
        ),
        "alerts on disk": spearman(
            [alert_from_form[pk] for pk in alerts],
            [ctid for _xmin, ctid in alerts.values()],
        ),
    }
    print("\nSpearman's rho against the order of arrival, on PostgreSQL:")
    for what, rho in correlations.items():
        print(f"  {what}: {rho:+.3f}")
    for what, rho in correlations.items():
        assert abs(rho) < RHO_LIMIT, f"{what} follow the order of arrival (rho = {rho:.2f})"


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
    assert client.post(url, form(question, "n1", answer="More patrols")).status_code == 302

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
    assert flagged.safeguarding_terms == "knife"
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


@pytest.mark.django_db
def test_a_word_of_risk_tells_the_duty_inbox_at_once_without_any_words_from_the_form(
    client, event_and_question, settings, django_capture_on_commit_callbacks
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    event, question = event_and_question
    url = reverse("give-feedback-event", args=[event.feedback_token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form(question, "n1", answer="My cousin Dan carries a knife"))

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
    SafeguardingTerm.objects.create(phrase="loitering by the school")
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
