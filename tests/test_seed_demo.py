from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.models import Action, ActionUpdate
from conftest import DEMO_PASSWORD
from contacts.models import Attendance, Attendee, ConsentPurpose, ConsentRecord, PendingSignUp
from engagement.models import Community, Department, Programme
from engagement.roles import Role, roles_of
from evaluation.models import AboutYouCard, PopulationShare, Wave
from events.models import Debrief, Event, Venue
from feedback.models import (
    Findings,
    FindingsChange,
    FocusGroupInvitation,
    FocusGroupMeeting,
    FocusGroupMember,
    KeyQuestion,
    SectionAnswer,
    SenseCheckRequest,
)
from feedback.selectors import findings_to_check

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "coordinator": Role.COORDINATOR,
    "leader": Role.LEADER,
    "owner": Role.ACTION_OWNER,
    "panel": Role.FOCUS_GROUP_MEMBER,
    "admin": Role.ADMINISTRATOR,
}


def test_seed_demo_makes_a_user_per_role_who_signs_in_with_the_printed_password(demo_data, rf):
    assert DEMO_PASSWORD in demo_data
    for username, role in DEMO_USERS.items():
        assert username in demo_data
        user = authenticate(rf.get("/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert roles_of(user) == {role}
        assert not user.is_superuser
        assert user.is_staff is (role == Role.ADMINISTRATOR)


def test_seed_demo_makes_a_programme_asking_the_four_questions(demo_data):
    programme = Programme.objects.get()
    questions = KeyQuestion.objects.for_programme(programme)
    assert [question.workstream.slug for question in questions] == [
        "respect",
        "protect",
        "involve",
        "represent",
    ]
    assert Community.objects.count() >= 5
    training = Department.objects.get(name="Training and Learning")
    assert training.members.filter(username="owner").exists()


def test_demo_data_has_a_year_of_events_with_debriefs_costs_and_attendance(demo_data):
    assert Venue.objects.count() >= 5
    held = Event.objects.filter(status=Event.Status.HELD)
    assert held.count() >= 10
    assert Event.objects.upcoming().published().count() >= 3
    assert Event.objects.filter(status=Event.Status.CANCELLED).exists()
    assert Debrief.objects.count() == held.count()
    assert all(event.headcount and event.total_cost for event in held)
    assert held.filter(officers_attending__username="coordinator").exists()
    assert held.filter(key_questions_covered__isnull=False).exists()
    assert Event.objects.values("focus_community").distinct().count() >= 4


def test_demo_data_has_a_few_hundred_contacts_with_varied_consents(demo_data):
    assert Attendee.objects.count() >= 200
    assert Attendee.objects.opted_in_for_updates().count() >= 100
    assert PendingSignUp.objects.exists()
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=False).exists()
    assert Attendee.objects.with_live_consent(ConsentPurpose.FOCUS_GROUP).exists()
    assert Attendee.objects.with_live_consent(ConsentPurpose.DEMOGRAPHIC_DATA).exists()
    assert Attendance.objects.count() >= 100


def _count_of_every_model() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in {"sessions", "admin"}
    }


def test_running_seed_demo_again_adds_nothing_anywhere(demo_data, settings):
    settings.DEBUG = True
    before = _count_of_every_model()

    call_command("seed_demo", stdout=None)

    assert _count_of_every_model() == before


def test_seed_demo_refuses_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="for development"):
        call_command("seed_demo")


# The focus group and findings --------------------------------------------------------


def test_the_demo_focus_group_has_members_past_members_and_the_panel_user(demo_data, rf):
    active = FocusGroupMember.objects.active()
    assert 10 <= active.count() <= 15
    assert active.filter(user__username="panel").exists()
    recruited = active.exclude(user__username="panel")
    assert all(
        ConsentPurpose.FOCUS_GROUP in member.attendee.live_consent_purposes()
        for member in recruited.select_related("attendee")
    )
    member = recruited.first()
    user = authenticate(rf.get("/"), username=member.user.username, password=DEMO_PASSWORD)
    assert user is not None
    assert roles_of(user) == {Role.FOCUS_GROUP_MEMBER}

    past = FocusGroupMember.objects.past()
    assert past.count() == 2
    assert {member.stepped_down for member in past} == {True, False}
    assert all(roles_of(member.user) == frozenset() for member in past)
    assert FocusGroupInvitation.objects.still_valid().count() == 1


def test_the_demo_focus_group_meets_and_facilitates(demo_data):
    held = FocusGroupMeeting.objects.past().with_reply_counts()
    assert held.count() >= 4
    assert all(meeting.attendance_recorded_at and meeting.attended_count for meeting in held)
    upcoming = FocusGroupMeeting.objects.upcoming().not_cancelled()
    assert upcoming.count() == 2
    assert upcoming.first().replies.exists()
    panel = FocusGroupMember.objects.get(user__username="panel")
    assert not upcoming.first().replies.filter(member=panel).exists()
    assert (
        FocusGroupMember.events_facilitated.through.objects.values("event").distinct().count() >= 3
    )


