"""Demo data for You Said, We Did: actions across the force's departments at every
status, answering feedback from the demo events and sections of the demo findings, so
that they show on those events' public pages. Each is taken through the same services
the staff pages use (proposed by the Coordinator, agreed or declined by the Leader,
updated by the department) and its timeline is then dated back over the year, as if
it had happened as the events were held. Some are overdue, most of all in Training and
Learning, the demo action owner's department. Actions are made once; running again
changes nothing."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionUpdate
from actions.services import action_agree, action_decline, action_post_update, action_propose
from engagement.demo import PROGRAMME_NAME
from engagement.models import Community, Department, Programme
from events.demo import TITLES as EVENT_TITLES
from events.models import Event
from feedback.models import FeedbackItem, Findings, FindingsSection, Topic, Workstream

Status = Action.Status
TRAINING = "Training and Learning"
POINTS_PER_ACTION = 25


@dataclass(frozen=True)
class Step:
    """One update, `when` of the way from the action's agreement to today."""

    when: float
    text: str = ""
    is_public: bool = True
    status: str = ""


@dataclass(frozen=True)
class Plan:
    title: str
    you_said: str
    we_did: str
    department: str
    due_in_days: int
    status: str
    workstreams: tuple = ()
    topics: tuple = ()
    communities: tuple = ()
    # The feedback it answers: points on `heard_topic` from the first event held for
    # the community `heard_from`, and the section about `findings_workstream` of the
    # findings that were shared ("shared") or agreed as a round-up ("round-up").
    heard_from: str = ""
    heard_topic: str = ""
    findings: str = ""
    findings_workstream: str = ""
    steps: tuple = field(default_factory=tuple)
    reason: str = ""
    is_public: bool = True
    proposed_days_ago: int = 150


