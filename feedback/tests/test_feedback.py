from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from contacts.models import OutboxMessage
from engagement.tests.factories import CommunityFactory, ProgrammeFactory
from events.tests.factories import EventFactory
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    PendingSubmission,
    ProgrammeKeyQuestion,
    Submission,
    Topic,
    Workstream,
)
from feedback.services import feedback_record, feedback_release_pending, feedback_tag


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory()
    for position, question in enumerate(KeyQuestion.objects.order_by("workstream__position")):
        ProgrammeKeyQuestion.objects.create(
            programme=programme, key_question=question, position=position
        )
    programme.questions = list(KeyQuestion.objects.for_programme(programme))
    return programme


@pytest.fixture
def event(programme):
    return EventFactory(programme=programme, held=True)


def release_forms_sent_so_far():
    """Anonymous forms join the feedback once their hour is over: pretend it is."""
    return feedback_release_pending(now=timezone.now() + timedelta(hours=1))


def form_data(questions, nonce="nonce-1", **answers):
    data = {"form_nonce": nonce, "website": "", "anything_else": ""}
    for question in questions:
        data[f"answer_{question.pk}"] = ""
    data.update(answers)
    return data


# Recording --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_item_keeps_only_the_hour_and_takes_details_out(event, programme):
    question = programme.questions[0]
    item = feedback_record(
        text="Call me on 07700 900123 about stop and search",
        source=FeedbackItem.Source.ONLINE_FORM,
        event=event,
        key_question=question,
    )
    assert item.received_hour.minute == item.received_hour.second == 0
    assert item.text == "Call me on [phone number removed] about stop and search"
    assert item.original_text == "Call me on 07700 900123 about stop and search"
    assert item.was_redacted and not item.redaction_checked
    assert item.community == event.focus_community
    assert list(item.workstreams.all()) == [question.workstream]


@pytest.mark.django_db
def test_words_of_risk_raise_a_flag_and_tell_the_duty_inbox(event, settings):
    settings.SAFEGUARDING_EMAIL = "duty@example.police.uk"
    item = feedback_record(
        text="A boy at school carries a knife and says he will use it",
        source=FeedbackItem.Source.ONLINE_FORM,
        event=event,
    )
    assert item.is_safeguarding_flagged
    assert item.safeguarding_terms == "knife"
    alert = OutboxMessage.objects.get(to_address="duty@example.police.uk")
    # The alert points to the item; it does not carry the words themselves.
    assert "carries a knife" not in alert.body_text
    assert reverse("feedback:item", args=[item.pk]) in alert.body_text


@pytest.mark.django_db
def test_the_same_note_sent_twice_is_stored_once(event, coordinator):
    first = feedback_record(
        text="More patrols", source="discussion_note", event=event, client_reference="abc-1"
    )
    second = feedback_record(
        text="More patrols", source="discussion_note", event=event, client_reference="abc-1"
    )
    assert first.pk == second.pk
    assert FeedbackItem.objects.count() == 1


@pytest.mark.django_db
def test_bulk_tagging_adds_tags_and_marks_items_tagged(event):
    items = [
        feedback_record(text=f"Point {number}", source="discussion_note", event=event)
        for number in range(3)
    ]
    topic = Topic.objects.get(slug="hate-crime")
    workstream = Workstream.objects.get(slug="protect")
    assert feedback_tag(items=items[:2], topics=[topic], workstreams=[workstream]) == 2
    feedback_tag(items=items[:2], topics=[topic])
    assert topic.feedback_items.count() == 2
    assert set(FeedbackItem.objects.values_list("status", flat=True)) == {"tagged", "new"}


# The anonymous form -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_for_an_event_asks_the_programme_questions(client, event, programme):
    page = client.get(reverse("give-feedback-event", args=[event.feedback_token]))
    content = page.content.decode()
    for question in programme.questions:
        assert question.text in content
    assert "This form is anonymous" in content
    assert "<script" not in content
    assert "Which community" not in content


