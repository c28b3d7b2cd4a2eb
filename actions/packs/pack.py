"""What a pack says about one event, read in the same few queries however much happened
since the community last met the force."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from actions.models import Action
from events.models import Event
from feedback.models import Findings, FindingsSection, KeyQuestion, Workstream

# Said about each workstream when the administrators have not written a description.
USUAL_WORKSTREAM_DESCRIPTIONS = {
    "respect": _lazy(
        "Treating people fairly and with dignity: how officers speak to people, how stop "
        "and search and force are used, and how complaints are handled."
    ),
    "protect": _lazy(
        "Keeping people safe: hate crime, safety where you live, and how well the police "
        "respond when you are a victim."
    ),
    "involve": _lazy(
        "Working with communities: asking, listening, explaining decisions and letting "
        "people hold the police to account."
    ),
    "represent": _lazy(
        "A police service that looks like the people it serves: who joins, who stays and "
        "who is promoted."
    ),
}
INK = "#0b0c0c"
WHITE = "#ffffff"


# Colours ------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """Relative luminance of a colour like #0b2e59, as WCAG defines it."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Organisation:
    """The force as the public knows it, and its colours."""

    name: str
    colour: str
    accent_colour: str

    @classmethod
    def from_settings(cls) -> "Organisation":
        return cls(
            name=settings.ORGANISATION_NAME,
            colour=settings.ORGANISATION_COLOUR,
            accent_colour=settings.ORGANISATION_ACCENT_COLOUR,
        )

    @property
    def text_colour(self) -> str:
        """White or black, whichever reads better on the organisation's colour."""
        return WHITE if contrast(self.colour, WHITE) >= contrast(self.colour, INK) else INK

    @property
    def is_dark(self) -> bool:
        return self.text_colour == WHITE

    @property
    def heading_colour(self) -> str:
        """The organisation's colour for headings on white, unless it is too pale to read."""
        return self.colour if contrast(self.colour, WHITE) >= 4.5 else INK


# The pack -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkstreamEntry:
    name: str
    description: str


@dataclass
class EventPack:
    """Everything the slides and the handout say about one event."""

    organisation: Organisation
    event: Event
    when: str
    place: str
    audience: str
    agenda: list[str]
    agenda_is_usual: bool
    workstreams: list[WorkstreamEntry]
    key_questions: list[KeyQuestion]
    previous_event: Event | None
    agreed: list[Action] = field(default_factory=list)
    done: list[Action] = field(default_factory=list)
    cannot_act: list[Action] = field(default_factory=list)
    findings: list[Findings] = field(default_factory=list)
    feedback_url: str = ""
    keep_in_touch_url: str = ""
    you_said_we_did_url: str = ""

    @property
    def since_we_last_met(self) -> bool:
        """Whether the community or programme met the force at an earlier event."""
        return self.previous_event is not None

    @property
    def previous_when(self) -> str:
        if self.previous_event is None:
            return ""
        return date_format(timezone.localtime(self.previous_event.starts_at), "l j F Y")

    @property
    def has_news(self) -> bool:
        return bool(self.agreed or self.done or self.cannot_act or self.findings)


def _place(event: Event) -> str:
    if event.venue is None:
        return _("Online")
    if event.format == Event.Format.HYBRID:
        return _("%(venue)s, and online") % {"venue": event.venue.name}
    return event.venue.name


def _when(event: Event) -> str:
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": date_format(starts, "l j F Y"),
        "start": date_format(starts, "H:i"),
        "end": date_format(ends, "H:i"),
    }


def _usual_agenda(*, since_we_last_met: bool) -> list[str]:
    agenda = [_("Welcome and introductions"), _("The Police Race Action Plan")]
    if since_we_last_met:
        agenda.append(_("Since we last met: what we did about what you said"))
    agenda += [
        _("Our key questions: your views"),
        _("How to give feedback and keep in touch"),
    ]
    return agenda