PLANS = [
    # Training and Learning: the demo owner's department, with two actions overdue.
    Plan(
        title="Explaining a stop before a search",
        you_said=(
            "People told us officers often start searching before saying why they have "
            "stopped someone, and that this feels like being treated as guilty."
        ),
        we_did=(
            "Every response and neighbourhood officer will do a half-day refresher on "
            "explaining the grounds and purpose of a stop before a search begins, written "
            "and delivered with community trainers."
        ),
        department=TRAINING,
        due_in_days=-12,
        status=Status.IN_PROGRESS,
        workstreams=("respect",),
        topics=("stop-and-search", "cultural-awareness-and-training"),
        communities=("Black African communities", "Black Caribbean communities"),
        findings="shared",
        findings_workstream="respect",
        steps=(
            Step(0.2, status=Status.IN_PROGRESS),
            Step(
                0.3,
                "The course has been written with two community trainers from Moss Side. "
                "The first sessions are booked.",
            ),
            Step(0.6, "About 180 of 420 officers have done the refresher so far."),
            Step(
                0.9,
                "Four sessions were cancelled when trainers were moved to cover summer "
                "events. New dates needed before the due date can be met.",
                is_public=False,
            ),
        ),
    ),
    Plan(
        title="Faith and cultural awareness for new officers",
        you_said=(
            "People at the mosque asked that officers understand their faith and customs, "
            "for example taking shoes off in the prayer hall."
        ),
        we_did=(
            "New officers will visit a mosque, a gurdwara and a Black-majority church in "
            "their first year, hosted by the communities themselves."
        ),
        department=TRAINING,
        due_in_days=-4,
        status=Status.AGREED,
        workstreams=("respect",),
        topics=("cultural-awareness-and-training",),
        communities=("South Asian Muslim communities",),
        heard_from="South Asian Muslim communities",
        heard_topic="cultural-awareness-and-training",
        steps=(
            Step(
                0.5,
                "Waiting for the mosque committee to agree dates for the visits.",
                is_public=False,
            ),
        ),
    ),
    Plan(
        title="Community trainers in initial officer training",
        you_said="People asked to help train new officers about their community.",
        we_did=(
            "Every new intake spends a morning with trainers from local community "
            "organisations, who talk about their experience of policing."
        ),
        department=TRAINING,
        due_in_days=-60,
        status=Status.DONE,
        workstreams=("involve",),
        topics=("cultural-awareness-and-training",),
        communities=("Black Caribbean communities", "Somali communities"),
        heard_from="Black Caribbean communities",
        heard_topic="cultural-awareness-and-training",
        proposed_days_ago=230,
        steps=(
            Step(0.1, status=Status.IN_PROGRESS),
            Step(0.3, "Six community trainers recruited and paid for their time."),
            Step(
                0.7,
                "Since September every new intake has spent a morning with community "
                "trainers. Officers rated it the most useful part of their first week.",
                status=Status.DONE,
            ),
        ),
    ),
    Plan(
        title="Body-worn video refresher for supervisors",
        you_said="People said body cameras should always be on during a stop and search.",
        we_did=(
            "Sergeants will be trained to check body-worn video after searches and to "
            "follow up when a camera was not switched on."
        ),
        department=TRAINING,
        due_in_days=9,
        status=Status.AGREED,
        workstreams=("respect",),
        topics=("stop-and-search",),
        communities=("Young people (16–24)",),
        heard_from="Young people (16–24)",
        heard_topic="stop-and-search",
        proposed_days_ago=40,
        steps=(Step(0.5, "The training materials are ready; sessions start next month."),),
    ),
    Plan(
        title="Gypsy, Roma and Traveller awareness for neighbourhood teams",
        you_said=(
            "People living on sites said officers only visit when there is trouble and do "
            "not understand their way of life."
        ),
        we_did=(
            "Neighbourhood teams covering sites will do awareness training led by a "
            "Traveller-led charity, and visit each site at least once a quarter."
        ),
        department=TRAINING,
        due_in_days=90,
        status=Status.PROPOSED,
        workstreams=("respect", "involve"),
        topics=("cultural-awareness-and-training", "neighbourhood-teams"),
        communities=("Gypsy, Roma and Traveller communities",),
        heard_from="Gypsy, Roma and Traveller communities",
        heard_topic="neighbourhood-teams",
        proposed_days_ago=6,
    ),
    # Stop and Search Scrutiny.
    Plan(
        title="Young people on the stop and search scrutiny panel",
        you_said="Young people asked to sit on the panels that check stop and search.",
        we_did=(
            "Places on the community scrutiny panel are kept for young people aged 16 to "
            "24, who watch body-worn video of searches with the panel every month."
        ),
        department="Stop and Search Scrutiny",
        due_in_days=-30,
        status=Status.DONE,
        workstreams=("involve",),
        topics=("stop-and-search", "young-people"),
        communities=("Young people (16–24)",),
        heard_from="Young people (16–24)",
        heard_topic="young-people",
        proposed_days_ago=220,
        steps=(
            Step(0.2, status=Status.IN_PROGRESS),
            Step(0.4, "Places advertised through youth clubs, colleges and on social media."),
            Step(
                0.8,
                "Four young people aged 17 to 23 joined the panel in January and have "
                "reviewed footage at every meeting since.",
                status=Status.DONE,
            ),
        ),
    ),
    Plan(
        title="Stop and search figures for each neighbourhood",
        you_said="People asked to see the stop and search figures for their area.",
        we_did=(
            "We will publish stop and search figures for each neighbourhood every "
            "quarter, by ethnicity and outcome, with a plain-English summary."
        ),
        department="Stop and Search Scrutiny",
        due_in_days=30,
        status=Status.IN_PROGRESS,
        workstreams=("involve", "respect"),
        topics=("stop-and-search",),
        communities=("Black African communities", "Somali communities"),
        findings="round-up",
        findings_workstream="respect",
        steps=(
            Step(0.3, status=Status.IN_PROGRESS),
            Step(0.6, "The first quarter's figures for Moss Side and Longsight are online."),
            Step(0.8, "Data team asked to add outcomes by age group.", is_public=False),
        ),
    ),
    Plan(
        title="Body-worn cameras on for every search",
        you_said="People said cameras should be switched on for every stop and search.",
        we_did=(
            "Supervisors will check every month that cameras were on for every search, "
            "and we will publish how often they were."
        ),
        department="Stop and Search Scrutiny",
        due_in_days=-20,
        status=Status.IN_PROGRESS,
        workstreams=("respect",),
        topics=("stop-and-search",),
        communities=("Black Caribbean communities",),
        heard_from="Black Caribbean communities",
        heard_topic="stop-and-search",
        steps=(
            Step(0.2, status=Status.IN_PROGRESS),
            Step(
                0.5,
                "A sample of 200 searches found cameras were on in 86 in every 100. "
                "Supervisors are following up each one that was not.",
                is_public=False,
            ),
        ),
    ),
    # Professional Standards.
    Plan(
        title="Keeping people told about their complaint",
        you_said="People said nobody got back to them for months after they complained.",
        we_did=(
            "Everyone who complains will have a named contact and an update at least "
            "every 28 days until their complaint is closed."
        ),
        department="Professional Standards",
        due_in_days=45,
        status=Status.IN_PROGRESS,
        workstreams=("respect",),
        topics=("complaints",),
        communities=("Black African communities",),
        heard_from="Black African communities",
        heard_topic="complaints",
        steps=(
            Step(0.3, status=Status.IN_PROGRESS),
            Step(0.7, "Every new complaint now has a named contact from the first day."),
        ),
    ),
    Plan(
        title="Complaints handled outside the police",
        you_said="People said complaints should be handled by someone outside the police.",
        we_did=(
            "We looked at whether every complaint could be handled by a body independent "
            "of the force."
        ),
        department="Professional Standards",
        due_in_days=-10,
        status=Status.CANNOT_ACT,
        workstreams=("respect",),
        topics=("complaints",),
        communities=("Black Caribbean communities", "Somali communities"),
        findings="shared",
        findings_workstream="respect",
        reason=(
            "The law gives most complaints to the force to handle, and only the "
            "Independent Office for Police Conduct (IOPC) investigates independently, "
            "taking the most serious cases. We cannot change that. What we have done: "
            "every letter about a complaint now explains how to ask for a review of the "
            "way we handled it, and community members sit on our complaints review panel."
        ),
        steps=(
            Step(
                0.4,
                "Legal advice confirms the force cannot pass complaints to an outside body.",
                is_public=False,
            ),
            Step(0.6, status=Status.CANNOT_ACT),
        ),
    ),
    # People and Recruitment.
    Plan(
        title="Recruitment visits to colleges",
        you_said=(
            "People said recruitment should come to their colleges and explain the "
            "apprenticeship route into the police."
        ),
        we_did=(
            "The recruitment team will visit every further education college in the force "
            "area each term, with officers and staff from local communities."
        ),
        department="People and Recruitment",
        due_in_days=10,
        status=Status.DONE,
        workstreams=("represent",),
        topics=("recruitment-and-representation", "young-people"),
        communities=("Young people (16–24)", "Black African communities"),
        findings="round-up",
        findings_workstream="represent",
        proposed_days_ago=200,
        steps=(
            Step(0.2, status=Status.IN_PROGRESS),
            Step(0.5, "Visited eight of eleven colleges; 140 students came to talks."),
            Step(
                0.8,
                "All eleven colleges visited. 37 students have started an application.",
                status=Status.DONE,
            ),
        ),
    ),
    Plan(
        title="Explaining the vetting and fitness tests",
        you_said="People think they could not pass the vetting and fitness tests.",
        we_did=(
            "We will run open evenings where recruits from local communities explain the "
            "vetting and fitness tests, and offer practice sessions for the fitness test."
        ),
        department="People and Recruitment",
        due_in_days=20,
        status=Status.AGREED,
        workstreams=("represent",),
        topics=("recruitment-and-representation",),
        communities=("Somali communities", "Mixed heritage communities"),
        heard_from="Somali communities",
        heard_topic="recruitment-and-representation",
        proposed_days_ago=30,
    ),
    Plan(
        title="Recruitment adverts showing local people",
        you_said="People said recruitment adverts should show people from their community.",
        we_did="New recruitment adverts featuring officers from local communities.",
        department="People and Recruitment",
        due_in_days=60,
        status=Status.DECLINED,
        workstreams=("represent",),
        topics=("recruitment-and-representation",),
        heard_from="Mixed heritage communities",
        heard_topic="recruitment-and-representation",
        reason=(
            "The force-wide campaign launching in spring already features officers and "
            "staff from local communities; the college visits action covers the rest."
        ),
        proposed_days_ago=90,
    ),
    # Custody.
    Plan(
        title="Interpreters in custody from the first hour",
        you_said=(
            "People said someone arrested who does not speak English well waits too long "
            "to understand what is happening to them."
        ),
        we_did=(
            "Custody will book a telephone interpreter within the first hour for anyone "
            "who needs one, and keep a list of officers and staff who speak Somali, Urdu, "
            "Arabic and Tigrinya."
        ),
        department="Custody",
        due_in_days=-6,
        status=Status.IN_PROGRESS,
        workstreams=("protect",),
        topics=("custody",),
        communities=("Somali communities", "Black African communities"),
        heard_from="Somali communities",
        heard_topic="custody",
        steps=(
            Step(0.2, status=Status.IN_PROGRESS),
            Step(0.5, "Telephone interpreting is now available day and night in all three suites."),
            Step(
                0.8,
                "The list of staff who speak other languages is waiting for sign-off by HR.",
                is_public=False,
            ),
        ),
    ),
    Plan(
        title="Leaflets on your rights in custody in other languages",
        you_said="People asked for information about rights in custody in their language.",
        we_did="The custody rights leaflet will be available in the ten most used languages.",
        department="Custody",
        due_in_days=50,
        status=Status.PROPOSED,
        workstreams=("protect",),
        topics=("custody",),
        communities=("South Asian Muslim communities", "Somali communities"),
        heard_from="South Asian Muslim communities",
        heard_topic="custody",
        proposed_days_ago=3,
    ),
    # Neighbourhood Policing.
    Plan(
        title="Evening patrols near the park",
        you_said="People said patrols near the park at night would make them feel safer.",
        we_did="The neighbourhood team will walk the park and nearby streets on weekend evenings.",
        department="Neighbourhood Policing",
        due_in_days=-90,
        status=Status.DONE,
        workstreams=("protect",),
        topics=("neighbourhood-teams",),
        communities=("Black Caribbean communities",),
        heard_from="Black Caribbean communities",
        heard_topic="neighbourhood-teams",
        proposed_days_ago=240,
        steps=(
            Step(0.1, status=Status.IN_PROGRESS),
            Step(
                0.5,
                "Weekend evening patrols have run every week since the spring, with "
                "reported antisocial behaviour near the park down by a third.",
                status=Status.DONE,
            ),
        ),
    ),
    Plan(
        title="The same neighbourhood officers for longer",
        you_said="People said the neighbourhood team changes too often to get to know anyone.",
        we_did="We looked at keeping neighbourhood officers in the same area for longer.",
        department="Neighbourhood Policing",
        due_in_days=-15,
        status=Status.CANNOT_ACT,
        workstreams=("involve",),
        topics=("neighbourhood-teams",),
        communities=("Somali communities",),
        findings="round-up",
        findings_workstream="involve",
        reason=(
            "Officers move on for promotion and for their own development, and we cannot "
            "stop that without losing good officers. Instead each ward now has a named "
            "police community support officer who stays at least two years, and new "
            "officers are introduced at the ward's community meeting."
        ),
        steps=(Step(0.5, status=Status.CANNOT_ACT),),
    ),
    # Digital Services.
    Plan(
        title="The website in Somali and Urdu",
        you_said="People asked for the police website in other languages, like Somali and Urdu.",
        we_did=(
            "The pages on reporting a crime and on hate crime will be available in Somali "
            "and Urdu, checked by native speakers from the community."
        ),
        department="Digital Services",
        due_in_days=60,
        status=Status.AGREED,
        workstreams=("protect",),
        topics=("website-and-online-reporting", "hate-crime"),
        communities=("Somali communities", "South Asian Muslim communities"),
        heard_from="Somali communities",
        heard_topic="website-and-online-reporting",
        proposed_days_ago=50,
        steps=(Step(0.4, "Translators booked; pages chosen.", is_public=False),),
    ),
    Plan(
        title="Accessibility check of the online hate crime form",
        you_said="People said online reporting forms are too hard to use on a phone.",
        we_did="An accessibility audit of the online hate crime reporting form on phones.",
        department="Digital Services",
        due_in_days=25,
        status=Status.IN_PROGRESS,
        workstreams=("protect",),
        topics=("website-and-online-reporting",),
        heard_from="Young people (16–24)",
        heard_topic="website-and-online-reporting",
        is_public=False,
        proposed_days_ago=60,
        steps=(
            Step(0.3, status=Status.IN_PROGRESS),
            Step(0.6, "Supplier quote received.", is_public=False),
        ),
    ),
    # Corporate Communications.
    Plan(
        title="Telling people what changed after they spoke to us",
        you_said="People asked us to come back and tell them what we did about what they said.",
        we_did=(
            "This page: every action we agree is published here, and people who came to an "
            "event and asked for updates are emailed when an action is agreed or done."
        ),
        department="Corporate Communications",
        due_in_days=-20,
        status=Status.DONE,
        workstreams=("involve",),
        findings="shared",
        findings_workstream="involve",
        communities=("Black African communities", "Young people (16–24)"),
        steps=(
            Step(0.3, status=Status.IN_PROGRESS),
            Step(0.6, "You Said, We Did is live.", status=Status.DONE),
        ),
    ),
]


