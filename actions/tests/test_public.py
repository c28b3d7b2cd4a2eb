"""You Said, We Did on the public site: only agreed public actions, grouped by
workstream and filterable; each action's story and public timeline; the home page, the
event pages and the thank-you page pointing there. Never an internal update, never a
member of staff's name, no JavaScript, and the same few queries however many actions
there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate
from actions.tests.factories import ActionFactory, ActionUpdateFactory
from engagement.models import Community
from engagement.tests.factories import CommunityFactory, DepartmentFactory, UserFactory
from events.tests.factories import EventFactory
from feedback.models import Topic, Workstream

pytestmark = pytest.mark.django_db

PUBLIC_LIST = reverse("actions:public-list")

# The statuses the public page lists, and those it never does.
ON_THE_PAGE = [
    Action.Status.AGREED,
    Action.Status.IN_PROGRESS,
    Action.Status.DONE,
    Action.Status.CANNOT_ACT,
]
NEVER_ON_THE_PAGE = [Action.Status.PROPOSED, Action.Status.DECLINED]


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def many_actions(count: int, *, department=None) -> list[Action]:
    """`count` actions made in bulk, as a busy force would have after some years: every
    status, each with a workstream, a topic and a community, and a public and an
    internal update."""
    department = department or DepartmentFactory(name="Neighbourhood Policing")
    workstreams = list(Workstream.objects.all())
    topics = list(Topic.objects.all()[:5])
    communities = [CommunityFactory(name=f"Bulk community {n}") for n in range(3)]
    statuses = [*ON_THE_PAGE, *NEVER_ON_THE_PAGE]
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        made.append(
            Action(
                title=f"Bulk action {n}",
                you_said="People asked for more officers on foot.",
                we_did="Foot patrols every Friday evening.",
                department=department,
                due_on=today + timedelta(days=n % 90 - 30),
                status=status,
                status_order=Action.STATUS_ORDER[status],
                status_changed_at=now - timedelta(minutes=n),
                is_public=n % 11 != 0,
                cannot_act_reason="The land is not ours." if status == "cannot_act" else "",
                decline_reason="Covered elsewhere." if status == "declined" else "",
                agreed_at=None if status in NEVER_ON_THE_PAGE else now,
            )
        )
    actions = Action.objects.bulk_create(made)
    Action.workstreams.through.objects.bulk_create(
        Action.workstreams.through(action_id=action.pk, workstream_id=workstreams[n % 4].pk)
        for n, action in enumerate(actions)
    )
    Action.topics.through.objects.bulk_create(
        Action.topics.through(action_id=action.pk, topic_id=topics[n % len(topics)].pk)
        for n, action in enumerate(actions)
    )
    Action.communities.through.objects.bulk_create(
        Action.communities.through(action_id=action.pk, community_id=communities[n % 3].pk)
        for n, action in enumerate(actions)
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action_id=action.pk,
            kind=ActionUpdate.Kind.UPDATE,
            text=f"Update number {n}",
            is_public=is_public,
            at=now - timedelta(minutes=n),
        )
        for action in actions
        for n, is_public in ((1, True), (2, False))
    )
    return actions


@pytest.fixture
def staff_owner():
    return UserFactory(username="named-owner", first_name="Priya", last_name="Staffname")


# What is shown --------------------------------------------------------------------------


def test_only_agreed_public_actions_are_listed(client):
    for status in [*ON_THE_PAGE, *NEVER_ON_THE_PAGE]:
        ActionFactory(title=f"Shown if {status.label}", status=status)
    ActionFactory(title="For staff only", status=Action.Status.AGREED, is_public=False)

    page = page_of(client.get(PUBLIC_LIST))

    for status in ON_THE_PAGE:
        assert f"Shown if {status.label}" in page
    for status in NEVER_ON_THE_PAGE:
        assert f"Shown if {status.label}" not in page
    assert "For staff only" not in page
    assert "4 actions" in page


def test_the_public_pages_never_show_internal_updates_or_staff_names(client, staff_owner):
    action = ActionFactory(
        title="Explain every stop",
        status=Action.Status.IN_PROGRESS,
        owner=staff_owner,
        created_by=staff_owner,
    )
    ActionUpdateFactory(action=action, text="Public news: trainers booked.", by=staff_owner)
    ActionUpdateFactory(action=action, text="Internal: budget not yet signed off.", is_public=False)
    ActionUpdateFactory(
        action=action,
        kind=ActionUpdate.Kind.OWNER_CHANGED,
        text="Owner nobody named → Priya Staffname.",
        is_public=False,
    )
    ActionUpdateFactory(action=action, kind=ActionUpdate.Kind.AGREED, text="", by=staff_owner)

    for url in (PUBLIC_LIST, action.get_public_url()):
        page = page_of(client.get(url))
        assert "Explain every stop" in page
        assert "Public news: trainers booked." in page
        assert "Internal: budget" not in page
        assert "Priya" not in page and "Staffname" not in page and "named-owner" not in page
        assert action.department.name in page

    detail = page_of(client.get(action.get_public_url()))
    assert "Agreed" in detail
    assert "Owner changed" not in detail


def test_actions_are_grouped_by_workstream_in_the_plans_order(client):
    respect = Workstream.objects.get(slug="respect")
    protect = Workstream.objects.get(slug="protect")
    ActionFactory(title="About protect", status="agreed", workstreams=[protect])
    ActionFactory(title="About nothing in particular", status="agreed")
    ActionFactory(title="About respect", status="agreed", workstreams=[respect])
    ActionFactory(title="About both", status="done", workstreams=[protect, respect])

    page = page_of(client.get(PUBLIC_LIST))

    order = [
        f">{respect.name}</h2>",
        "About respect",
        "About both",
        f">{protect.name}</h2>",
        "About protect",
        "Other things people raised",
        "About nothing in particular",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)

    chosen = page_of(client.get(PUBLIC_LIST, {"workstream": "protect"}))
    assert f">{respect.name}</h2>" not in chosen
    assert "About both" in chosen and "About protect" in chosen
    assert "About respect" not in chosen


def test_the_filters_narrow_the_list(client):
    respect = Workstream.objects.get(slug="respect")
    stop_search = Topic.objects.get(slug="stop-and-search")
    somali = CommunityFactory(name="Somali community")
    ActionFactory(title="By workstream", status="agreed", workstreams=[respect])
    ActionFactory(title="By topic", status="in_progress", topics=[stop_search])
    ActionFactory(title="By community", status="done", communities=[somali])
    ActionFactory(title="Cannot act here", status="cannot_act")
    titles = ["By workstream", "By topic", "By community", "Cannot act here"]

    for query, expected in [
        ({"workstream": "respect"}, "By workstream"),
        ({"topic": "stop-and-search"}, "By topic"),
        ({"community": somali.pk}, "By community"),
        ({"status": "cannot_act"}, "Cannot act here"),
    ]:
        page = page_of(client.get(PUBLIC_LIST, query))
        assert [title for title in titles if title in page] == [expected], query
        assert "Clear filters" in page


def test_an_action_about_several_things_is_listed_once_whatever_the_filter(client):
    respect, protect = Workstream.objects.filter(slug__in=["respect", "protect"])
    topics = list(Topic.objects.filter(slug__in=["stop-and-search", "hate-crime"]))
    communities = [CommunityFactory(name="Somali community"), CommunityFactory(name="Roma")]
    action = ActionFactory(
        title="About a great many things",
        status="in_progress",
        workstreams=[respect, protect],
        topics=topics,
        communities=communities,
    )
    ActionUpdateFactory(action=action, text="First public update")
    ActionUpdateFactory(action=action, text="Second public update")

    for query in [
        {},
        {"workstream": "respect"},
        {"topic": "hate-crime"},
        {"community": communities[1].pk},
        {"workstream": "protect", "topic": "stop-and-search", "community": communities[0].pk},
    ]:
        page = page_of(client.get(PUBLIC_LIST, query))
        assert page.count("About a great many things") == 1, query
        assert page.count("Second public update") == 1, query


def test_the_filters_offer_only_what_public_actions_are_about(client):
    stop_search = Topic.objects.get(slug="stop-and-search")
    hate_crime = Topic.objects.get(slug="hate-crime")
    shown, hidden = CommunityFactory(name="Shown community"), CommunityFactory(name="Kept quiet")
    ActionFactory(status="agreed", topics=[stop_search], communities=[shown])
    ActionFactory(status="proposed", topics=[hate_crime], communities=[hidden])
    ActionFactory(status="agreed", is_public=False, topics=[hate_crime], communities=[hidden])

    page = page_of(client.get(PUBLIC_LIST))

    assert stop_search.name in page and "Shown community" in page
    assert hate_crime.name not in page and "Kept quiet" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"status": "proposed"},
        {"status": "declined"},
        {"workstream": "../x"},
        {"topic": "no-such-topic"},
        {"community": "99999999999999999999"},
        {"community": "-1"},
        {"community": "abc"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
    ],
)
def test_junk_filter_values_show_the_page_not_an_error(client, query):
    ActionFactory(title="Listed anyway", status="agreed")
    ActionFactory(title="Never listed", status="proposed")

    page = page_of(client.get(PUBLIC_LIST, query))

    assert "Listed anyway" in page
    assert "Never listed" not in page


@pytest.mark.parametrize("name", ["status", "topic", "workstream", "community", "page"])
def test_a_nul_byte_in_a_filter_gets_the_bad_request_page(client, name):
    response = client.get(PUBLIC_LIST, {name: "a\x00b"})
    assert response.status_code == 400
    assert "<script" not in response.content.decode()


def test_nothing_yet_says_so(client):
    page = page_of(client.get(PUBLIC_LIST))
    assert "Nothing here yet." in page
    filtered = page_of(client.get(PUBLIC_LIST, {"status": "done"}))
    assert "No actions match these filters." in filtered


# One action -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Action.Status.PROPOSED},
        {"status": Action.Status.DECLINED},
        {"status": Action.Status.AGREED, "is_public": False},
        {"status": Action.Status.DONE, "is_public": False},
    ],
    ids=["proposed", "declined", "agreed for staff only", "done for staff only"],
)
def test_an_action_not_on_the_public_page_is_not_found(client, fields):
    action = ActionFactory(**fields)
    assert client.get(action.get_public_url()).status_code == 404


def test_an_unknown_action_is_not_found(client):
    assert client.get("/you-said-we-did/99999999999999999999/").status_code == 404
    assert client.get("/you-said-we-did/2147483648/").status_code == 404
    assert client.get("/you-said-we-did/0/").status_code == 404


def test_an_actions_page_tells_its_story_and_public_timeline(client):
    event = EventFactory(past=True, title="Longsight listening event")
    unpublished = EventFactory(past=True, title="Unpublished event", is_published=False)
    action = ActionFactory(
        title="CCTV by the park",
        status=Action.Status.CANNOT_ACT,
        you_said="People asked for cameras by the park.",
        we_did="We asked the council about cameras.",
        events=[event, unpublished],
    )
    ActionUpdateFactory(action=action, kind=ActionUpdate.Kind.AGREED, text="")
    ActionUpdateFactory(action=action, text="We met the council in May.")
    ActionUpdateFactory(
        action=action,
        kind=ActionUpdate.Kind.CANNOT_ACT,
        text=action.cannot_act_reason,
    )
    ActionUpdateFactory(
        action=action, text="Staff only: call back the councillor.", is_public=False
    )

    page = page_of(client.get(action.get_public_url()))

    for shown in (
        "CCTV by the park",
        "People asked for cameras by the park.",
        "We asked the council about cameras.",
        "Why we cannot act",
        "The building belongs to the council, not the police.",
        "We met the council in May.",
        "Longsight listening event",
        event.get_absolute_url(),
    ):
        assert shown in page
    assert "Staff only" not in page
    assert "Unpublished event" not in page
    assert reverse("keep-in-touch") in page


# Other pages that point here ---------------------------------------------------------------


def test_an_events_public_page_shows_the_public_actions_that_came_from_it(client):
    event = EventFactory(past=True)
    shown = ActionFactory(title="Friday foot patrols", status="agreed", events=[event])
    ActionFactory(title="Still a proposal", events=[event])
    ActionFactory(title="Only for staff", status="agreed", is_public=False, events=[event])

    page = page_of(client.get(event.get_absolute_url()))

    assert "Friday foot patrols" in page
    assert shown.get_public_url() in page
    assert "Still a proposal" not in page
    assert "Only for staff" not in page


def test_the_home_page_shows_the_latest_public_actions(client):
    ActionFactory(title="Oldest news", status="agreed")
    for title in ("Second news", "Third news", "Newest news"):
        ActionFactory(title=title, status="done")
    ActionFactory(title="A proposal nobody agreed")
    Action.objects.filter(title="Oldest news").update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )

    page = page_of(client.get("/"))

    for title in ("Second news", "Third news", "Newest news"):
        assert title in page
    assert "Oldest news" not in page
    assert "A proposal nobody agreed" not in page
    assert PUBLIC_LIST in page


def test_the_home_page_says_what_will_appear_before_anything_is_agreed(client):
    ActionFactory(title="A proposal nobody agreed")
    page = page_of(client.get("/"))
    assert "When we act on what communities tell us, we will show it here" in page
    assert "A proposal nobody agreed" not in page


def test_the_feedback_thank_you_page_links_to_you_said_we_did(client):
    page = page_of(client.get(reverse("feedback-thanks")))
    assert f'href="{PUBLIC_LIST}"' in page


def test_the_public_pages_work_without_javascript(client):
    action = ActionFactory(status="agreed", workstreams=[Workstream.objects.first()])
    for url in (PUBLIC_LIST, f"{PUBLIC_LIST}?status=agreed", action.get_public_url()):
        page = page_of(client.get(url))
        assert "<script" not in page, url
    # The filters are a plain form that reloads the page.
    assert 'method="get"' in page_of(client.get(PUBLIC_LIST))


def test_public_text_is_shown_as_text_never_run(client):
    action = ActionFactory(title="<script>alert(1)</script> title", status="agreed")
    for url in (PUBLIC_LIST, action.get_public_url()):
        page = page_of(client.get(url))
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page


# Queries ----------------------------------------------------------------------------------


def test_the_public_list_costs_the_same_queries_with_ten_thousand_actions(
    client, django_assert_max_num_queries, settings
):
    # The page as it is rendered, not as it is kept for the next visitor.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    department = DepartmentFactory(name="Neighbourhood Policing")
    many_actions(100, department=department)
    with django_assert_max_num_queries(10) as few:
        response = client.get(PUBLIC_LIST)
    shown_of_a_hundred = response.context["page"].paginator.count
    assert 0 < shown_of_a_hundred < 100

    many_actions(9_900, department=department)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(PUBLIC_LIST)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.context["page"].paginator.count == Action.objects.public().count()
    assert Action.objects.count() == 10_000
    # A filter costs a query or two to read its choice, however many actions there are.
    community = Community.objects.filter(name__startswith="Bulk community").first()
    for query in ({"workstream": "respect", "page": "3"}, {"community": community.pk}):
        with django_assert_max_num_queries(10):
            page_of(client.get(PUBLIC_LIST, query))


@pytest.mark.django_db
def test_each_story_reads_right_for_its_step(client, action_factory):
    late = action_factory(
        title="Late one",
        status=Action.Status.IN_PROGRESS,
        due_on=timezone.localdate() - timedelta(days=5),
    )
    done = action_factory(title="Done one", status=Action.Status.DONE)
    cannot = action_factory(title="Cannot one", status=Action.Status.CANNOT_ACT)

    late_page = client.get(late.get_public_url()).content.decode()
    assert "We will" in late_page
    assert "running late" in late_page
    done_page = client.get(done.get_public_url()).content.decode()
    assert "We said we would" in done_page
    assert "running late" not in done_page
    cannot_page = client.get(cannot.get_public_url()).content.decode()
    assert "What we planned" in cannot_page
    assert cannot_page.count(cannot.cannot_act_reason) == 1
