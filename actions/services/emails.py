"""The two weekly emails about actions: the digest to the people who asked, and the
reminder to each department's action owners. Both go through the outbox, keyed by the
week, so running a job twice in a week sends nothing more."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionUpdate, DigestRun
from actions.selectors import people_told_about
from contacts.models import ConsentPurpose, OutboxMessage
from contacts.services.links import absolute_url, attendee_unsubscribe_url, email_context
from contacts.services.outbox import outbox_enqueue
from engagement.roles import Role

DIGEST_PERIOD = timedelta(days=7)


def week_of(at: datetime) -> str:
    year, week, _weekday = timezone.localtime(at).isocalendar()
    return f"{year}-W{week:02d}"


def _changes_between(start: datetime, end: datetime) -> dict[Action, str]:
    """Each public action that was agreed, done or marked cannot act in the period,
    with the last of those that happened to it."""
    milestones = (
        ActionUpdate.objects.milestones()
        .filter(at__gt=start, at__lte=end)
        .filter(action__in=Action.objects.public())
        .select_related("action__department")
        .order_by("at", "pk")
    )
    latest: dict[Action, str] = {}
    for update in milestones:
        latest[update.action] = update.kind
    return latest


@transaction.atomic
def actions_send_digests(*, now: datetime | None = None) -> int:
    """Email, at most once a week, each contact who opted in to updates and came to an
    event an action came from, or follows one of its communities, a digest of what
    changed since the last digest. Nothing is sent to anyone with nothing new. Returns
    how many emails were queued."""
    now = now or timezone.now()
    week = week_of(now)
    run, created = DigestRun.objects.select_for_update().get_or_create(
        week=week,
        defaults={
            "covered_from": (
                DigestRun.objects.order_by("-covered_until")
                .values_list("covered_until", flat=True)
                .first()
                or now - DIGEST_PERIOD
            ),
            "covered_until": now,
        },
    )
    if not created:
        return 0
    changes = _changes_between(run.covered_from, run.covered_until)
    per_person: dict[int, list] = defaultdict(list)
    people = {}
    for action, kind in changes.items():
        for attendee in people_told_about(action):
            people[attendee.pk] = attendee
            per_person[attendee.pk].append(
                {
                    "action": action,
                    "change": ActionUpdate.Kind(kind).label,
                    "kind": kind,
                    "url": absolute_url("actions:public-detail", pk=action.pk),
                }
            )
    public_page = absolute_url("actions:public-list")
    for attendee_pk, entries in sorted(per_person.items()):
        attendee = people[attendee_pk]
        outbox_enqueue(
            dedupe_key=f"actions-digest:{week}:{attendee.pk}",
            to_address=attendee.email,
            template="actions_digest",
            context={**email_context(attendee), "entries": entries, "public_url": public_page},
            consent_purpose=ConsentPurpose.EMAIL_UPDATES,
            attendee=attendee,
            unsubscribe_url=attendee_unsubscribe_url(attendee),
        )
    run.emails_queued = len(per_person)
    run.save(update_fields=["emails_queued"])
    return run.emails_queued


def actions_send_owner_reminders(*, now: datetime | None = None) -> int:
    """Email each action owner, once a week, their departments' overdue actions and
    those due in the next fortnight. Nobody with nothing overdue or due soon is
    emailed. Returns how many emails were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week = week_of(now)
    waiting = (
        (Action.objects.overdue(today) | Action.objects.due_soon(today))
        .select_related("department")
        .prefetch_related("department__members")
        .order_by("due_on", "pk")
    )
    per_owner: dict[int, list[Action]] = defaultdict(list)
    for action in waiting:
        for member in action.department.members.all():
            per_owner[member.pk].append(action)
    owners = (
        get_user_model()
        .objects.filter(pk__in=per_owner, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    queued = 0
    with transaction.atomic():
        for owner in owners:
            dedupe_key = f"action-reminder:{week}:{owner.pk}"
            if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
                continue
            actions = per_owner[owner.pk]
            outbox_enqueue(
                dedupe_key=dedupe_key,
                to_address=owner.email,
                template="action_owner_reminder",
                context={
                    "name": owner.first_name,
                    "overdue": [action for action in actions if action.due_on < today],
                    "due_soon": [action for action in actions if action.due_on >= today],
                    "home_url": absolute_url("actions:mine"),
                },
            )
            queued += 1
    return queued


def _last_month(today) -> tuple:
    first_of_this_month = today.replace(day=1)
    last_of_last_month = first_of_this_month - timedelta(days=1)
    return last_of_last_month.replace(day=1), last_of_last_month


def actions_send_monthly_summaries(*, now: datetime | None = None) -> int:
    """Email each Leader who has not opted out, once a month, the dashboard's headline
    figures: how much feedback has a published response, what is overdue, and last
    month's events. Returns how many emails were queued."""
    # Imported here: the dashboard reads every app, and is needed by this job only.
    from actions.dashboard import DashboardFilters, dashboard

    now = now or timezone.now()
    first, last = _last_month(timezone.localdate(now))
    month = first.strftime("%Y-%m")
    leaders = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.LEADER)
        .exclude(email="")
        .exclude(staff_preferences__monthly_summary=False)
        .distinct()
        .order_by("pk")
    )
    leaders = [
        leader
        for leader in leaders
        if not OutboxMessage.objects.filter(
            dedupe_key=f"monthly-summary:{month}:{leader.pk}"
        ).exists()
    ]
    if not leaders:
        return 0
    overall = dashboard(DashboardFilters())
    last_month = dashboard(DashboardFilters(date_from=first, date_to=last))
    context = {
        "month": first,
        "loop": overall["loop"],
        "actions": overall["actions"],
        "events": last_month["events"],
        "new_actions": last_month["actions"],
        "dashboard_url": absolute_url("actions:dashboard"),
        "preferences_url": absolute_url("staff-preferences"),
    }
    with transaction.atomic():
        for leader in leaders:
            outbox_enqueue(
                dedupe_key=f"monthly-summary:{month}:{leader.pk}",
                to_address=leader.email,
                template="monthly_summary",
                context={**context, "name": leader.first_name},
            )
    return len(leaders)
