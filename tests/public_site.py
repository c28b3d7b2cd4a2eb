"""The public site as the property tests see it: every public URL, read from the URL
conf; real values for their parameters, taken from links the app itself hands out;
and every public form, read from the pages themselves. A new public page or form is
covered as soon as it exists."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from actions.models import Action
from actions.tests.factories import ActionFactory
from conftest import empty_the_cache
from contacts.models import ConsentPurpose, OutboxMessage
from contacts.services.links import (
    attendee_keep_url,
    attendee_unsubscribe_url,
    lay_observation_place_url,
    my_data_link_url,
)
from contacts.tests.factories import AttendeeFactory, ObservationPlaceFactory, OpportunityFactory
from engagement.roles import Role
from engagement.tests.factories import AuthenticatorFactory, UserFactory
from evaluation.tests.factories import WaveFactory
from events.tests.factories import EventFactory
from feedback.services import focus_group_invite
from feedback.services.live import (
    live_point_moderate,
    live_point_send,
    live_poll_open,
    live_session_open,
)

# The public URLs, from the URL conf ------------------------------------------------

PRIVATE_PREFIXES = ("staff/", "panel/", "admin/")
# Of the admin, only its sign-in page is for anyone to reach; of the focus group's
# pages, only the one an emailed invitation opens, where the account is made.
PUBLIC_EXCEPTIONS = ("admin/login/", "panel/join/<signed:signed>/")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class PublicRoute:
    route: str
    name: str

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(match["name"] for match in PARAMETER.finditer(self.route))

    def path(self, values: dict[str, str]) -> str:
        return "/" + PARAMETER.sub(lambda match: values[match["name"]], self.route)


def _route_of(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        # i18n_patterns() put the language, such as "so/", in front of the pages.
        return pattern.language_prefix
    return str(pattern)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + _route_of(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield entry, route, f"{namespace}{entry.name}" if entry.name else route


def public_routes() -> list[PublicRoute]:
    routes = []
    for entry, route, name in _walk(get_resolver().url_patterns):
        if route.startswith(PRIVATE_PREFIXES) and route not in PUBLIC_EXCEPTIONS:
            continue
        # Only path() routes can be filled in from their parameters; a public re_path()
        # would need this test to learn how to fill it.
        assert isinstance(entry.pattern, RoutePattern), f"{route} is not a path() route"
        routes.append(PublicRoute(route=route, name=name))
    return routes


PUBLIC_ROUTES = public_routes()


# Real values to put in paths: links the app itself hands out -----------------------


def path_of(url: str) -> str:
    return urlsplit(url).path


def _links_in_sent_email() -> list[str]:
    site = re.escape(settings.SITE_URL)
    links = []
    for body in OutboxMessage.objects.values_list("body_text", flat=True):
        links += [path_of(link) for link in re.findall(rf"{site}/[^\s\"'<>]*", body)]
    return links


def _real_arguments(links) -> dict[str, dict[str, str]]:
    """Path arguments for every public route with parameters: those of a real link to
    the route, or else those of a real link to a route beside it (the same first path
    segment and the same parameters), such as the download page of a my-data link."""
    found = {}
    for link in links:
        try:
            match = resolve(link)
        except Resolver404:
            continue
        found.setdefault(match.view_name, {k: str(v) for k, v in match.kwargs.items()})
    arguments = {}
    for route in PUBLIC_ROUTES:
        if not route.parameters:
            continue
        if route.name in found:
            arguments[route.name] = found[route.name]
            continue
        for other in PUBLIC_ROUTES:
            if (
                other.name in found
                and other.parameters == route.parameters
                and other.route.split("/")[0] == route.route.split("/")[0]
            ):
                arguments[route.name] = found[other.name]
                break
    return arguments


# The public forms, read from the pages ---------------------------------------------


@dataclass
class FormField:
    name: str
    values: list[str] = field(default_factory=list)


@dataclass
class PublicForm:
    identity: str
    action: str
    fields: dict[str, FormField]

    @property
    def key(self):
        return (self.identity, self.action, tuple(sorted(self.fields)))


class _FormReader(HTMLParser):
    """Every form that posts, with each field's name and the values the page offers."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._fields: dict[str, FormField] | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._fields = {}
            self.forms.append((urljoin(self.page, attributes.get("action") or ""), self._fields))
        elif self._fields is None:
            return
        elif tag in ("input", "textarea", "button") and name:
            entry = self._fields.setdefault(name, FormField(name))
            if attributes.get("value") is not None:
                entry.values.append(attributes["value"])
        elif tag == "select" and name:
            self._select = self._fields.setdefault(name, FormField(name))
        elif tag == "option" and self._select is not None:
            self._select.values.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _is_public(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return any(route.name == match.view_name for route in PUBLIC_ROUTES)


# The site as the examples see it ---------------------------------------------------


@dataclass
class Identity:
    """Someone using the site: their cookies, set afresh on each example's client."""

    name: str
    cookies: dict[str, str]


class PublicSite:
    """The identities, pages and forms the examples draw from. Not a dataclass: when an
    example fails, Hypothesis prints its arguments, and only the drawn values matter."""

    def __init__(self, identities, pages, forms, arguments):
        self.identities: dict[str, Identity] = identities
        self.pages: list[tuple[str, str]] = pages
        self.forms: list[PublicForm] = forms
        self.arguments: dict[str, dict[str, str]] = arguments

    def __repr__(self):
        return f"<PublicSite: {len(self.pages)} pages, {len(self.forms)} forms>"

    def client(self, identity: str, *, csrf: str = "off") -> Client:
        client = Client(enforce_csrf_checks=csrf != "off")
        for name, value in self.identities[identity].cookies.items():
            if name == settings.CSRF_COOKIE_NAME and csrf != "token":
                continue
            client.cookies[name] = value
        return client


def _sign_in(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def build_public_site(client: Client) -> PublicSite:
    """The identities, pages and forms of the public site, with real data behind them."""
    past_event = EventFactory(past=True)
    upcoming_event = EventFactory()
    attendee = AttendeeFactory(name="Amina Contact", email="amina@example.org")
    # An agreed action that came from the past event, on You Said, We Did.
    public_action = ActionFactory(status=Action.Status.AGREED, events=[past_event])
    focus_group_invite(
        attendee=AttendeeFactory(
            name="Kemi Volunteer", email="kemi@example.org", consents=[ConsentPurpose.FOCUS_GROUP]
        ),
        by=UserFactory(username="inviting-coordinator", roles=[Role.COORDINATOR]),
    )
    client.post(
        "/keep-in-touch/", {"name": "Ada Obi", "email": "ada@example.org", "wants_updates": "on"}
    )
    # A live session in the room at the past event, with a point on the screen and
    # the trust question open, so its phone page has every form.
    live_session = live_session_open(
        event=past_event, by=UserFactory(username="live-coordinator", roles=[Role.COORDINATOR])
    )
    live_point = live_point_send(session=live_session, text="More officers on foot")
    live_point_moderate(point=live_point, approve=True)
    live_poll = live_session.polls.first()
    live_poll_open(poll=live_poll)
    links = [
        f"/live/{live_session.code}/",
        f"/live/{live_session.code}/support/{live_point.pk}/",
        f"/live/{live_session.code}/answer/{live_poll.pk}/",
        "/live/",
        past_event.get_absolute_url(),
        upcoming_event.get_absolute_url(),
        public_action.get_public_url(),
        f"/give-feedback/{past_event.feedback_token}/",
        f"/give-feedback/{past_event.feedback_token}/about-you/",
        WaveFactory(name="2026").get_public_url(),
        path_of(lay_observation_place_url(ObservationPlaceFactory())),
        f"/give-feedback/lay-observation/{OpportunityFactory(past=True).feedback_token}/",
        path_of(attendee_unsubscribe_url(attendee)),
        path_of(my_data_link_url(attendee)),
        path_of(attendee_keep_url(attendee)),
        *_links_in_sent_email(),
    ]
    arguments = _real_arguments(links)

    new_staff = UserFactory(username="new-staff", roles=[Role.COORDINATOR])
    staff_with_app = UserFactory(username="staff-with-app", roles=[Role.COORDINATOR])
    AuthenticatorFactory(user=staff_with_app)
    identities = {
        "visitor": Identity("visitor", {}),
        "new staff member": Identity("new staff member", _sign_in(new_staff)),
        "staff member with an authenticator": Identity(
            "staff member with an authenticator", _sign_in(staff_with_app)
        ),
    }

    pages = []
    forms = {}
    for identity in identities.values():
        reader_client = Client()
        for name, value in identity.cookies.items():
            reader_client.cookies[name] = value
        for route in PUBLIC_ROUTES:
            if route.parameters and route.name not in arguments:
                continue
            path = route.path(
                {k: quote(v, safe="") for k, v in arguments.get(route.name, {}).items()}
            )
            pages.append((identity.name, path))
            response = reader_client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            reader = _FormReader(path)
            reader.feed(response.content.decode())
            for action, fields in reader.forms:
                action = unquote(urlsplit(action).path)
                if _is_public(action):
                    form = PublicForm(identity.name, action, fields)
                    forms.setdefault(form.key, form)
        if settings.CSRF_COOKIE_NAME in reader_client.cookies:
            identity.cookies[settings.CSRF_COOKIE_NAME] = reader_client.cookies[
                settings.CSRF_COOKIE_NAME
            ].value
    # The one-click unsubscribe of RFC 8058, which mail clients post without a page.
    one_click = PublicForm(
        "visitor",
        reverse("unsubscribe", kwargs=arguments["unsubscribe"]),
        {"List-Unsubscribe": FormField("List-Unsubscribe", ["One-Click"])},
    )
    forms.setdefault(one_click.key, one_click)
    return PublicSite(identities, pages, list(forms.values()), arguments)


def send_in_savepoint(client: Client, method: str, path: str, **request):
    """One request in a savepoint that is rolled back, with an empty cache."""
    empty_the_cache()
    with transaction.atomic():
        response = client.generic(method, path, **request)
        transaction.set_rollback(True)
    return response


def is_csrf_exempt(path: str) -> bool:
    return getattr(resolve(path).func, "csrf_exempt", False)