def _feedback_for(plan: Plan, programme) -> list[FeedbackItem]:
    if not plan.heard_from:
        return []
    # Each community's events share a title; not every one names the community.
    event = (
        programme.events.filter(status=Event.Status.HELD, title=EVENT_TITLES[plan.heard_from])
        .order_by("starts_at")
        .first()
    )
    if event is None:
        return []
    points = FeedbackItem.objects.quotable().filter(event=event, was_redacted=False)
    on_topic = points.filter(topics__slug=plan.heard_topic).order_by("pk")
    return list(on_topic[:POINTS_PER_ACTION])


def _sections_for(plan: Plan) -> list[FindingsSection]:
    if not plan.findings:
        return []
    status = Findings.Status.SHARED if plan.findings == "shared" else Findings.Status.AGREED
    findings = Findings.objects.filter(status=status, agreed_version__isnull=False).first()
    if findings is None:
        return []
    sections = findings.agreed_version.sections.order_by("position")
    section = (
        sections.filter(key_question__workstream__slug=plan.findings_workstream).first()
        or sections.first()
    )
    return [section] if section else []


def _proposed_at(plan: Plan, events: list[Event], now: datetime) -> datetime:
    """`proposed_days_ago`, or later if the feedback came from a later event: a week or
    so after it."""
    proposed = now - timedelta(days=plan.proposed_days_ago)
    if events:
        proposed = max(proposed, max(event.ends_at for event in events) + timedelta(days=8))
    return min(proposed, now - timedelta(days=1))


