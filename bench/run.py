"""Speed and size figures for the pages built so far. Runs in-process against a fresh
SQLite database in a temporary folder, removed at the end even when a measurement
fails, and prints one line per measurement.

    make bench
"""

import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPORARY_PREFIX = "community-voice-bench-"

REQUESTS = 200
VOLUME_REQUESTS = 20
PUBLIC_PAGE_BUDGET_KB = 60
# Actions at volume: a few years of agreed, finished and proposed actions.
ACTION_VOLUME = 500


def timed_get(client, path, requests=REQUESTS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return durations, len(queries)


def report(name, durations, queries):
    durations_ms = sorted(duration * 1000 for duration in durations)
    median = statistics.median(durations_ms)
    p95 = durations_ms[int(len(durations_ms) * 0.95) - 1]
    print(f"{name:<28} median {median:6.2f} ms   p95 {p95:6.2f} ms   {queries} queries")


def public_page_weight(client, path):
    """Compressed bytes a cold visit downloads: the HTML and each stylesheet, script and
    image it links to."""
    from django.contrib.staticfiles import finders

    html = client.get(path).content
    total = len(gzip.compress(html, 6))
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        found = finders.find(asset.decode())
        total += len(gzip.compress(Path(found).read_bytes(), 6))
    return total


def report_weight(anonymous, path, label=None):
    weight = public_page_weight(anonymous, path) / 1024
    over = "   OVER BUDGET" if weight > PUBLIC_PAGE_BUDGET_KB else ""
    print(
        f"{'cold load ' + (label or path):<28} {weight:6.1f} KB gzip "
        f"(budget {PUBLIC_PAGE_BUDGET_KB} KB){over}"
    )


def busiest_public_action_path():
    """The public page of the action with the longest public timeline."""
    from django.db.models import Count, Q

    from actions.models import Action

    action = (
        Action.objects.public()
        .annotate(public_updates=Count("updates", filter=Q(updates__is_public=True)))
        .order_by("-public_updates", "pk")
        .first()
    )
    assert action is not None, "The demo data has no public action to measure."
    return action.get_public_url()


def busiest_public_event_path():
    """The public page of the published event most public actions came from."""
    from django.db.models import Count, Q

    from actions.models import Action
    from events.models import Event

    public = Q(actions__in=Action.objects.public())
    event = (
        Event.objects.published()
        .annotate(public_actions=Count("actions", filter=public))
        .order_by("-public_actions", "pk")
        .first()
    )
    return event.get_absolute_url()


def seed_action_volume():
    """Actions in bulk at every status, each with workstreams, topics, communities, the
    events it came from and a timeline, unless seed_bench has already made actions at
    volume. Returns how many were made."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actions.models import Action, ActionUpdate
    from engagement.models import Community, Department
    from events.models import Event
    from feedback.models import Topic, Workstream

    if Action.objects.count() >= ACTION_VOLUME:
        return 0
    randomness = random.Random(97)
    departments = list(Department.objects.all())
    workstreams = list(Workstream.objects.all())
    topics = list(Topic.objects.all())
    communities = list(Community.objects.all())
    events = list(Event.objects.filter(status=Event.Status.HELD).values_list("pk", flat=True))
    coordinator = get_user_model().objects.get(username="coordinator")
    Status = Action.Status
    statuses = [Status.AGREED, Status.IN_PROGRESS, Status.DONE, Status.CANNOT_ACT]
    statuses += [Status.PROPOSED, Status.DECLINED]
    now = timezone.now()
    actions = []
    for number in range(ACTION_VOLUME):
        status = randomness.choices(statuses, weights=[3, 5, 6, 1, 2, 1])[0]
        proposed_at = now - timedelta(days=randomness.randint(10, 5 * 365))
        changed_at = proposed_at + (now - proposed_at) * randomness.random()
        actions.append(
            Action(
                title=f"Bench action {number}: patrols, training and reporting",
                you_said=(
                    "People told us they rarely see officers on foot, that stops are not "
                    "explained, and that reporting online is hard on a phone."
                ),
                we_did=(
                    "Neighbourhood teams will walk the high street every Friday evening, "
                    "and every officer will do a refresher on explaining a stop."
                ),
                department=randomness.choice(departments),
                due_on=timezone.localdate(proposed_at)
                + timedelta(days=randomness.randint(30, 400)),
                status=status,
                status_order=Action.STATUS_ORDER[status],
                status_changed_at=changed_at,
                is_public=randomness.random() > 0.1,
                cannot_act_reason=(
                    "The law gives this to another body, so the force cannot do it."
                    if status == Status.CANNOT_ACT
                    else ""
                ),
                decline_reason="Covered by another action." if status == Status.DECLINED else "",
                created_by=coordinator,
                created_at=proposed_at,
                agreed_at=None if status in (Status.PROPOSED, Status.DECLINED) else proposed_at,
            )
        )
    actions = Action.objects.bulk_create(actions)

    def link(field, column, choices, most):
        """Up to `most` of `choices` for each action, through the field's own table."""
        through = getattr(Action, field).through
        through.objects.bulk_create(
            through(action_id=action.pk, **{column: chosen})
            for action in actions
            for chosen in randomness.sample(choices, randomness.randint(1, most))
        )

    link("workstreams", "workstream_id", [w.pk for w in workstreams], 2)
    link("topics", "topic_id", [t.pk for t in topics], 2)
    link("communities", "community_id", [c.pk for c in communities], 2)
    link("events", "event_id", events, 3)

    Kind = ActionUpdate.Kind
    milestone = {Status.DONE: Kind.DONE, Status.CANNOT_ACT: Kind.CANNOT_ACT}
    updates = []
    for action in actions:
        updates.append(ActionUpdate(action=action, kind=Kind.PROPOSED, at=action.created_at))
        if action.status == Status.PROPOSED:
            continue
        if action.status == Status.DECLINED:
            updates.append(
                ActionUpdate(
                    action=action,
                    kind=Kind.DECLINED,
                    text=action.decline_reason,
                    at=action.status_changed_at,
                )
            )
            continue
        updates.append(
            ActionUpdate(action=action, kind=Kind.AGREED, is_public=True, at=action.agreed_at)
        )
        for step in range(randomness.randint(1, 4)):
            updates.append(
                ActionUpdate(
                    action=action,
                    kind=Kind.UPDATE,
                    text=f"Update {step + 1}: sessions held, figures published, next steps set.",
                    is_public=step % 3 != 2,
                    at=action.created_at + (action.status_changed_at - action.created_at) / 2,
                )
            )
        if action.status in milestone:
            updates.append(
                ActionUpdate(
                    action=action,
                    kind=milestone[action.status],
                    text=action.cannot_act_reason,
                    is_public=True,
                    at=action.status_changed_at,
                )
            )
    ActionUpdate.objects.bulk_create(updates)
    return len(actions)


def measure():
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False

    anonymous = Client()
    report("GET / (public home)", *timed_get(anonymous, "/"))
    report("GET /accounts/login/", *timed_get(anonymous, "/accounts/login/"))
    report("GET /healthz", *timed_get(anonymous, "/healthz"))

    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.get(username="coordinator"))
    report("GET /staff/ (coordinator)", *timed_get(staff, "/staff/"))

    report("GET /you-said-we-did/", *timed_get(anonymous, "/you-said-we-did/"))
    action_path = busiest_public_action_path()
    report("GET a public action", *timed_get(anonymous, action_path))

    for path in ("/", "/events/", "/give-feedback/", "/keep-in-touch/", "/you-said-we-did/"):
        report_weight(anonymous, path)
    report_weight(anonymous, action_path, "a public action")
    catalogue = gzip.compress(staff.get("/jsi18n/").content, 6)
    print(f"{'script words (staff only)':<28} {len(catalogue) / 1024:6.1f} KB gzip")

    print()
    print("With large volumes (seed_bench):")
    settings.DEBUG = True
    started = time.perf_counter()
    call_command("seed_bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_action_volume()
    settings.DEBUG = False
    print(f"{'seed_bench':<28} {time.perf_counter() - started:6.1f} s")
    from actions.models import Action
    from contacts.models import Attendee
    from events.models import Event
    from feedback.models import FeedbackItem

    print(
        f"{'':<28} {Event.objects.count()} events, {Attendee.objects.count()} contacts, "
        f"{FeedbackItem.objects.count()} feedback items, {Action.objects.count()} actions "
        f"({Action.objects.public().count()} public)"
    )
    event = Event.objects.filter(status="held").order_by("-starts_at").first()
    # seed_demo sets the demo passwords again, which ends existing sessions.
    staff.force_login(get_user_model().objects.get(username="coordinator"))
    for label, path in (
        ("staff events list (all)", "/staff/events/?when=all"),
        ("event hub", f"/staff/events/{event.pk}/"),
        ("contacts list", "/staff/contacts/"),
        ("contact numbers", "/staff/contacts/counts/"),
        ("feedback inbox", "/staff/feedback/"),
        ("feedback inbox, filtered", "/staff/feedback/?topic=1&status=tagged"),
        ("feedback analysis", "/staff/feedback/analysis/"),
        ("public events list", "/events/"),
        ("staff actions list", "/staff/actions/"),
        ("staff actions, overdue", "/staff/actions/?due=overdue"),
        ("feedback with no response", "/staff/actions/unanswered/"),
    ):
        report(label, *timed_get(staff, path, VOLUME_REQUESTS))
    owner = Client()
    owner.force_login(get_user_model().objects.get(username="owner"))
    report("my department's actions", *timed_get(owner, "/staff/actions/mine/", VOLUME_REQUESTS))
    for label, path in (
        ("you said, we did", "/you-said-we-did/"),
        ("you said, we did, filtered", "/you-said-we-did/?status=done&workstream=respect"),
        ("you said, we did, page 5", "/you-said-we-did/?page=5"),
        ("a public action", busiest_public_action_path()),
        ("public event with actions", busiest_public_event_path()),
    ):
        report(label, *timed_get(anonymous, path, VOLUME_REQUESTS))
    report_weight(anonymous, "/you-said-we-did/", "list at volume")
    report_weight(anonymous, busiest_public_action_path(), "action at volume")
    measure_exports()


def main():
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
    for variable in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL"):
        os.environ.pop(variable, None)
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX) as var_dir:
        # Before Django reads its settings, which put the database and emails there.
        os.environ["VAR_DIR"] = var_dir
        import django

        django.setup()
        measure()


