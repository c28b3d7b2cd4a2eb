"""The pack for an event, opened from its staff hub: the PowerPoint slides read back
slide by slide, "since we last met" (what was agreed, done or cannot be done for the
community or programme since its last held event, and the findings shared), a first
meeting without it, the force's name and colours, long lists split over slides, the
printable slides and the one-page handout, the same queries however much there is,
and who may open them."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu

from actions.models import Action
from actions.packs import PPTX_CONTENT_TYPE, event_pack, previous_event_for
from engagement.roles import Role
from events.models import Event
from feedback.models import Findings

pytestmark = pytest.mark.django_db

READERS = [Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR]
REFUSED = [Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER]
PACK_URLS = ["packs:pack", "packs:pptx", "packs:handout"]


# Reading a deck back ----------------------------------------------------------------------


def deck_of(client, event) -> Presentation:
    response = client.get(reverse("packs:pptx", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == PPTX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}-pack.pptx"'
    return Presentation(BytesIO(response.content))


def titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def text_of(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def slides_titled(deck, start: str) -> list:
    return [slide for slide in deck.slides if slide.shapes.title.text.startswith(start)]


def all_text(deck) -> str:
    return "\n".join(text_of(slide) for slide in deck.slides)


# A community that met the force before --------------------------------------------------


@pytest.fixture
def met_before(programme, event_factory, action_factory):
    """An upcoming event for a community that met the force at a held event ten days
    ago, and at one before that; the actions of that community and of another, at
    every status, public and internal, some from before the last meeting."""
    older = event_factory(
        programme=programme,
        held=True,
        starts_at=timezone.now() - timedelta(days=60),
        title="Spring listening event",
    )
    community = older.focus_community
    previous = event_factory(
        programme=programme,
        focus_community=community,
        held=True,
        starts_at=timezone.now() - timedelta(days=10),
        title="Summer listening event",
    )
    event = event_factory(
        programme=programme,
        focus_community=community,
        title="Autumn listening event",
        agenda="Welcome and tea\nWhat happened since last time\nYour views\nClose",
    )
    elsewhere = event_factory(programme=programme, held=True)
    before = previous.starts_at - timedelta(days=5)
    actions = {
        "agreed": action_factory(
            status=Action.Status.AGREED, events=[previous], title="Officers walk the high street"
        ),
        "in_progress": action_factory(
            status=Action.Status.IN_PROGRESS,
            communities=[community],
            title="Stop and search figures by ward",
        ),
        "done": action_factory(
            status=Action.Status.DONE,
            events=[older],
            agreed_at=before,
            title="Cultural awareness training",
            we_did="Every new officer now spends a morning with local community groups.",
        ),
        "cannot_act": action_factory(
            status=Action.Status.CANNOT_ACT,
            events=[previous],
            title="Street lights on Park Road",
            cannot_act_reason="The street lights belong to the city council; we asked them.",
        ),
        "internal": action_factory(
            status=Action.Status.DONE, events=[previous], is_public=False, title="Staff rota"
        ),
        "proposed": action_factory(
            status=Action.Status.PROPOSED, events=[previous], title="A proposed idea"
        ),
        "declined": action_factory(
            status=Action.Status.DECLINED, events=[previous], title="A declined idea"
        ),
        "other_community": action_factory(
            status=Action.Status.DONE, events=[elsewhere], title="Another community's action"
        ),
        "told_before": action_factory(
            status=Action.Status.DONE,
            events=[older],
            agreed_at=before - timedelta(days=10),
            status_changed_at=before,
            title="Told at the last meeting",
        ),
    }
    return {"event": event, "previous": previous, "older": older, "actions": actions}


def test_the_pack_downloads_as_a_16_9_deck_with_its_slides_in_order(coordinator_client, met_before):
    event = met_before["event"]
    deck = deck_of(coordinator_client, event)

    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    assert titles(deck) == [
        "Autumn listening event",
        "Welcome and agenda",
        "The Police Race Action Plan",
        "Our key questions",
        "Since we last met",
        "Since we last met: agreed",
        "Since we last met: done",
        "Since we last met: where we cannot act",
        "How to give feedback and keep in touch",
    ]
    welcome = text_of(deck.slides[1])
    assert "Welcome and tea" in welcome and "Your views" in welcome
    plan = text_of(deck.slides[2])
    for workstream in ("Respect", "Protect", "Involve", "Represent"):
        assert workstream in plan
    questions = text_of(deck.slides[3])
    assert questions.index("better respect") < questions.index("better represent")
    closing = text_of(deck.slides[-1])
    assert event.feedback_url() in closing
    assert any(shape.shape_type == 13 for shape in deck.slides[-1].shapes)  # the QR code


def test_since_we_last_met_tells_what_was_agreed_done_and_cannot_be_done_and_why(
    coordinator_client, met_before
):
    deck = deck_of(coordinator_client, met_before["event"])
    actions = met_before["actions"]

    summary = text_of(slides_titled(deck, "Since we last met")[0])
    assert "Summer listening event" in summary
    assert "2 actions agreed" in summary and "1 action done" in summary
    agreed = text_of(slides_titled(deck, "Since we last met: agreed")[0])
    assert actions["agreed"].title in agreed
    assert actions["in_progress"].title in agreed  # the community's, from no event
    done = text_of(slides_titled(deck, "Since we last met: done")[0])
    assert actions["done"].title in done
    assert "Every new officer now spends a morning" in done
    cannot = text_of(slides_titled(deck, "Since we last met: where we cannot act")[0])
    assert actions["cannot_act"].title in cannot
    assert "Why: The street lights belong to the city council" in cannot

    everything = all_text(deck)
    for never in ("internal", "proposed", "declined", "other_community", "told_before"):
        assert actions[never].title not in everything, never
    notes = slides_titled(deck, "Since we last met: done")[0].notes_slide.notes_text_frame.text
    assert "You said:" in notes


def test_a_community_meeting_the_force_for_the_first_time_gets_no_since_we_last_met(
    coordinator_client, programme, event_factory, action_factory
):
    event = event_factory(programme=programme, title="First meeting")
    # Another community's history, and this community's next event, change nothing.
    action_factory(status=Action.Status.DONE, events=[event_factory(held=True)])
    event_factory(
        programme=programme,
        focus_community=event.focus_community,
        starts_at=event.starts_at + timedelta(days=30),
    )

    deck = deck_of(coordinator_client, event)

    assert titles(deck) == [
        "First meeting",
        "Welcome and agenda",
        "The Police Race Action Plan",
        "Our key questions",
        "How to give feedback and keep in touch",
    ]
    assert "Since we last met" not in all_text(deck)
    page = coordinator_client.get(reverse("packs:pack", args=[event.pk])).content.decode()
    assert "Since we last met" not in page
    handout = coordinator_client.get(reverse("packs:handout", args=[event.pk])).content.decode()
    assert "What we did since last time" not in handout
    assert "What happens next" in handout


def test_the_last_meeting_is_the_latest_held_event_of_the_community(
    programme, event_factory, met_before
):
    event, previous = met_before["event"], met_before["previous"]
    community = event.focus_community
    # Neither a cancelled nor a planned event in between counts, nor one after.
    event_factory(
        programme=programme,
        focus_community=community,
        starts_at=timezone.now() - timedelta(days=3),
        status=Event.Status.CANCELLED,
        cancellation_reason="The venue flooded.",
    )
    event_factory(
        programme=programme, focus_community=community, starts_at=timezone.now() - timedelta(days=2)
    )
    event_factory(
        programme=programme,
        focus_community=community,
        held=True,
        starts_at=event.starts_at + timedelta(days=7),
    )
    assert previous_event_for(event) == previous


def test_an_event_open_to_all_looks_back_over_its_programme(
    coordinator_client, programme, event_factory, action_factory, programme_factory
):
    previous = event_factory(programme=programme, held=True, title="A community's event")
    event = event_factory(programme=programme, focus_community=None, title="Open to all")
    ours = action_factory(status=Action.Status.DONE, events=[previous], title="Ours")
    other_programme = event_factory(programme=programme_factory(), held=True)
    theirs = action_factory(status=Action.Status.DONE, events=[other_programme], title="Theirs")

    pack = event_pack(Event.objects.for_staff_page().get(pk=event.pk))

    assert pack.previous_event == previous
    assert pack.done == [ours]
    assert theirs not in pack.done
    deck = deck_of(coordinator_client, event)
    assert "Since we last met: done" in titles(deck)
    assert "Open to all" in text_of(deck.slides[0])


def test_findings_shared_since_the_last_meeting_are_in_the_pack(
    coordinator_client,
    met_before,
    findings_factory,
    findings_version_factory,
    findings_section_factory,
):
    previous = met_before["previous"]

    def findings(title, status, shared_at=None):
        made = findings_factory(title=title, events=[previous], status=status, shared_at=shared_at)
        version = findings_version_factory(findings=made)
        made.agreed_version = version
        made.save()
        findings_section_factory(version=version, heading=f"{title}: what people said")
        return made

    findings("Shared write-up", Findings.Status.SHARED, timezone.now() - timedelta(days=2))
    findings("Still with the focus group", Findings.Status.WITH_FOCUS_GROUP)
    findings("Agreed, not shared", Findings.Status.AGREED)

    deck = deck_of(coordinator_client, met_before["event"])

    assert titles(deck)[-2] == "Findings we shared"
    shared = text_of(deck.slides[-2])
    assert "Shared write-up" in shared
    assert "Shared write-up: what people said" in shared
    everything = all_text(deck)
    assert "Still with the focus group" not in everything
    assert "Agreed, not shared" not in everything
    assert "1 write-up of what you told us shared" in text_of(
        slides_titled(deck, "Since we last met")[0]
    )


def test_the_title_slide_is_in_the_organisation_name_and_colour(
    coordinator_client, settings, met_before
):
    settings.ORGANISATION_NAME = "Eastshire Constabulary"
    settings.ORGANISATION_COLOUR = "#7a1f5c"
    settings.ORGANISATION_ACCENT_COLOUR = "#f5a623"

    deck = deck_of(coordinator_client, met_before["event"])

    title_slide = deck.slides[0]
    assert title_slide.background.fill.fore_color.rgb == RGBColor(0x7A, 0x1F, 0x5C)
    assert "Eastshire Constabulary" in text_of(title_slide)
    assert "Eastshire Constabulary" in text_of(deck.slides[2])
    assert deck.core_properties.author == "Eastshire Constabulary"
    assert deck.core_properties.last_modified_by == "Eastshire Constabulary"
    page = coordinator_client.get(reverse("packs:pack", args=[met_before["event"].pk]))
    assert 'fill="#7a1f5c"' in page.content.decode()
    assert 'fill="#f5a623"' in page.content.decode()


def test_long_lists_are_split_over_slides_of_at_most_six(
    coordinator_client, met_before, action_factory
):
    previous = met_before["previous"]
    for number in range(14):
        action_factory(
            status=Action.Status.DONE,
            events=[previous],
            title=f"Finished piece of work {number:02d}",
            we_did="What the force did about it, in plain words, long enough to need a line. " * 3,
        )

    deck = deck_of(coordinator_client, met_before["event"])

    done_slides = slides_titled(deck, "Since we last met: done")
    assert len(done_slides) >= 3
    assert [slide.shapes.title.text for slide in done_slides[1:]] == [
        "Since we last met: done (continued)"
    ] * (len(done_slides) - 1)
    found = []
    for slide in done_slides:
        on_slide = [n for n in range(14) if f"Finished piece of work {n:02d}" in text_of(slide)]
        assert len(on_slide) <= 6
        found += on_slide
    assert found == list(range(14))


def test_the_printable_slides_and_handout_are_plain_pages_with_no_staff_names(
    coordinator_client, met_before, user_factory
):
    event = met_before["event"]
    organiser = user_factory(first_name="Priya", last_name="Organiser")
    event.lead_organiser = organiser
    event.save()
    event.officers_attending.set([user_factory(first_name="Tom", last_name="Constable")])
    action = met_before["actions"]["done"]
    action.owner = user_factory(first_name="Oliver", last_name="Owner")
    action.save()

    page = coordinator_client.get(reverse("packs:pack", args=[event.pk]))
    handout = coordinator_client.get(reverse("packs:handout", args=[event.pk]))

    assert page.status_code == handout.status_code == 200
    slides, sheet = page.content.decode(), handout.content.decode()
    assert '<h1 id="slide-1">Autumn listening event</h1>' in slides
    for heading in (
        "Welcome and agenda",
        "The Police Race Action Plan",
        "Our key questions",
        "Since we last met: where we cannot act",
        "How to give feedback and keep in touch",
    ):
        assert f">{heading}</h2>" in slides
    for heading in (
        "Thank you for coming",
        "What we did since last time",
        "Today we are asking",
        "Tell us what you think",
        "Keep in touch",
    ):
        assert f">{heading}</h" in sheet
    assert "The street lights belong to the city council" in sheet
    assert action.department.name in sheet
    assert event.feedback_url().split("://", 1)[-1] in sheet
    assert reverse("keep-in-touch") in sheet
    for text in (slides, sheet):
        assert "<script" not in text
        assert "<svg" in text  # the colours and the QR code
        for name in ("Priya", "Organiser", "Constable", "Oliver"):
            assert name not in text


def test_the_handout_keeps_to_one_page_and_leaves_no_kind_of_news_out(
    coordinator_client, met_before, action_factory
):
    for number in range(10):
        action_factory(
            status=Action.Status.DONE,
            events=[met_before["previous"]],
            title=f"Done thing {number}",
        )

    sheet = coordinator_client.get(reverse("packs:handout", args=[met_before["event"].pk]))

    text = sheet.content.decode()
    assert (
        text.count("<strong>We did:</strong>")
        + text.count("<strong>We will:</strong>")
        + (text.count("<strong>We cannot:</strong>"))
        == 6
    )
    assert "<strong>We cannot:</strong>" in text
    assert "<strong>We will:</strong>" in text
    assert "And 8 more on You Said, We Did." in text


def test_the_pack_takes_the_same_queries_however_much_happened(
    coordinator_client,
    met_before,
    action_factory,
    findings_factory,
    findings_version_factory,
    findings_section_factory,
    django_assert_max_num_queries,
):
    event, previous = met_before["event"], met_before["previous"]

    def add_findings(sections):
        made = findings_factory(
            events=[previous], status=Findings.Status.SHARED, shared_at=timezone.now()
        )
        version = findings_version_factory(findings=made)
        made.agreed_version = version
        made.save()
        for _ in range(sections):
            findings_section_factory(version=version)

    add_findings(1)
    counts = {}
    for name in PACK_URLS:
        url = reverse(name, args=[event.pk])
        coordinator_client.get(url)  # the session and roles, once
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(url).status_code == 200
        counts[name] = len(queries)

    for status in (Action.Status.AGREED, Action.Status.DONE, Action.Status.CANNOT_ACT) * 10:
        action_factory(status=status, events=[previous], communities=[event.focus_community])
    for _ in range(3):
        add_findings(4)

    for name in PACK_URLS:
        with django_assert_max_num_queries(counts[name]):
            assert coordinator_client.get(reverse(name, args=[event.pk])).status_code == 200


# From the event hub, and who may open them ----------------------------------------------


def test_the_hub_shows_the_pack_prominently_before_the_event_and_quietly_after(
    coordinator_client, met_before
):
    upcoming = coordinator_client.get(met_before["event"].get_staff_url()).content.decode()
    assert "Slides to open the meeting" in upcoming
    assert (
        'class="btn btn-primary" href="{}"'.format(
            reverse("packs:pptx", args=[met_before["event"].pk])
        )
        in upcoming
    )
    for name in PACK_URLS:
        assert reverse(name, args=[met_before["event"].pk]) in upcoming

    held = coordinator_client.get(met_before["previous"].get_staff_url()).content.decode()
    assert "Event pack" in held
    assert "Slides to open the meeting" not in held
    assert reverse("packs:handout", args=[met_before["previous"].pk]) in held


def test_a_past_events_pack_still_opens(coordinator_client, met_before):
    previous = met_before["previous"]
    deck = deck_of(coordinator_client, previous)
    assert titles(deck)[0] == "Summer listening event"
    assert "Since we last met" in titles(deck)  # since the spring event
    for name in ("packs:pack", "packs:handout"):
        assert coordinator_client.get(reverse(name, args=[previous.pk])).status_code == 200


def test_a_cancelled_event_has_no_pack(coordinator_client, event_factory):
    event = event_factory(cancelled=True)
    for name in PACK_URLS:
        assert coordinator_client.get(reverse(name, args=[event.pk])).status_code == 404
    hub = coordinator_client.get(event.get_staff_url()).content.decode()
    assert reverse("packs:pack", args=[event.pk]) not in hub


def test_an_unknown_event_has_no_pack(coordinator_client):
    for name in PACK_URLS:
        assert coordinator_client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", PACK_URLS)
@pytest.mark.parametrize("role", READERS, ids=str)
def test_those_who_read_events_open_the_pack(client_for_role, event_factory, role, name):
    event = event_factory()
    client = client_for_role(role)
    url = reverse(name, args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", PACK_URLS)
@pytest.mark.parametrize("role", REFUSED, ids=str)
def test_no_one_else_opens_the_pack(client_for_role, event_factory, role, name):
    event = event_factory()
    response = client_for_role(role).get(reverse(name, args=[event.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("name", PACK_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, event_factory, name):
    event = event_factory()
    response = client.get(reverse(name, args=[event.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_pale_organisation_colour_gets_dark_text(coordinator_client, settings, met_before):
    settings.ORGANISATION_COLOUR = "#ffdd00"

    deck = deck_of(coordinator_client, met_before["event"])

    title_run = deck.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    assert deck.slides[0].background.fill.fore_color.rgb == RGBColor(0xFF, 0xDD, 0x00)
    assert title_run.font.color.rgb == RGBColor(0x0B, 0x0C, 0x0C)
    heading_run = deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert heading_run.font.color.rgb == RGBColor(0x0B, 0x0C, 0x0C)
    page = coordinator_client.get(reverse("packs:pack", args=[met_before["event"].pk]))
    assert 'class="slide-body on-light"' in page.content.decode()