def _date(action: Action, since_pk: int, when: datetime) -> None:
    """Date the timeline entries made since `since_pk` as if written `when`."""
    ActionUpdate.objects.filter(action=action, pk__gt=since_pk).update(at=when)


def _last_pk(action: Action) -> int:
    return action.updates.order_by("-pk").values_list("pk", flat=True).first() or 0


def _tell(plan: Plan, *, programme, people: dict, now: datetime) -> Action:
    """One action's story, through the services, dated back."""
    department = Department.objects.get(name=plan.department)
    in_training = plan.department == TRAINING
    items = _feedback_for(plan, programme)
    sections = _sections_for(plan)
    events = list({item.event for item in items if item.event})
    for section in sections:
        events.extend(section.version.findings.events.all())
    proposed_at = _proposed_at(plan, events, now)
    due_on = timezone.localdate(now) + timedelta(days=plan.due_in_days)
    action = action_propose(
        title=plan.title,
        you_said=plan.you_said,
        we_did=plan.we_did,
        department=department,
        owner=people["owner"] if in_training else None,
        due_on=due_on,
        workstreams=Workstream.objects.filter(slug__in=plan.workstreams),
        topics=Topic.objects.filter(slug__in=plan.topics),
        communities=Community.objects.filter(name__in=plan.communities),
        items=items,
        sections=sections,
        is_public=plan.is_public,
        by=people["coordinator"],
        # The due date was in the future when it was set.
        today=min(timezone.localdate(proposed_at), due_on),
    )
    Action.objects.filter(pk=action.pk).update(
        created_at=proposed_at, status_changed_at=proposed_at
    )
    _date(action, 0, proposed_at)
    if plan.status == Status.PROPOSED:
        return action

    decided_at = proposed_at + timedelta(days=6)
    since = _last_pk(action)
    if plan.status == Status.DECLINED:
        action_decline(action=action, reason=plan.reason, by=people["leader"])
        Action.objects.filter(pk=action.pk).update(status_changed_at=decided_at)
        _date(action, since, decided_at)
        return action
    action_agree(action=action, by=people["leader"])
    Action.objects.filter(pk=action.pk).update(agreed_at=decided_at, status_changed_at=decided_at)
    _date(action, since, decided_at)

    updater = people["owner"] if in_training else people["coordinator"]
    for step in plan.steps:
        when = decided_at + (now - decided_at) * step.when
        since = _last_pk(action)
        action_post_update(
            action=action,
            by=updater,
            text=step.text,
            is_public=step.is_public,
            status=step.status,
            cannot_act_reason=plan.reason if step.status == Status.CANNOT_ACT else "",
        )
        _date(action, since, when)
        if step.status:
            Action.objects.filter(pk=action.pk).update(status_changed_at=when)
    return action


@transaction.atomic
def seed(*, password: str) -> None:
    if Action.objects.exists():
        return
    programme = Programme.objects.get(name=PROGRAMME_NAME)
    User = get_user_model()
    people = {
        username: User.objects.get(username=username)
        for username in ("coordinator", "leader", "owner")
    }
    now = timezone.now()
    for plan in PLANS:
        _tell(plan, programme=programme, people=people, now=now)
