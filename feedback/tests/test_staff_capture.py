"""Capturing feedback at and after an event: live notes and typed-in paper forms."""

import pytest
from django.urls import reverse

from feedback.models import FeedbackItem
from feedback.tests.helpers import form_data


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