@pytest.mark.django_db
def test_the_anonymous_form_stores_nothing_that_identifies_the_sender(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, **{f"answer_{programme.questions[0].pk}": "Listen more"}),
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone) distinctive-agent",
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 302
    assert response.url == reverse("feedback-thanks")
    pending = PendingSubmission.objects.get()
    assert not FeedbackItem.objects.exists() and not Submission.objects.exists()
    held = [str(value) for value in pending.__dict__.values() if value is not None]
    assert not any("203.0.113.77" in value or "distinctive-agent" in value for value in held)
    assert pending.received_hour.minute == pending.received_hour.second == 0
    assert release_forms_sent_so_far() == 1
    item = FeedbackItem.objects.get()
    submission = Submission.objects.get()
    assert item.text == "Listen more"
    assert item.recorded_by is None
    assert item.received_hour.minute == 0 and item.received_hour.second == 0
    assert submission.received_hour == item.received_hour
    stored = [
        str(value)
        for model in (item, submission)
        for value in model.__dict__.values()
        if value is not None
    ]
    assert not any("203.0.113.77" in value or "distinctive-agent" in value for value in stored)
    field_names = {
        field.name
        for model in (FeedbackItem, Submission, PendingSubmission)
        for field in model._meta.get_fields()
    }
    assert not field_names & {"ip", "ip_address", "user_agent", "session", "created_at"}
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_sending_the_same_form_twice_stores_it_once(client, event, programme):
    data = form_data(programme.questions, anything_else="Thank you for listening")
    url = reverse("give-feedback-event", args=[event.feedback_token])
    client.post(url, data)
    client.post(url, data)
    assert PendingSubmission.objects.count() == 1
    release_forms_sent_so_far()
    # Sent again after it joined the feedback: still one.
    client.post(url, data)
    release_forms_sent_so_far()
    assert FeedbackItem.objects.count() == 1
    assert not PendingSubmission.objects.exists()


