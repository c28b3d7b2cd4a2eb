"""The findings pages on the staff site and the sense-check on the panel: what each
shows, how a mistake comes back beside its field with what was typed, that members see
only their own requests and no one's personal data, and that the lists and panel pages
cost the same number of queries however much there is."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.tests.factories import AttendanceFactory, AttendeeFactory
from engagement.models import AuditLogEntry
from engagement.roles import Role
from feedback.models import FeedbackItem, Findings, SectionAnswer
from feedback.services import (
    findings_draft_for,
    findings_send_for_sense_check,
    findings_share,
    findings_update_section,
    focus_group_member_end,
)
from feedback.tests.factories import FeedbackItemFactory, FocusGroupMemberFactory
from feedback.tests.findings_helpers import (
    a_held_event_with_tagged_feedback,
    agreed_findings,
    answer_every_section,
    findings_sent_to,
    next_week,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_client(client, user_for_role):
    """The panel role's account, an active member, signed in."""
    user = user_for_role(Role.FOCUS_GROUP_MEMBER)
    client.force_login(user)
    client.member = user.focus_group_membership
    return client


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# Staff pages ----------------------------------------------------------------------------


def test_a_coordinator_drafts_findings_from_the_event_hub(tagged, coordinator_client):
    hub = page_of(coordinator_client.get(tagged.event.get_staff_url()))
    assert "Draft findings from this event's feedback" in hub
    response = coordinator_client.post(
        reverse("feedback:findings-new"), {"events": tagged.event.pk}
    )
    findings = Findings.objects.get()
    assert response.url == reverse("feedback:findings-detail", args=[findings.pk])
    page = page_of(coordinator_client.get(response.url))
    assert tagged.questions[0].text in page
    assert tagged.quotable[0].text in page
    for never in (tagged.flagged, tagged.internal, tagged.set_aside):
        assert never.text not in page
    assert "Stop and search test topic" in page
    hub = page_of(coordinator_client.get(tagged.event.get_staff_url()))
    assert findings.title in hub and "Draft" in hub


def test_starting_findings_with_no_event_or_an_unknown_one_says_so(coordinator_client):
    page = page_of(coordinator_client.post(reverse("feedback:findings-new"), {"title": "Mine"}))
    assert "Choose at least one event." in page
    assert 'value="Mine"' in page
    page = page_of(
        coordinator_client.post(
            reverse("feedback:findings-new"), {"events": "99999999999999999999"}
        )
    )
    assert "Choose from the events listed." in page
    assert not Findings.objects.exists()


def test_a_section_with_a_mistake_comes_back_with_what_was_typed(
    tagged, coordinator_client, coordinator
):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    section = findings.latest_version().sections.first()
    url = reverse("feedback:findings-section-edit", args=[findings.pk, section.pk])
    response = coordinator_client.post(
        url, {"heading": "", "summary": "My careful summary", "items": [tagged.quotable[1].pk]}
    )
    page = page_of(response)
    assert "Give the section a heading." in page
    assert "My careful summary" in page
    assert re.search(rf'value="{tagged.quotable[1].pk}" id="id_items_\d+" checked', page)
    assert not re.search(rf'value="{tagged.quotable[0].pk}" id="id_items_\d+" checked', page)
    section.refresh_from_db()
    assert section.summary != "My careful summary"

    # An item findings must not quote cannot even be chosen.
    page = page_of(
        coordinator_client.post(url, {"heading": "H", "summary": "S", "items": [tagged.flagged.pk]})
    )
    assert "Choose from the feedback listed." in page


def test_a_section_opened_before_someone_else_made_a_new_version_still_saves(
    tagged, coordinator_client, coordinator
):
    findings = findings_sent_to([FocusGroupMemberFactory()], tagged=tagged, by=coordinator)
    first, second = findings.latest_version().sections.all()
    url = reverse("feedback:findings-section-edit", args=[findings.pk, first.pk])
    page_of(coordinator_client.get(url))
    # Meanwhile another change makes version 2.
    findings_update_section(
        findings=findings,
        section=second,
        heading="Other",
        summary="Other.",
        items=[],
        by=coordinator,
    )
    response = coordinator_client.post(url, {"heading": "Mine", "summary": "My words."})
    assert response.status_code == 302
    latest = findings.latest_version()
    assert latest.number == 2
    assert latest.sections.get(based_on=first).summary == "My words."
    # Opening the old address leads to the section as it is now.
    copy = latest.sections.get(based_on=first)
    assert coordinator_client.get(url).url == reverse(
        "feedback:findings-section-edit", args=[findings.pk, copy.pk]
    )


