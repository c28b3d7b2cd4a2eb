"""Safeguarding flags raised and removed by hand: a person flags what the list of words
missed, and removes a flag only with a reason. Both are kept in a history that
everyone who can read the item sees, and a flag by hand counts and alerts as one the
words raise."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import OutboxMessage
from engagement.roles import Role
from feedback.models import FeedbackItem, SafeguardingFlagChange
from feedback.services import feedback_flag, feedback_record, feedback_unflag
from feedback.tests.factories import FeedbackItemFactory
from feedback.tests.helpers import DUTY_INBOX

MISSED = "My niece has not been at school for weeks and her new friends are much older."


def flag_url(item):
    return reverse("feedback:item-flag", args=[item.pk])


def unflag_url(item):
    return reverse("feedback:item-unflag", args=[item.pk])


def item_page(item):
    return reverse("feedback:item", args=[item.pk])


@pytest.fixture
def missed(event):
    """A point that worries a reader though no word on the list is in it."""
    item = feedback_record(text=MISSED, source=FeedbackItem.Source.ONLINE_FORM, event=event)
    assert not item.is_safeguarding_flagged
    return item


@pytest.mark.django_db
def test_a_coordinator_flags_what_the_words_missed_and_it_goes_to_the_top_of_the_inbox(
    client, coordinator, event, missed
):
    FeedbackItemFactory.create_batch(3, event=event)
    client.force_login(coordinator)
    before = timezone.now()
    response = client.post(
        flag_url(missed), {"flag-note": "Sounds like she may be being exploited."}
    )
    assert response.status_code == 302
    assert response.url == item_page(missed)

    missed.refresh_from_db()
    assert missed.is_safeguarding_flagged and not missed.safeguarding_reviewed
    change = SafeguardingFlagChange.objects.get()
    assert (change.item, change.flagged, change.by) == (missed, True, coordinator)
    assert change.reason == "Sounds like she may be being exploited."
    assert before <= change.at <= timezone.now()

    page = client.get(response.url).content.decode()
    assert "The item is flagged for safeguarding." in page
    assert "Coordinator Tester flagged it by hand." in page
    assert "Sounds like she may be being exploited." in page

    inbox = client.get(reverse("feedback:inbox"))
    assert [item for item, _suggestions in inbox.context["rows"]][0] == missed
    assert inbox.context["unreviewed_flag_count"] == 1
    assert "1 item may need safeguarding action." in inbox.content.decode()
    flagged_only = client.get(reverse("feedback:inbox"), {"flagged": "true"})
    assert [item for item, _suggestions in flagged_only.context["rows"]] == [missed]


@pytest.mark.django_db
def test_the_note_is_optional_and_a_long_one_is_refused_beside_the_box(client, coordinator, missed):
    client.force_login(coordinator)
    too_long = "She has no money and no phone. " * 20
    response = client.post(flag_url(missed), {"flag-note": too_long})
    assert response.status_code == 200
    assert response.context["form"] is response.context["flag_form"]
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_flag-note"' in page
    assert "Please keep this to 500 characters or fewer." in page
    assert too_long.strip() in page
    missed.refresh_from_db()
    assert not missed.is_safeguarding_flagged
    assert not SafeguardingFlagChange.objects.exists()

    assert client.post(flag_url(missed), {}).status_code == 302
    missed.refresh_from_db()
    assert missed.is_safeguarding_flagged
    assert SafeguardingFlagChange.objects.get().reason == ""


@pytest.mark.django_db
def test_a_flag_by_hand_tells_the_duty_inbox_as_a_flag_by_the_words_does(
    client, coordinator, missed, settings
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    client.force_login(coordinator)
    response = client.post(
        flag_url(missed), {"flag-note": "Sounds like she may be being exploited."}
    )
    assert "the duty inbox is told" in client.get(response.url).content.decode()
    alert = OutboxMessage.objects.get(to_address=DUTY_INBOX)
    assert alert.subject == "Community Voice: feedback that may need safeguarding action"
    assert item_page(missed) in alert.body_text
    # Like the alerts the words raise, it carries neither the words nor the note.
    assert "niece" not in alert.body_text and "exploited" not in alert.body_text
    assert alert.from_anonymous_form


@pytest.mark.django_db
def test_flagging_again_after_a_flag_was_removed_tells_the_duty_inbox_again(
    event, coordinator, settings
):
    settings.SAFEGUARDING_EMAIL = DUTY_INBOX
    item = feedback_record(
        text="A boy at school carries a knife and says he will use it",
        source=FeedbackItem.Source.DISCUSSION_NOTE,
        event=event,
    )
    assert item.is_safeguarding_flagged
    assert OutboxMessage.objects.filter(to_address=DUTY_INBOX).count() == 1
    feedback_unflag(item=item, by=coordinator, reason="A scene from a film, not a real event.")
    feedback_flag(item=item, by=coordinator, note="Read again: it happened to him.")
    assert OutboxMessage.objects.filter(to_address=DUTY_INBOX).count() == 2


@pytest.mark.django_db
def test_removing_a_flag_needs_a_reason_and_keeps_what_was_typed(client, coordinator, event):
    item = FeedbackItemFactory(event=event, flagged=True)
    client.force_login(coordinator)

    response = client.post(unflag_url(item), {"unflag-reason": "  "})
    assert response.status_code == 200
    assert response.context["form"] is response.context["unflag_form"]
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_unflag-reason"' in page
    assert "Say why the flag can be removed." in page
    assert 'aria-invalid="true"' in page

    too_long = "It is about a video game, not about anyone real. " * 12
    response = client.post(unflag_url(item), {"unflag-reason": too_long})
    assert response.status_code == 200
    assert "Please keep this to 500 characters or fewer." in response.content.decode()
    assert too_long.strip() in response.content.decode()
    item.refresh_from_db()
    assert item.is_safeguarding_flagged
    assert not SafeguardingFlagChange.objects.exists()


@pytest.mark.django_db
def test_removing_a_flag_is_recorded_with_who_when_and_why(client, coordinator, leader, event):
    item = FeedbackItemFactory(event=event, flagged=True)
    client.force_login(coordinator)
    response = client.post(unflag_url(item), {"unflag-reason": "A knife for cooking, at home."})
    assert response.status_code == 302
    assert response.url == item_page(item)
    item.refresh_from_db()
    assert not item.is_safeguarding_flagged and item.safeguarding_reviewed
    change = SafeguardingFlagChange.objects.get()
    assert (change.item, change.flagged, change.by) == (item, False, coordinator)
    assert change.reason == "A knife for cooking, at home."
    assert "The flag is removed." in client.get(response.url).content.decode()

    inbox = client.get(reverse("feedback:inbox"))
    assert inbox.context["unreviewed_flag_count"] == 0

    client.force_login(leader)
    page = client.get(item_page(item)).content.decode()
    assert "History of the flag" in page
    assert "Flagged when it was stored, for words such as: knife." in page
    assert "Flag removed by Coordinator Tester" in page
    assert "A knife for cooking, at home." in page
    assert unflag_url(item) not in page and flag_url(item) not in page


@pytest.mark.django_db
def test_a_removed_reason_is_required_by_the_service_and_the_database(event, coordinator):
    item = FeedbackItemFactory(event=event, flagged=True)
    with pytest.raises(ValueError):
        feedback_unflag(item=item, by=coordinator, reason=" ")
    item.refresh_from_db()
    assert item.is_safeguarding_flagged
    assert not SafeguardingFlagChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMINISTRATOR, Role.ACTION_OWNER])
def test_only_those_who_manage_feedback_may_flag_or_remove_a_flag(client_for_role, event, role):
    unflagged = FeedbackItemFactory(event=event)
    flagged = FeedbackItemFactory(event=event, flagged=True)
    client = client_for_role(role)
    assert client.post(flag_url(unflagged), {"flag-note": "x"}).status_code == 403
    assert client.post(unflag_url(flagged), {"unflag-reason": "x"}).status_code == 403
    assert not SafeguardingFlagChange.objects.exists()
    assert list(FeedbackItem.objects.flagged()) == [flagged]


@pytest.mark.django_db
def test_flag_and_unflag_refuse_a_get(client, coordinator, event):
    item = FeedbackItemFactory(event=event, flagged=True)
    client.force_login(coordinator)
    assert client.get(flag_url(item)).status_code == 405
    assert client.get(unflag_url(item)).status_code == 405


@pytest.mark.django_db
def test_a_leader_sees_the_history_but_no_buttons(client, coordinator, leader, missed):
    feedback_flag(item=missed, by=coordinator, note="Sounds like she may be being exploited.")
    client.force_login(leader)
    page = client.get(item_page(missed)).content.decode()
    assert "Coordinator Tester flagged it by hand." in page
    assert "Flagged by hand by Coordinator Tester" in page
    assert "Sounds like she may be being exploited." in page
    assert "Remove the flag" not in page and "Flag for safeguarding" not in page


@pytest.mark.django_db
def test_the_page_offers_the_button_that_fits_the_flag(client, coordinator, event, missed):
    client.force_login(coordinator)
    page = client.get(item_page(missed)).content.decode()
    assert f'action="{flag_url(missed)}"' in page and unflag_url(missed) not in page
    assert "History of the flag" not in page
    flagged = FeedbackItemFactory(event=event, flagged=True)
    page = client.get(item_page(flagged)).content.decode()
    assert f'action="{unflag_url(flagged)}"' in page and flag_url(flagged) not in page


@pytest.mark.django_db
def test_flagging_twice_or_removing_a_flag_that_is_gone_changes_nothing(client, coordinator, event):
    flagged = FeedbackItemFactory(event=event, flagged=True)
    unflagged = FeedbackItemFactory(event=event)
    client.force_login(coordinator)
    response = client.post(flag_url(flagged), {"flag-note": ""}, follow=True)
    assert "This item is already flagged." in response.content.decode()
    response = client.post(unflag_url(unflagged), {"unflag-reason": "x"}, follow=True)
    assert "This item has no safeguarding flag to remove." in response.content.decode()
    assert not SafeguardingFlagChange.objects.exists()
    assert feedback_flag(item=flagged, by=coordinator) is None
    assert feedback_unflag(item=unflagged, by=coordinator, reason="x") is None


@pytest.mark.django_db
def test_a_flag_on_an_anonymous_item_records_the_staff_action_only(coordinator, missed):
    """The item keeps only the hour it arrived in; the change says when a member of
    staff acted, and holds nothing of the form but the item it points to."""
    received_hour = missed.received_hour
    change = feedback_flag(item=missed, by=coordinator)
    missed.refresh_from_db()
    assert missed.received_hour == received_hour
    assert (received_hour.minute, received_hour.second, received_hour.microsecond) == (0, 0, 0)
    assert {field.name for field in SafeguardingFlagChange._meta.concrete_fields} == {
        "id",
        "item",
        "flagged",
        "reason",
        "by",
        "at",
    }
    assert change.by == coordinator


@pytest.mark.django_db
def test_the_item_page_keeps_a_constant_number_of_queries_however_long_the_history(
    client, coordinator, user_for_role, missed, django_assert_max_num_queries
):
    client.force_login(coordinator)
    feedback_flag(item=missed, by=coordinator, note="First look.")
    with django_assert_max_num_queries(30) as few:
        client.get(item_page(missed))
    leader = user_for_role(Role.LEADER)
    for number in range(5):
        feedback_unflag(item=missed, by=leader, reason=f"Reason {number}")
        feedback_flag(item=missed, by=coordinator, note=f"Note {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(item_page(missed)).content.decode()
    assert "Reason 4" in page and "Note 4" in page