@pytest.mark.django_db
def test_an_empty_form_asks_for_something(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]), form_data(programme.questions)
    )
    assert response.status_code == 200
    assert "Write something in at least one box" in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_too_long_an_answer_is_refused_and_kept(client, event, programme, settings):
    settings.FEEDBACK_MAX_CHARACTERS = 3000
    long_text = "word " * 700
    first = programme.questions[0]
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, **{f"answer_{first.pk}": long_text}),
    )
    assert response.status_code == 200
    assert "3000 characters or fewer" in response.content.decode()
    assert long_text.strip()[:200] in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_scripts_are_shown_as_text_and_other_scripts_kept_intact(
    client, coordinator, event, programme
):
    url = reverse("give-feedback-event", args=[event.feedback_token])
    client.post(url, form_data(programme.questions, "a", anything_else="<script>alert(1)</script>"))
    client.post(url, form_data(programme.questions, "b", anything_else="الشرطة 👮🏾 שלום"))
    release_forms_sent_so_far()
    client.force_login(coordinator)
    page = client.get(reverse("feedback:inbox")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert FeedbackItem.objects.filter(text="الشرطة 👮🏾 שלום").exists()
    assert "الشرطة 👮🏾 שלום" in page


@pytest.mark.django_db
def test_unknown_cancelled_and_closed_event_forms_say_so(client, programme, settings):
    settings.FEEDBACK_FORM_OPEN_DAYS = 14
    unknown = client.get(reverse("give-feedback-event", args=["notarealtoken"]))
    assert unknown.status_code == 404
    assert "We could not find that form" in unknown.content.decode()

    cancelled = EventFactory(programme=programme, status="cancelled")
    response = client.get(reverse("give-feedback-event", args=[cancelled.feedback_token]))
    assert response.status_code == 404

    old = EventFactory(programme=programme, starts_at=timezone.now() - timedelta(days=20))
    closed = client.get(reverse("give-feedback-event", args=[old.feedback_token]))
    assert closed.status_code == 410
    assert "has closed" in closed.content.decode()
    assert reverse("give-feedback") in closed.content.decode()
    posted = client.post(
        reverse("give-feedback-event", args=[old.feedback_token]),
        form_data(programme.questions, anything_else="late"),
    )
    assert posted.status_code == 410
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_the_general_form_can_say_which_community(client, programme):
    community = CommunityFactory()
    response = client.post(
        reverse("give-feedback"),
        form_data(programme.questions, anything_else="More patrols", community=community.pk),
    )
    assert response.status_code == 302
    release_forms_sent_so_far()
    item = FeedbackItem.objects.get()
    assert item.community == community
    assert item.event is None


@pytest.mark.django_db
def test_robots_filling_the_hidden_box_are_thanked_and_ignored(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, anything_else="Buy cheap pills", website="http://spam"),
    )
    assert response.status_code == 302
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_a_flood_from_one_address_gets_a_kind_refusal(client, event, programme, settings):
    settings.FEEDBACK_RATE_LIMIT = 5
    url = reverse("give-feedback-event", args=[event.feedback_token])
    statuses = [
        client.post(
            url, form_data(programme.questions, f"n{number}", anything_else="hi")
        ).status_code
        for number in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    refusal = client.post(url, form_data(programme.questions, "n9", anything_else="hi"))
    assert "Please wait a few minutes" in refusal.content.decode()
    release_forms_sent_so_far()
    assert FeedbackItem.objects.count() == 5
    other = client.post(
        url, form_data(programme.questions, "n10", anything_else="hi"), REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_it_is_read(client, event, programme):
    response = client.post(
        reverse("give-feedback-event", args=[event.feedback_token]),
        form_data(programme.questions, anything_else="x" * 70_000),
    )
    assert response.status_code == 413
    assert "too long to send" in response.content.decode()
    assert not PendingSubmission.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_the_public_form_is_light_on_queries(client, event, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("give-feedback-event", args=[event.feedback_token]))


# Staff capture ----------------------------------------------------------------------


@pytest.mark.django_db
def test_live_notes_take_points_by_plain_form_and_by_script(client, coordinator, event, programme):
    client.force_login(coordinator)
    url = reverse("feedback:live-notes", args=[event.pk])
    question = programme.questions[1]
    plain = client.post(url, {"key_question": question.pk, "text": "More patrols at night"})
    assert plain.status_code == 302
    assert plain.url.endswith(f"?question={question.pk}")
    for _attempt in range(2):
        scripted = client.post(
            url,
            {"key_question": "", "text": "Youth club", "client_reference": "ref-42"},
            HTTP_ACCEPT="application/json",
        )
        assert scripted.status_code == 201
        assert scripted.json()["client_reference"] == "ref-42"
    bad = client.post(url, {"text": ""}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    notes = FeedbackItem.objects.filter(source="discussion_note")
    assert notes.count() == 2
    assert set(notes.values_list("recorded_by", flat=True)) == {coordinator.pk}
    assert "More patrols at night" in client.get(url).content.decode()


@pytest.mark.django_db
def test_paper_forms_are_typed_in_one_per_screen_with_a_count(
    client, coordinator, event, programme
):
    client.force_login(coordinator)
    url = reverse("feedback:transcribe", args=[event.pk])
    first = programme.questions[0]
    for number in range(3):
        data = form_data(
            programme.questions, f"paper-{number}", **{f"answer_{first.pk}": "Be fair"}
        )
        assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "3 forms entered so far" in page
    assert FeedbackItem.objects.filter(source="paper_form", event=event).count() == 3
    printable = client.get(reverse("feedback:paper-form", args=[event.pk])).content.decode()
    assert first.text in printable


# Inbox, items and analysis ----------------------------------------------------------


def make_items(event, count, **fields):
    return [
        feedback_record(
            text=f"Point number {number}", source="discussion_note", event=event, **fields
        )
        for number in range(count)
    ]


@pytest.mark.django_db
def test_flagged_items_come_first_and_filters_work(client, coordinator, event):
    make_items(event, 3)
    flagged = feedback_record(text="He has a knife", source="online_form", event=event)
    client.force_login(coordinator)
    response = client.get(reverse("feedback:inbox"))
    items = [item for item, _suggestions in response.context["rows"]]
    assert items[0] == flagged
    assert "may need safeguarding action" in response.content.decode()
    only_flagged = client.get(reverse("feedback:inbox"), {"flagged": "true"})
    assert [item for item, _ in only_flagged.context["rows"]] == [flagged]
    by_source = client.get(reverse("feedback:inbox"), {"source": "online_form"})
    assert len(by_source.context["rows"]) == 1


@pytest.mark.django_db
def test_the_inbox_keeps_a_constant_number_of_queries(
    client, coordinator, event, django_assert_max_num_queries
):
    client.force_login(coordinator)
    make_items(event, 3)
    with django_assert_max_num_queries(22) as few:
        client.get(reverse("feedback:inbox"))
    make_items(event, 40, topics=[Topic.objects.first()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("feedback:inbox"))


@pytest.mark.django_db
def test_bulk_tagging_from_the_inbox(client, coordinator, event):
    items = make_items(event, 3)
    client.force_login(coordinator)
    topic = Topic.objects.get(slug="custody")
    response = client.post(
        reverse("feedback:bulk-tag"),
        {"items": [items[0].pk, items[1].pk], "topics": [topic.pk], "return_query": "status=new"},
    )
    assert response.status_code == 302
    assert response.url.endswith("?status=new")
    assert topic.feedback_items.count() == 2
    nothing = client.post(reverse("feedback:bulk-tag"), {"topics": [topic.pk]}, follow=True)
    assert "Select at least one item" in nothing.content.decode()


@pytest.mark.django_db
def test_redacting_keeps_the_original_for_coordinators_only(client, coordinator, leader, event):
    item = feedback_record(text="Ask for Sam at number 12", source="online_form", event=event)
    client.force_login(coordinator)
    url = reverse("feedback:item", args=[item.pk])
    client.post(url, {"action": "redact", "text": "Ask for [name] at number 12"})
    item.refresh_from_db()
    assert item.text == "Ask for [name] at number 12"
    assert item.original_text == "Ask for Sam at number 12"
    assert "Ask for Sam" in client.get(url).content.decode()

    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "Ask for [name] at number 12" in page
    assert "Ask for Sam" not in page
    assert client.post(url, {"action": "set_aside", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_setting_aside_needs_a_reason(client, coordinator, event):
    (item,) = make_items(event, 1)
    client.force_login(coordinator)
    url = reverse("feedback:item", args=[item.pk])
    response = client.post(url, {"action": "set_aside", "reason": ""})
    assert "Say why this item is set aside." in response.content.decode()
    client.post(url, {"action": "set_aside", "reason": "A duplicate"})
    item.refresh_from_db()
    assert item.status == "set_aside"
    client.post(url, {"action": "restore"})
    item.refresh_from_db()
    assert item.status == "new"


@pytest.mark.django_db
def test_analysis_finds_topics_by_community_and_those_only_one_raised(
    client, leader, programme, django_assert_max_num_queries
):
    stop_and_search = Topic.objects.get(slug="stop-and-search")
    custody = Topic.objects.get(slug="custody")
    first = EventFactory(programme=programme, held=True)
    second = EventFactory(programme=programme, held=True)
    make_items(first, 3, topics=[stop_and_search])
    make_items(second, 2, topics=[stop_and_search])
    make_items(second, 4, topics=[custody])
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:analysis"))
    table = response.context["by_community"]
    assert table.counts[("Stop and search", first.focus_community.name)] == 3
    assert table.counts[("Custody", second.focus_community.name)] == 4
    only_one = response.context["only_one_community"]
    assert [(row.topic, row.count) for row in only_one] == [("Custody", 4)]
    page = response.content.decode()
    assert "<caption>" in page and 'scope="row"' in page


@pytest.mark.django_db
def test_the_event_hub_shows_counts_by_question_and_topic(client, coordinator, event, programme):
    question = programme.questions[0]
    make_items(event, 2, key_question=question, topics=[Topic.objects.get(slug="custody")])
    client.force_login(coordinator)
    page = client.get(event.get_staff_url()).content.decode()
    assert "Feedback: 2 points" in page
    assert "Custody" in page
    assert reverse("feedback:live-notes", args=[event.pk]) in page


@pytest.mark.django_db
def test_administrators_do_not_see_the_text_before_redaction(client, administrator, event):
    item = feedback_record(text="Ring 07700 900123", source="online_form", event=event)
    client.force_login(administrator)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "[phone number removed]" in page
    assert "07700 900123" not in page
    admin_page = client.get(
        reverse("admin:feedback_feedbackitem_change", args=[item.pk])
    ).content.decode()
    assert "07700 900123" not in admin_page


@pytest.mark.django_db
def test_mistakes_do_not_count_towards_the_flood_limit(client, event, programme, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    url = reverse("give-feedback-event", args=[event.feedback_token])
    for number in range(3):
        assert (
            client.post(url, form_data(programme.questions, f"empty-{number}")).status_code == 200
        )
    statuses = [
        client.post(
            url, form_data(programme.questions, f"n{number}", anything_else="hi")
        ).status_code
        for number in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_topics_over_time_run_in_month_order_with_readable_labels(event):
    from feedback.analysis import topics_over_time

    topic = Topic.objects.get(slug="custody")
    for month in (11, 2, 7):
        item = feedback_record(text="Point", source="discussion_note", event=event, topics=[topic])
        FeedbackItem.objects.filter(pk=item.pk).update(
            received_hour=timezone.now().replace(year=2025, month=month, day=10, hour=12)
        )
    table = topics_over_time(FeedbackItem.objects.all())
    assert table.column_labels == ["Feb 2025", "Jul 2025", "Nov 2025"]
    assert table.counts[("Custody", "Jul 2025")] == 1


@pytest.mark.django_db
def test_tagging_one_item_marks_it_tagged(client, coordinator, event):
    (item,) = make_items(event, 1)
    client.force_login(coordinator)
    topic = Topic.objects.get(slug="hate-crime")
    response = client.post(
        reverse("feedback:item", args=[item.pk]), {"action": "tag", "topics": [topic.pk]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "tagged"
    assert list(item.topics.all()) == [topic]


@pytest.mark.django_db
def test_the_item_page_with_the_original_text_is_never_cached(client, coordinator, event):
    item = feedback_record(text="Call me on 07700 900123", source="discussion_note", event=event)
    client.force_login(coordinator)
    response = client.get(reverse("feedback:item", kwargs={"pk": item.pk}))
    assert "07700 900123" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
