"""Drafting findings from tagged feedback, changing them in versions, and comparing any
two versions. Findings never quote a safeguarding flag, an officer's internal note or
an item set aside, and every change after a version has been sent makes a new one."""

import pytest

from events.tests.factories import EventFactory
from feedback.models import FeedbackItem, Findings, FindingsChange
from feedback.selectors import findings_comparison, findings_sections_for_reading
from feedback.services import (
    FindingsRefused,
    feedback_flag,
    feedback_set_internal,
    findings_add_section,
    findings_draft_for,
    findings_remove_section,
    findings_update,
    findings_update_section,
)
from feedback.tests.factories import FeedbackItemFactory
from feedback.tests.findings_helpers import (
    a_held_event_with_tagged_feedback,
    findings_sent_to,
    members,
)

pytestmark = pytest.mark.django_db


def test_the_draft_has_a_section_per_key_question_covered_with_tagged_items_counted_by_topic(
    programme, coordinator
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)

    assert findings.status == Findings.Status.DRAFT
    assert findings.title == f"What we heard at {tagged.event.title}"
    version = findings.latest_version()
    assert version.number == 1
    sections = list(version.sections.all())
    assert [section.key_question for section in sections] == tagged.questions[:2]
    assert [section.heading for section in sections] == [q.text for q in tagged.questions[:2]]
    first, second = sections
    assert set(first.items.all()) == set(tagged.quotable[:3])
    assert set(second.items.all()) == {tagged.quotable[3]}
    assert first.summary.splitlines() == [
        "Topics raised, with the number of points about each:",
        "- Stop and search test topic: 2 points",
        "- Patrols test topic: 1 point",
    ]
    assert FindingsChange.objects.get(findings=findings).kind == FindingsChange.Kind.DRAFTED