def test_demo_findings_are_at_every_step_with_answers_from_members(demo_data):
    assert set(Findings.objects.values_list("status", flat=True)) == set(Findings.Status.values)
    assert not Findings.objects.filter(events__isnull=True).exists()
    round_up = Findings.objects.get(status=Findings.Status.AGREED)
    assert round_up.events.count() == 2
    assert SectionAnswer.objects.current().exclude(verdict="accurate").exists()
    assert SectionAnswer.objects.filter(is_late=True).exists()
    assert FindingsChange.objects.filter(because_of__isnull=False).exists()
    amending = Findings.objects.get(status=Findings.Status.AMENDING)
    assert amending.versions.count() == 2
    shared = Findings.objects.get(status=Findings.Status.SHARED)
    assert shared.agreed_version.sections.exists()


def test_the_demo_panel_user_has_findings_to_check(demo_data):
    panel = get_user_model().objects.get(username="panel").focus_group_membership
    assert [request.version.findings.status for request in findings_to_check(member=panel)] == [
        Findings.Status.WITH_FOCUS_GROUP
    ]
    assert not SenseCheckRequest.objects.filter(member=panel, answers__isnull=False).exists()


# You Said, We Did ----------------------------------------------------------------------


def test_demo_actions_are_at_every_status_across_departments(demo_data):
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert Action.objects.values("department").distinct().count() >= 6
    assert all(
        len(action.cannot_act_reason) > 100
        for action in Action.objects.filter(status=Action.Status.CANNOT_ACT)
    )
    assert Action.objects.filter(status=Action.Status.DECLINED).exclude(decline_reason="").exists()
    updates = ActionUpdate.objects.filter(kind=ActionUpdate.Kind.UPDATE)
    assert updates.filter(is_public=True).exists()
    assert updates.filter(is_public=False).exists()
    assert Action.objects.filter(is_public=False, status__in=Action.UNDER_WAY_STATUSES).exists()
    # Each action answers feedback from a demo event or a section of the demo findings.
    assert not Action.objects.filter(items__isnull=True, sections__isnull=True).exists()
    assert Action.objects.filter(sections__version__findings__status="shared").exists()


def test_demo_action_timelines_happened_over_the_year_in_order(demo_data):
    now = timezone.now()
    actions = Action.objects.prefetch_related("updates")
    assert min(action.created_at for action in actions) < now - timedelta(days=180)
    for action in actions:
        timeline = list(action.updates.all())
        assert timeline[0].kind == ActionUpdate.Kind.PROPOSED, action
        assert timeline[0].at == action.created_at < now
        steps = [update for update in timeline if update.kind != ActionUpdate.Kind.UPDATE]
        assert action.status_changed_at == steps[-1].at, action
        if action.agreed_at:
            agreed = next(u for u in timeline if u.kind == ActionUpdate.Kind.AGREED)
            assert agreed.at == action.agreed_at > action.created_at


def test_the_demo_owner_sees_overdue_training_actions_first(demo_data, client):
    owner = get_user_model().objects.get(username="owner")
    theirs = Action.objects.for_department_of(owner)
    overdue = list(theirs.overdue().order_by("due_on"))
    assert len(overdue) >= 2
    assert {action.department.name for action in overdue} == {"Training and Learning"}
    assert theirs.due_soon().exists()
    assert Action.objects.overdue().exclude(department__name="Training and Learning").exists()

    client.force_login(owner)
    page = client.get("/staff/actions/mine/").content.decode()
    positions = [page.index(action.title) for action in overdue]
    assert positions == sorted(positions)
    for action in theirs.exclude(pk__in=[action.pk for action in overdue]).exclude(
        status=Action.Status.DECLINED
    ):
        assert page.index(action.title) > positions[-1], action


def test_demo_actions_are_on_you_said_we_did_and_their_events_pages(demo_data, client):
    public = list(Action.objects.public())
    assert len(public) >= 10
    page = client.get("/you-said-we-did/").content.decode()
    for action in public:
        assert action.title in page
    for action in Action.objects.exclude(pk__in=[action.pk for action in public]):
        assert action.title not in page
    for staff_name in ("Priya", "Okafor", "Hughes"):
        assert staff_name not in page

    events = Event.objects.filter(actions__in=public).distinct()
    assert events.count() >= 3
    for event in events:
        event_page = client.get(event.get_absolute_url()).content.decode()
        assert any(action.title in event_page for action in event.actions.public())


# Evaluation ----------------------------------------------------------------------------


def test_demo_data_has_two_survey_waves_census_shares_and_about_you_cards(demo_data):
    waves = {wave.name: wave for wave in Wave.objects.all()}
    assert set(waves) == {"2022", "2026"}
    assert waves["2022"].status == Wave.Status.CLOSED
    assert waves["2026"].status == Wave.Status.OPEN
    assert all(wave.responses.count() >= 250 for wave in waves.values())
    assert PopulationShare.objects.count() == 13
    assert AboutYouCard.objects.exists()