def test_changing_shared_findings_is_refused_beside_what_was_typed(
    tagged, coordinator_client, coordinator
):
    findings = agreed_findings(tagged=tagged, by=coordinator)
    findings_share(findings=findings, by=coordinator)
    section = findings.agreed_version.sections.first()
    url = reverse("feedback:findings-section-edit", args=[findings.pk, section.pk])
    assert coordinator_client.get(url).status_code == 302
    page = page_of(coordinator_client.post(url, {"heading": "Late", "summary": "Typed late."}))
    assert "These findings are shared, so they can no longer change." in page
    assert "Typed late." in page
    assert findings.versions.count() == 1


def test_editing_a_section_after_sending_says_a_new_version_was_made(
    tagged, coordinator_client, coordinator
):
    member = FocusGroupMemberFactory(user__first_name="Halima", user__last_name="Yusuf")
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    request = member.sense_check_requests.get()
    answer_every_section(findings, member, verdict="partly", comment="It misses schools.")
    section = request.version.sections.first()
    answer = SectionAnswer.objects.get(section=section)

    url = reverse("feedback:findings-section-edit", args=[findings.pk, section.pk])
    form = page_of(coordinator_client.get(url))
    assert "Halima Yusuf" in form and "It misses schools." in form
    response = coordinator_client.post(
        url,
        {
            "heading": section.heading,
            "summary": "Now with schools.",
            "items": [item.pk for item in section.items.all()],
            "because_of": [answer.pk],
            "note": "Added what members said about schools.",
        },
        follow=True,
    )
    page = page_of(response)
    assert "Saved as version 2." in page
    assert "Added what members said about schools." in page
    assert "Because of:" in page and "Halima Yusuf" in page

    review = page_of(
        coordinator_client.get(reverse("feedback:findings-review", args=[findings.pk]))
    )
    assert "Led to:" in review
    compare = page_of(
        coordinator_client.get(reverse("feedback:findings-compare", args=[findings.pk]))
    )
    assert re.search(r"<ins[^>]*><span[^>]*>Added</span>schools\.</ins>", compare)
    assert re.search(r"<del[^>]*><span[^>]*>Removed</span>", compare)


