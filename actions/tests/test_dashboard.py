"""The Leaders' dashboard: its figures on a small programme worked out by hand, its
empty states, its filters, bad filter input, and its cost in queries from 1,000 to
100,000 feedback items."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from actions.dashboard import DashboardFilters, dashboard
from actions.models import Action
from actions.services import actions_send_monthly_summaries
from actions.tasks import refresh_dashboard
from actions.tests.factories import ActionFactory
from engagement.roles import Role
from engagement.services import staff_preferences_save
from engagement.tests.factories import CommunityFactory, DepartmentFactory, UserFactory
from events.models import Event
from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Findings, Topic, Workstream
from feedback.services import feedback_record
from feedback.tests.factories import (
    FindingsFactory,
    FindingsSectionFactory,
    FindingsVersionFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/dashboard/"


@pytest.fixture
def leader_client(leader):
    client = Client()
    client.force_login(leader)
    return client


def held(**fields):
    event = EventFactory(past=True, **fields)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    event.refresh_from_db()
    return event


@pytest.fixture
def small_programme():
    """Two held events: one of 50 people with 5 officers, one of 10 with 4 (police
    heavy); four feedback items, one answered by a public action, one by a proposed
    one; and an overdue action in Training."""
    somali = CommunityFactory(name="Somali communities")
    big = held(
        focus_community=somali,
        headcount=50,
        other_officers_count=5,
        chief_officer_attended=True,
        venue_hire_cost=Decimal("100.00"),
        catering_cost=Decimal("50.00"),
    )
    small = held(headcount=10, other_officers_count=4, venue_hire_cost=Decimal("30.00"))
    items = [
        feedback_record(text=f"Point {n}", source="online_form", event=event)
        for n, event in enumerate([big, big, big, small])
    ]
    training = DepartmentFactory(name="Training and Learning")
    ActionFactory(
        title="Answered",
        status=Action.Status.DONE,
        department=training,
        items=[items[0]],
        events=[big],
    )
    ActionFactory(title="Only proposed", department=training, items=[items[1]], events=[big])
    ActionFactory(
        title="Late training",
        status=Action.Status.AGREED,
        department=training,
        due_on=timezone.localdate() - timedelta(days=20),
        events=[big],
    )
    return {"big": big, "small": small, "items": items, "community": somali}


def test_the_figures_are_worked_out_right(small_programme):
    data = dashboard(DashboardFilters())

    loop = data["loop"]
    assert (loop.items, loop.items_answered, loop.items_share) == (4, 1, 25)
    assert [(row.items, row.answered) for row in loop.quarters] == [(4, 1)]
    actions = data["actions"]
    assert (actions["open"], actions["overdue"], actions["done"]) == (2, 1, 1)
    assert [row.label for row in actions["by_department"]] == ["Training and Learning"]
    assert [action.title for action in actions["oldest_overdue"]] == ["Late training"]
    events = data["events"]
    assert (events["held"], events["attendance"], events["officers"]) == (2, 60, 9)
    assert events["chief_officer"] == 1
    assert events["police_heavy"] == 1
    assert events["cost"] == Decimal("180.00")
    assert events["cost_per_event"] == Decimal("90.00")
    assert events["cost_per_attendee"] == Decimal("3.00")
    rows = {row.event.pk: row for row in events["recent"]}
    assert rows[small_programme["small"].pk].is_police_heavy
    assert not rows[small_programme["big"].pk].is_police_heavy
    assert rows[small_programme["big"].pk].officers_per_100 == 10


def test_filters_narrow_every_figure(small_programme):
    data = dashboard(DashboardFilters(community=small_programme["community"]))

    assert data["events"]["held"] == 1
    assert data["events"]["attendance"] == 50
    # Items are counted for the community they are about: those at the Somali event.
    assert data["loop"].items == 3
    assert data["actions"]["overdue"] == 1


def test_an_empty_range_has_clear_empty_states_and_no_division_by_zero(
    leader_client, small_programme
):
    page = leader_client.get(DASHBOARD, {"date_from": "2001-01-01", "date_to": "2001-12-31"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "No events held in this range." in text
    assert "No feedback in this range yet." in text
    assert "No actions in this range yet." in text
    data = page.context
    assert data["loop"].items_share is None
    assert data["events"]["cost_per_attendee"] is None


def test_a_range_ending_before_it_starts_is_shown_beside_the_field(leader_client):
    page = leader_client.get(DASHBOARD, {"date_from": "2026-05-01", "date_to": "2026-01-01"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "The end of the range must be on or after its start." in text
    assert 'value="2026-05-01"' in text
    assert not page.context["filters"].is_filtered


@pytest.mark.parametrize(
    "query",
    [
        {"programme": "abc"},
        {"community": "99999999999999999999999"},
        {"date_from": "31/02/2026"},
        {"date_to": "\x00"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"programme": ["1", "2"]},
    ],
)
def test_junk_filters_never_answer_a_server_error(leader_client, query):
    assert leader_client.get(DASHBOARD, query).status_code in (200, 400)


def test_the_leaders_overview_links_straight_to_the_dashboard(client_for_role):
    page = client_for_role(Role.LEADER).get("/staff/").content.decode()
    assert 'href="/staff/dashboard/"' in page
    owner_page = client_for_role(Role.ACTION_OWNER).get("/staff/").content.decode()
    assert "/staff/dashboard/" not in owner_page


def test_small_numbers_of_focus_group_members_are_not_shown(leader_client, focus_group_member):
    text = leader_client.get(DASHBOARD).content.decode()
    assert "fewer than 10" in text


def test_tiles_drill_down_to_the_lists_behind_them(leader_client, small_programme):
    text = leader_client.get(DASHBOARD).content.decode()
    assert 'href="/staff/actions/?due=overdue"' in text
    assert 'href="/staff/actions/unanswered/"' in text
    overdue = leader_client.get("/staff/actions/", {"due": "overdue"})
    assert [action.title for action in overdue.context["page"].object_list] == ["Late training"]


def test_every_chart_has_a_title_and_its_figures_in_a_table(leader_client, small_programme):
    text = leader_client.get(DASHBOARD).content.decode()
    assert text.count('<svg class="chart"') >= 2
    assert text.count('role="img" aria-labelledby="chart-') == text.count('<svg class="chart"')
    assert "<script" not in text.split("</main>")[0]


def many_items(count: int, *, events, topics, workstreams) -> None:
    """`count` tagged feedback items made in bulk, spread over the events and the last
    two years."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = FeedbackItem.objects.bulk_create(
        (
            FeedbackItem(
                text="More officers on foot, please.",
                source=FeedbackItem.Source.ONLINE_FORM,
                event=events[n % len(events)],
                community=events[n % len(events)].focus_community,
                status=FeedbackItem.Status.TAGGED,
                received_hour=now - timedelta(hours=n % 17000),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    FeedbackItem.topics.through.objects.bulk_create(
        (
            FeedbackItem.topics.through(feedbackitem_id=item.pk, topic_id=topics[n % 5].pk)
            for n, item in enumerate(made)
        ),
        batch_size=2000,
    )
    FeedbackItem.workstreams.through.objects.bulk_create(
        (
            FeedbackItem.workstreams.through(
                feedbackitem_id=item.pk, workstream_id=workstreams[n % 4].pk
            )
            for n, item in enumerate(made)
        ),
        batch_size=2000,
    )


def test_the_dashboard_costs_the_same_queries_from_1000_to_100000_items(
    leader_client, small_programme, django_assert_max_num_queries
):
    events = [small_programme["big"], small_programme["small"]]
    topics = list(Topic.objects.all()[:5])
    workstreams = list(Workstream.objects.all())
    officer = UserFactory()
    small_programme["big"].officers_attending.add(officer)
    many_items(1_000, events=events, topics=topics, workstreams=workstreams)
    with django_assert_max_num_queries(40) as few:
        leader_client.get(DASHBOARD)

    many_items(99_000, events=events, topics=topics, workstreams=workstreams)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)) as more:
        response = leader_client.get(DASHBOARD)

    assert response.context["loop"].items == 100_004
    assert len(more.captured_queries) == len(few.captured_queries)