def measure_exports(rows=100_000):
    """Feedback exported as CSV and as XLSX at `rows` rows, as a Leader downloads it: the
    time to send the whole file, then, in a second download, the most memory Python held
    while sending it (tracemalloc slows the code it watches, so it is timed apart)."""
    import tracemalloc

    from django.contrib.auth import get_user_model
    from django.test import Client

    from feedback.models import FeedbackItem, Topic

    missing = rows - FeedbackItem.objects.count()
    if missing > 0:
        fields = ("text", "source", "event_id", "key_question_id", "community_id")
        fields += ("community_source", "received_hour", "status")
        models = list(FeedbackItem.objects.order_by("pk").values(*fields)[:1000])
        made = FeedbackItem.objects.bulk_create(
            (FeedbackItem(**models[n % len(models)]) for n in range(missing)), batch_size=2000
        )
        topics = list(Topic.objects.values_list("pk", flat=True))
        FeedbackItem.topics.through.objects.bulk_create(
            (
                FeedbackItem.topics.through(
                    feedbackitem_id=item.pk, topic_id=topics[n % len(topics)]
                )
                for n, item in enumerate(made)
            ),
            batch_size=2000,
        )
    leader = Client()
    leader.force_login(get_user_model().objects.get(username="leader"))

    def download(file_format):
        response = leader.get(
            "/staff/exports/download/", {"dataset": "feedback", "format": file_format}
        )
        assert response.status_code == 200, (file_format, response.status_code)
        size = sum(len(piece) for piece in response.streaming_content)
        response.close()
        return size

    for file_format in ("csv", "xlsx"):
        started = time.perf_counter()
        size = download(file_format)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        download(file_format)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{f'export {FeedbackItem.objects.count():,} feedback {file_format}':<28} "
            f"{seconds:6.1f} s   peak {peak / 2**20:5.1f} MB   file {size / 2**20:5.1f} MB"
        )


if __name__ == "__main__":
    main()
