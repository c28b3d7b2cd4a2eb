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

import pytest
from django.db import connection, models
from django.urls import reverse

from conftest import require_service
from contacts.models import Attendee, ConsentMethod, ConsentPurpose, ConsentRecord, OutboxMessage
from contacts.services.outbox import outbox_enqueue
from contacts.services.sign_up import attendee_keep_in_touch
from feedback.models import FeedbackItem, PendingSubmission, Submission
from feedback.services import feedback_release_pending
from feedback.tests.helpers import (
    DUTY_INBOX,
    a_programme_with_a_question,
    anonymous_form,
    the_next_hour,
)

PAIRS = 120
RHO_LIMIT = 0.5
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
        data = anonymous_form(
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