def test_findings_sections_and_the_days_to_respond_are_counted(small_programme):
    big = small_programme["big"]
    findings = FindingsFactory(events=[big])
    version = FindingsVersionFactory(findings=findings)
    answered = FindingsSectionFactory(version=version)
    FindingsSectionFactory(version=version, heading="Still waiting for a response")
    Findings.objects.filter(pk=findings.pk).update(
        status=Findings.Status.SHARED,
        agreed_version=version,
        shared_at=big.ends_at + timedelta(days=10),
    )
    action = ActionFactory(status=Action.Status.AGREED, events=[big])
    action.sections.set([answered])
    Action.objects.filter(pk=action.pk).update(agreed_at=big.ends_at + timedelta(days=4))
    Action.objects.exclude(pk=action.pk).update(agreed_at=big.ends_at + timedelta(days=30))

    loop = dashboard(DashboardFilters())["loop"]

    assert (loop.sections, loop.sections_answered, loop.sections_share) == (2, 1, 50)
    assert loop.days_to_findings == 10.0
    assert loop.days_to_response == 4.0


# The monthly summary --------------------------------------------------------------------

FIRST_OF_MARCH = timezone.make_aware(timezone.datetime(2026, 3, 1, 7, 30))


def test_each_leader_gets_one_monthly_summary_unless_they_opted_out(
    leader, small_programme, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(username="another-leader", roles=[Role.LEADER])
    UserFactory(username="no-email-leader", roles=[Role.LEADER], email="")
    UserFactory(username="a-coordinator", roles=[Role.COORDINATOR])
    staff_preferences_save(user=other, monthly_summary=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert actions_send_monthly_summaries(now=FIRST_OF_MARCH) == 1
        assert actions_send_monthly_summaries(now=FIRST_OF_MARCH) == 0

    [email] = mailoutbox
    assert email.to == [leader.email]
    assert email.subject == "Community Voice: your summary for February 2026"
    assert "25% of feedback has a published response (1 of 4)." in email.body
    assert "1 action is overdue." in email.body
    assert "/staff/dashboard/" in email.body
    assert "/staff/preferences/" in email.body


def test_a_leader_opts_out_on_their_preferences_page(leader, mailoutbox):
    client = Client()
    client.force_login(leader)
    page = client.get("/staff/preferences/")
    assert 'name="monthly_summary"' in page.content.decode()
    assert "checked" in page.content.decode()

    response = client.post("/staff/preferences/", {})

    assert response.status_code == 302
    assert "checked" not in client.get("/staff/preferences/").content.decode()
    assert actions_send_monthly_summaries(now=FIRST_OF_MARCH) == 0
    client.post("/staff/preferences/", {"monthly_summary": "on"})
    assert actions_send_monthly_summaries(now=FIRST_OF_MARCH) == 1


def test_the_monthly_summary_is_on_the_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["send-monthly-summaries"]
    assert entry["task"] == "actions.tasks.send_monthly_summaries"
    assert entry["schedule"].day_of_month == {1}


def test_the_figures_are_kept_for_a_few_minutes_for_each_set_of_filters(
    leader_client, small_programme, django_assert_max_num_queries
):
    first = leader_client.get(DASHBOARD)
    ActionFactory(title="Proposed since", department=DepartmentFactory(name="Custody"))
    # The cached figures, and the lay observation counts (three queries) and the trust
    # before and after table (two) read afresh.
    with django_assert_max_num_queries(17):
        again = leader_client.get(DASHBOARD)
    assert again.context["actions"]["proposed"] == first.context["actions"]["proposed"]
    assert "Figures as of" in again.content.decode()

    narrowed = leader_client.get(DASHBOARD, {"community": small_programme["community"].pk})
    assert narrowed.context["events"]["held"] == 1
    cache.clear()
    assert leader_client.get(DASHBOARD).context["actions"]["proposed"] == 2


def test_with_the_cache_unreachable_the_figures_are_worked_out_every_time(
    leader_client, small_programme, monkeypatch, caplog
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)

    response = leader_client.get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["loop"].items == 4
    assert "The cache is unreachable" in caplog.text


def test_beat_keeps_the_unfiltered_figures_fresh(leader_client, small_programme):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-dashboard"]
    assert entry["task"] == "actions.tasks.refresh_dashboard"
    assert entry["schedule"].total_seconds() < settings.DASHBOARD_CACHE_SECONDS
    refresh_dashboard()
    ActionFactory(title="Proposed since the refresh")
    assert leader_client.get(DASHBOARD).context["actions"]["proposed"] == 1
    refresh_dashboard()
    assert leader_client.get(DASHBOARD).context["actions"]["proposed"] == 2