def test_the_draft_never_rests_on_flagged_internal_set_aside_or_untagged_items(
    programme, coordinator
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    used = set(FeedbackItem.objects.filter(findings_sections__version__findings=findings))
    assert used == set(tagged.quotable)


def test_items_flagged_or_marked_internal_after_drafting_are_no_longer_quoted(
    programme, coordinator
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    explain, cameras = tagged.quotable[:2]
    feedback_flag(item=explain, by=coordinator, note="Read again: a threat.")
    feedback_set_internal(item=cameras, is_internal=True)

    sections = findings_sections_for_reading(version=findings.latest_version())
    quoted = {item for section in sections for item in section.quotes}
    assert explain not in quoted and cameras not in quoted
    assert set(tagged.quotable[2:]) <= quoted


def test_only_officers_notes_can_be_marked_internal(programme):
    form_answer = FeedbackItemFactory(source=FeedbackItem.Source.ONLINE_FORM)
    with pytest.raises(ValueError):
        feedback_set_internal(item=form_answer, is_internal=True)
    note = FeedbackItemFactory(source=FeedbackItem.Source.DISCUSSION_NOTE)
    assert feedback_set_internal(item=note, is_internal=True).is_internal
    assert not FeedbackItem.objects.quotable().filter(pk=note.pk).exists()


def test_a_round_up_covers_several_events_and_points_about_no_key_question_get_a_section(
    programme, coordinator
):
    first = a_held_event_with_tagged_feedback(programme)
    second = EventFactory(programme=programme, held=True)
    general = FeedbackItemFactory(event=second, key_question=None, topics=[first.patrols])

    findings = findings_draft_for(events=[first.event, second], by=coordinator)

    assert findings.title == "Round-up of 2 events"
    assert set(findings.events.all()) == {first.event, second}
    last = list(findings.latest_version().sections.all())[-1]
    assert last.heading == "Other things people raised"
    assert list(last.items.all()) == [general]


def test_findings_are_only_drafted_for_held_events(programme, coordinator):
    planned = EventFactory(programme=programme)
    with pytest.raises(FindingsRefused, match="held"):
        findings_draft_for(events=[planned], by=coordinator)
    with pytest.raises(FindingsRefused):
        findings_draft_for(events=[], by=coordinator)
    assert not Findings.objects.exists()


def test_changes_before_sending_change_the_draft_itself(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    section = findings.latest_version().sections.first()

    findings_update_section(
        findings=findings,
        section=section,
        heading="Stop and search",
        summary="People want officers to explain themselves.",
        items=tagged.quotable[:2],
        by=coordinator,
    )
    findings_update(findings=findings, title="Moss Side", overview="Overall...", by=coordinator)

    assert findings.versions.count() == 1
    section.refresh_from_db()
    assert section.heading == "Stop and search"
    assert set(section.items.all()) == set(tagged.quotable[:2])


def test_every_change_after_sending_makes_a_new_version_and_keeps_the_one_sent(
    programme, coordinator
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to(members(1), tagged=tagged, by=coordinator)
    sent = findings.latest_version()
    section = sent.sections.first()
    original_summary = section.summary

    changed = findings_update_section(
        findings=findings,
        section=section,
        heading=section.heading,
        summary="A new summary.",
        items=list(section.items.all()),
        by=coordinator,
        note="Members said it missed the point about schools.",
    )

    findings.refresh_from_db()
    assert findings.status == Findings.Status.AMENDING
    assert findings.amending_at is not None
    assert findings.versions.count() == 2
    assert changed.version.number == 2 and changed.based_on == section
    section.refresh_from_db()
    assert section.summary == original_summary
    assert sent.sections.count() == changed.version.sections.count()

    # A second change in the same unsent version changes it in place.
    findings_add_section(
        findings=findings, heading="Schools", summary="Meet us at school.", items=[], by=coordinator
    )
    assert findings.versions.count() == 2
    change = FindingsChange.objects.filter(findings=findings, note__contains="schools").get()
    assert change.version.number == 2


def test_saving_with_nothing_changed_makes_no_new_version(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to(members(1), tagged=tagged, by=coordinator)
    section = findings.latest_version().sections.first()
    findings_update_section(
        findings=findings,
        section=section,
        heading=section.heading,
        summary=section.summary,
        items=list(section.items.all()),
        by=coordinator,
    )
    findings_update(findings=findings, title=findings.title, overview="", by=coordinator)
    assert findings.versions.count() == 1
    findings.refresh_from_db()
    assert findings.status == Findings.Status.WITH_FOCUS_GROUP


def test_a_section_cannot_rest_on_items_findings_must_not_quote(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    section = findings.latest_version().sections.first()
    elsewhere = FeedbackItemFactory(topics=[tagged.patrols])
    for wrong in (tagged.flagged, tagged.internal, tagged.set_aside, elsewhere):
        with pytest.raises(FindingsRefused, match="never a safeguarding flag"):
            findings_update_section(
                findings=findings,
                section=section,
                heading="x",
                summary="y",
                items=[wrong],
                by=coordinator,
            )
    section.refresh_from_db()
    assert section.heading != "x"


def test_removing_a_section_after_sending_keeps_it_in_the_version_sent(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to(members(1), tagged=tagged, by=coordinator)
    sent = findings.latest_version()
    section = sent.sections.first()
    newer = findings_remove_section(findings=findings, section=section, by=coordinator)
    assert sent.sections.filter(pk=section.pk).exists()
    assert newer.number == 2
    assert not newer.sections.filter(based_on=section).exists()


def test_shared_findings_can_no_longer_change(programme, coordinator):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_draft_for(events=[tagged.event], by=coordinator)
    Findings.objects.filter(pk=findings.pk).update(status=Findings.Status.SHARED)
    with pytest.raises(FindingsRefused, match="shared"):
        findings_update(findings=findings, title="x", overview="y", by=coordinator)


def test_any_two_versions_compare_word_by_word_with_sections_matched_across_versions(
    programme, coordinator
):
    tagged = a_held_event_with_tagged_feedback(programme)
    findings = findings_sent_to(members(1), tagged=tagged, by=coordinator)
    first = findings.latest_version()
    section, other = first.sections.all()
    findings_update_section(
        findings=findings,
        section=section,
        heading="Stop and search",
        summary="People want officers to explain every stop.",
        items=list(section.items.all()),
        by=coordinator,
    )
    findings_remove_section(findings=findings, section=other, by=coordinator)
    findings_add_section(
        findings=findings, heading="Schools", summary="Meet at schools.", items=[], by=coordinator
    )
    second = findings.latest_version()

    parts = findings_comparison(older=second, newer=first)  # either order
    overview, changed, added, removed = parts
    assert not overview.is_changed
    assert changed.heading == f"{section.heading} → Stop and search"
    assert ("added", "every") in changed.newer
    assert ("removed", "Topics") in changed.older
    assert "".join(text for _kind, text in changed.newer).startswith(
        "People want officers to explain every stop."
    )
    assert added.heading == "Schools" and added.older is None
    assert added.newer == [("added", "Meet at schools.")]
    assert removed.heading == other.heading and removed.newer is None
    assert all(kind == "removed" for kind, _text in removed.older)