def previous_event_for(event: Event) -> Event | None:
    """The latest held event before this one with the same focus community, or, for an
    event open to all, in the same programme."""
    earlier = Event.objects.filter(status=Event.Status.HELD, starts_at__lt=event.starts_at)
    if event.focus_community_id is not None:
        earlier = earlier.filter(focus_community_id=event.focus_community_id)
    else:
        earlier = earlier.filter(programme_id=event.programme_id)
    return earlier.exclude(pk=event.pk).select_related("venue").order_by("-starts_at").first()


def _events_in_scope(event: Event) -> Q:
    """The events whose actions and findings the community or programme hears about."""
    if event.focus_community_id is not None:
        return Q(events__focus_community_id=event.focus_community_id)
    return Q(events__programme_id=event.programme_id)


def _actions_since(event: Event, since: datetime, until: datetime):
    """Public actions for the community or programme agreed, done or marked cannot act
    between the two times, each sorted into one of the three by what last happened to
    it then."""
    scope = _events_in_scope(event)
    if event.focus_community_id is not None:
        scope |= Q(communities__id=event.focus_community_id)
    in_scope = Action.objects.filter(scope)
    finished = (Action.Status.DONE, Action.Status.CANNOT_ACT)
    actions = (
        Action.objects.public()
        .filter(pk__in=in_scope.values("pk"))
        .filter(
            Q(agreed_at__gte=since, agreed_at__lt=until)
            | Q(status__in=finished, status_changed_at__gte=since, status_changed_at__lt=until)
        )
        .select_related("department")
        .order_by("status_changed_at", "pk")
    )
    agreed, done, cannot_act = [], [], []
    for action in actions:
        finished_then = action.status in finished and since <= action.status_changed_at < until
        if finished_then and action.status == Action.Status.DONE:
            done.append(action)
        elif finished_then:
            cannot_act.append(action)
        else:
            agreed.append(action)
    agreed.sort(key=lambda action: (action.agreed_at, action.pk))
    return agreed, done, cannot_act


def _findings_since(event: Event, since: datetime, until: datetime) -> list[Findings]:
    in_scope = Findings.objects.filter(_events_in_scope(event))
    return list(
        Findings.objects.shared()
        .filter(pk__in=in_scope.values("pk"), shared_at__gte=since, shared_at__lt=until)
        .select_related("agreed_version")
        .prefetch_related(
            Prefetch(
                "agreed_version__sections",
                queryset=FindingsSection.objects.order_by("position", "pk"),
            )
        )
        .order_by("shared_at", "pk")
    )


def event_pack(event: Event) -> EventPack:
    """The pack for an event, in the same few queries however much happened since the
    community last met the force. The event comes with its programme, community and
    venue (Event.objects.for_staff_page)."""
    previous = previous_event_for(event)
    agenda = [line.strip() for line in event.agenda.splitlines() if line.strip()]
    workstreams = [
        WorkstreamEntry(
            name=workstream.name,
            description=workstream.description.strip()
            or str(USUAL_WORKSTREAM_DESCRIPTIONS.get(workstream.slug, "")),
        )
        for workstream in Workstream.objects.order_by("position", "name")
    ]
    pack = EventPack(
        organisation=Organisation.from_settings(),
        event=event,
        when=_when(event),
        place=_place(event),
        audience=event.audience,
        agenda=agenda or _usual_agenda(since_we_last_met=previous is not None),
        agenda_is_usual=not agenda,
        workstreams=workstreams,
        key_questions=list(KeyQuestion.objects.for_programme(event.programme)),
        previous_event=previous,
        feedback_url=event.feedback_url(),
        keep_in_touch_url=f"{settings.SITE_URL}{reverse('keep-in-touch')}",
        you_said_we_did_url=f"{settings.SITE_URL}{reverse('actions:public-list')}",
    )
    if previous is not None:
        since, until = previous.starts_at, event.starts_at
        pack.agreed, pack.done, pack.cannot_act = _actions_since(event, since, until)
        pack.findings = _findings_since(event, since, until)
    return pack