def test_sending_with_mistakes_says_what_is_wrong_beside_each_field(
    tagged, coordinator_client, coordinator
):
    FocusGroupMemberFactory()
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    url = reverse("feedback:findings-send", args=[findings.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = page_of(coordinator_client.post(url, {"who": "chosen", "deadline": yesterday}))
    assert "The deadline must be today or later." in page
    assert "Choose at least one member, or send it to everyone." in page
    assert f'value="{yesterday}"' in page
    page = page_of(coordinator_client.post(url, {"who": "everyone", "deadline": "30/02/2025"}))
    assert "Enter a real date" in page
    findings.refresh_from_db()
    assert findings.status == Findings.Status.DRAFT


def test_sending_findings_with_no_sections_is_refused_on_the_page(
    tagged, coordinator_client, coordinator
):
    FocusGroupMemberFactory()
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    findings.latest_version().sections.all().delete()
    page = page_of(
        coordinator_client.post(
            reverse("feedback:findings-send", args=[findings.pk]),
            {"who": "everyone", "deadline": next_week().isoformat()},
        )
    )
    assert "Add at least one section before you send the findings." in page


def test_agree_and_share_buttons_say_why_when_refused_and_share_twice_sends_nothing_more(
    tagged, coordinator_client, coordinator
):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    share = reverse("feedback:findings-share", args=[findings.pk])
    page = page_of(coordinator_client.post(share, follow=True))
    assert "These findings are still a draft." in page
    page = page_of(
        coordinator_client.post(reverse("feedback:findings-agree", args=[findings.pk]), follow=True)
    )
    assert "Send the findings to the focus group" in page

    AttendanceFactory(event=tagged.event, attendee=AttendeeFactory(subscribed=True))
    findings = agreed_findings(tagged=tagged, by=coordinator)
    share = reverse("feedback:findings-share", args=[findings.pk])
    page = page_of(coordinator_client.post(share, follow=True))
    assert "1 contact is being emailed them." in page
    page = page_of(coordinator_client.post(share, follow=True))
    assert "Nothing more was sent." in page


def test_a_coordinator_marks_an_officers_note_internal_on_the_item_page(tagged, coordinator_client):
    note = tagged.quotable[0]
    page = page_of(coordinator_client.get(reverse("feedback:item", args=[note.pk])))
    assert "Mark as internal" in page
    coordinator_client.post(reverse("feedback:item-mark-internal", args=[note.pk]))
    note.refresh_from_db()
    assert note.is_internal
    coordinator_client.post(reverse("feedback:item-unmark-internal", args=[note.pk]))
    note.refresh_from_db()
    assert not note.is_internal

    form_answer = FeedbackItemFactory(source=FeedbackItem.Source.ONLINE_FORM)
    page = page_of(coordinator_client.get(reverse("feedback:item", args=[form_answer.pk])))
    assert "Mark as internal" not in page
    coordinator_client.post(reverse("feedback:item-mark-internal", args=[form_answer.pk]))
    form_answer.refresh_from_db()
    assert not form_answer.is_internal


def test_a_leader_reads_findings_but_is_offered_nothing_to_change(
    tagged, client_for_role, coordinator
):
    findings = findings_sent_to([FocusGroupMemberFactory()], tagged=tagged, by=coordinator)
    client = client_for_role(Role.LEADER)
    page = page_of(client.get(reverse("feedback:findings-detail", args=[findings.pk])))
    for control in ("Send to the focus group", "Mark version", "Add a section", "Edit the title"):
        assert control not in page
    page_of(client.get(reverse("feedback:findings-review", args=[findings.pk])))
    page_of(client.get(reverse("feedback:findings-compare", args=[findings.pk])))


def test_members_names_are_shown_only_to_those_who_may_see_personal_data_and_audited(
    tagged, client_for_role, coordinator
):
    member = FocusGroupMemberFactory(user__first_name="Halima", user__last_name="Yusuf")
    findings = findings_sent_to([member], tagged=tagged, by=coordinator)
    answer_every_section(findings, member, verdict="partly", comment="It misses schools.")
    url = reverse("feedback:findings-review", args=[findings.pk])

    leader_page = page_of(client_for_role(Role.LEADER).get(url))
    assert "Halima" not in leader_page
    assert "Member 1" in leader_page and "It misses schools." in leader_page
    assert not AuditLogEntry.objects.exists()

    response = client_for_role(Role.COORDINATOR).get(url)
    assert "Halima Yusuf" in page_of(response)
    assert "no-store" in response["Cache-Control"]
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditLogEntry.Action.VIEWED_LIST
    assert entry.path == url


def test_the_compare_page_copes_with_made_up_versions(tagged, coordinator_client, coordinator):
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    url = reverse("feedback:findings-compare", args=[findings.pk])
    assert "only one version" in page_of(coordinator_client.get(url, {"older": "x", "newer": "99"}))


def test_the_findings_list_costs_the_same_queries_however_many_findings(
    programme, coordinator_client, coordinator, django_assert_max_num_queries
):
    def more_findings(count):
        for _ in range(count):
            tagged = a_held_event_with_tagged_feedback(programme)
            findings_draft_for(events=[tagged.event], by=coordinator)

    more_findings(1)
    url = reverse("feedback:findings-list")
    with django_assert_max_num_queries(12) as few:
        page_of(coordinator_client.get(url))
    more_findings(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = page_of(coordinator_client.get(url))
    assert page.count('class="event-card"') == 5


def test_the_findings_pages_cost_the_same_queries_however_many_answers(
    programme, coordinator_client, coordinator, django_assert_max_num_queries
):
    tagged = a_held_event_with_tagged_feedback(programme)
    first = FocusGroupMemberFactory()
    findings = findings_sent_to([first], tagged=tagged, by=coordinator)
    answer_every_section(findings, first, verdict="partly", comment="Hmm.")
    urls = [
        reverse(name, args=[findings.pk])
        for name in ("feedback:findings-detail", "feedback:findings-review")
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            page_of(coordinator_client.get(url))
        counts[url] = len(few.captured_queries)
    more = [FocusGroupMemberFactory() for _ in range(4)]
    findings_send_for_sense_check(
        findings=findings, members=more, deadline=next_week(), by=coordinator
    )
    for member in more:
        answer_every_section(findings, member, verdict="partly", comment="Again.")
        answer_every_section(findings, member, verdict="accurate")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            page_of(coordinator_client.get(url))


# The panel ------------------------------------------------------------------------------


def test_a_member_sees_findings_to_check_on_their_page_and_answers_a_section(
    tagged, panel_client, coordinator
):
    findings = findings_sent_to([panel_client.member], tagged=tagged, by=coordinator)
    request = panel_client.member.sense_check_requests.get()
    first, second = request.version.sections.all()

    home = page_of(panel_client.get(reverse("panel:home")))
    assert findings.title in home
    assert reverse("panel:sense-check", args=[request.pk]) in home
    overview = page_of(panel_client.get(reverse("panel:sense-check", args=[request.pk])))
    assert "You have answered 0 of 2 sections." in overview

    url = reverse("panel:sense-check-answer", args=[request.pk, first.pk])
    page = page_of(panel_client.get(url))
    assert tagged.quotable[0].text in page
    response = panel_client.post(url, {"verdict": "accurate", "comment": "", "suggestion": ""})
    assert response.url == reverse("panel:sense-check-answer", args=[request.pk, second.pk])
    answer = SectionAnswer.objects.get()
    assert (answer.request, answer.section, answer.verdict) == (request, first, "accurate")
    overview = page_of(panel_client.get(reverse("panel:sense-check", args=[request.pk])))
    assert "You have answered 1 of 2 sections." in overview


def test_an_answer_with_a_mistake_comes_back_with_what_was_typed(tagged, panel_client, coordinator):
    findings_sent_to([panel_client.member], tagged=tagged, by=coordinator)
    request = panel_client.member.sense_check_requests.get()
    section = request.version.sections.first()
    url = reverse("panel:sense-check-answer", args=[request.pk, section.pk])
    page = page_of(panel_client.post(url, {"verdict": "partly", "comment": "", "suggestion": "  "}))
    assert "Tell us what is not right, or suggest better wording." in page
    assert re.search(r'value="partly"\s+id="id_verdict_\d" required checked', page)
    page = page_of(panel_client.post(url, {"comment": "My long thoughts"}))
    assert "Choose whether this section is accurate." in page
    assert "My long thoughts" in page
    assert not SectionAnswer.objects.exists()


def test_a_late_answer_is_saved_and_the_member_is_told_it_is_late(
    tagged, panel_client, coordinator
):
    findings_sent_to([panel_client.member], tagged=tagged, by=coordinator)
    request = panel_client.member.sense_check_requests.get()
    request.deadline = timezone.localdate() - timedelta(days=1)
    request.save()
    section = request.version.sections.first()
    url = reverse("panel:sense-check-answer", args=[request.pk, section.pk])
    assert "The deadline has passed" in page_of(panel_client.get(url))
    page = page_of(panel_client.post(url, {"verdict": "accurate"}, follow=True))
    assert "marked as late" in page
    assert SectionAnswer.objects.get().is_late


def test_a_member_never_reaches_another_members_request_or_answers(
    tagged, panel_client, coordinator
):
    other = FocusGroupMemberFactory()
    findings = findings_sent_to([panel_client.member, other], tagged=tagged, by=coordinator)
    answer_every_section(findings, other, verdict="partly", comment="Other member's view.")
    theirs = other.sense_check_requests.get()
    mine = panel_client.member.sense_check_requests.get()
    section = theirs.version.sections.first()

    assert panel_client.get(reverse("panel:sense-check", args=[theirs.pk])).status_code == 404
    answer_url = reverse("panel:sense-check-answer", args=[theirs.pk, section.pk])
    assert panel_client.get(answer_url).status_code == 404
    assert panel_client.post(answer_url, {"verdict": "accurate"}).status_code == 404
    other_findings = findings_draft_for(events=[tagged.event], by=coordinator)
    foreign = other_findings.latest_version().sections.first()
    assert (
        panel_client.get(
            reverse("panel:sense-check-answer", args=[mine.pk, foreign.pk])
        ).status_code
        == 404
    )
    page = page_of(
        panel_client.get(reverse("panel:sense-check-answer", args=[mine.pk, section.pk]))
    )
    assert "Other member&#x27;s view." not in page
    assert SectionAnswer.objects.filter(request=mine).count() == 0


def test_panel_pages_show_no_ones_personal_data(tagged, panel_client, coordinator):
    came = AttendeeFactory(name="Amina Contactperson", email="amina@example.org", subscribed=True)
    AttendanceFactory(event=tagged.event, attendee=came)
    other = FocusGroupMemberFactory(
        user__first_name="Otherfirst", user__last_name="Othersurname", user__email="o@example.org"
    )
    redacted = FeedbackItemFactory(
        event=tagged.event, key_question=tagged.questions[0], topics=[tagged.patrols], redacted=True
    )
    findings = findings_sent_to([panel_client.member, other], tagged=tagged, by=coordinator)
    section = findings.latest_version().sections.first()
    section.items.add(redacted)
    answer_every_section(findings, other, verdict="partly", comment="Other comment.")
    request = panel_client.member.sense_check_requests.get()
    pages = [
        page_of(panel_client.get(reverse("panel:home"))),
        page_of(panel_client.get(reverse("panel:sense-check", args=[request.pk]))),
        *[
            page_of(panel_client.get(reverse("panel:sense-check-answer", args=[request.pk, s.pk])))
            for s in request.version.sections.all()
        ],
    ]
    never = [
        "Amina Contactperson",
        "amina@example.org",
        "Otherfirst",
        "Othersurname",
        "o@example.org",
        coordinator.get_full_name(),
        coordinator.email,
        redacted.original_text,
        "Other comment.",
    ]
    for page in pages:
        for personal in never:
            assert personal not in page
    assert redacted.text in pages[2]


def test_a_member_who_steps_down_loses_access_at_once(tagged, panel_client, coordinator):
    findings_sent_to([panel_client.member], tagged=tagged, by=coordinator)
    request = panel_client.member.sense_check_requests.get()
    url = reverse("panel:sense-check", args=[request.pk])
    page_of(panel_client.get(url))
    focus_group_member_end(member=panel_client.member, by=coordinator, reason="Moved away.")
    assert panel_client.get(url).status_code == 403
    section = request.version.sections.first()
    answer_url = reverse("panel:sense-check-answer", args=[request.pk, section.pk])
    assert panel_client.post(answer_url, {"verdict": "accurate"}).status_code == 403


def test_answers_close_on_the_panel_once_the_findings_are_agreed(tagged, panel_client, coordinator):
    findings = agreed_findings(tagged=tagged, by=coordinator, member=panel_client.member)
    request = panel_client.member.sense_check_requests.get()
    assert findings.title not in page_of(panel_client.get(reverse("panel:home")))
    section = request.version.sections.first()
    url = reverse("panel:sense-check-answer", args=[request.pk, section.pk])
    page = page_of(panel_client.post(url, {"verdict": "not_accurate", "comment": "Late view"}))
    assert "answers are closed" in page
    assert not SectionAnswer.objects.filter(comment="Late view").exists()


def test_panel_pages_cost_the_same_queries_however_many_findings_and_answers(
    programme, panel_client, coordinator, django_assert_max_num_queries
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to([panel_client.member], tagged=tagged, by=coordinator)
    request = panel_client.member.sense_check_requests.get()
    section = request.version.sections.first()
    urls = [
        reverse("panel:home"),
        reverse("panel:sense-check", args=[request.pk]),
        reverse("panel:sense-check-answer", args=[request.pk, section.pk]),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(25) as few:
            page_of(panel_client.get(url))
        counts[url] = len(few.captured_queries)

    for _ in range(3):
        more = a_held_event_with_tagged_feedback(programme)
        findings_sent_to(
            [panel_client.member, FocusGroupMemberFactory()], tagged=more, by=coordinator
        )
    answer_every_section(findings, panel_client.member, verdict="partly", comment="One.")
    answer_every_section(findings, panel_client.member, verdict="accurate")
    for _ in range(5):
        FeedbackItemFactory(event=tagged.event, key_question=tagged.questions[0])
    section.items.add(*FeedbackItem.objects.filter(event=tagged.event).quotable())
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            page_of(panel_client.get(url))
