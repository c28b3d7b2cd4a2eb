"""One feedback item: its page, and one URL for each thing a Coordinator can do to it.
Each action refuses a GET and anyone without the capability; a mistake brings the page
back with the message beside the field and what was typed."""

import pytest
from django.contrib import admin
from django.urls import reverse

from engagement.roles import CAPABILITIES_BY_ROLE, Capability, Role, can
from feedback.models import FeedbackItem, Topic
from feedback.services import feedback_record
from feedback.tests.factories import FeedbackItemFactory

ACTIONS = {
    "feedback:item-tags": {"topics": []},
    "feedback:item-redact": {"text": "More patrols please"},
    "feedback:item-set-aside": {"reason": "A duplicate"},
    "feedback:item-restore": {},
    "feedback:item-redaction-checked": {},
    "feedback:item-flag-reviewed": {},
    "feedback:item-flag": {"flag-note": "It sounds as if a child is at risk."},
    "feedback:item-unflag": {"unflag-reason": "Read in full, nobody is at risk."},
}


def as_stored(item: FeedbackItem) -> dict:
    item.refresh_from_db()
    return {
        "fields": {
            field.attname: getattr(item, field.attname) for field in item._meta.concrete_fields
        },
        "topics": set(item.topics.values_list("pk", flat=True)),
    }


@pytest.fixture
def item(event):
    return FeedbackItemFactory(
        event=event, flagged=True, redacted=True, source=FeedbackItem.Source.ONLINE_FORM
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ACTIONS))
def test_each_action_refuses_a_get(client_for_role, item, url_name):
    before = as_stored(item)
    response = client_for_role(Role.COORDINATOR).get(reverse(url_name, args=[item.pk]))
    assert response.status_code == 405
    assert as_stored(item) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMINISTRATOR, Role.ACTION_OWNER])
@pytest.mark.parametrize("url_name", sorted(ACTIONS))
def test_each_action_refuses_people_who_may_not_manage_feedback(
    client_for_role, item, url_name, role
):
    before = as_stored(item)
    response = client_for_role(role).post(reverse(url_name, args=[item.pk]), ACTIONS[url_name])
    assert response.status_code == 403
    assert as_stored(item) == before


@pytest.mark.django_db
def test_the_item_page_takes_no_post_and_each_form_posts_to_its_own_address(
    client, coordinator, item
):
    client.force_login(coordinator)
    url = reverse("feedback:item", args=[item.pk])
    assert client.post(url, {"action": "set_aside", "reason": "x"}).status_code == 405
    page = client.get(url).content.decode()
    # The item is flagged and not set aside: the buttons to bring it back and to flag it
    # are not shown.
    for url_name in set(ACTIONS) - {"feedback:item-restore", "feedback:item-flag"}:
        assert f'action="{reverse(url_name, args=[item.pk])}"' in page, url_name
    assert 'name="action"' not in page


@pytest.mark.django_db
def test_redacting_keeps_the_original_for_coordinators_only(client, coordinator, leader, event):
    item = FeedbackItemFactory(event=event, text="Ask for Sam at number 12")
    client.force_login(coordinator)
    response = client.post(
        reverse("feedback:item-redact", args=[item.pk]), {"text": "Ask for [name] at number 12"}
    )
    assert response.status_code == 302
    assert response.url == reverse("feedback:item", args=[item.pk])
    item.refresh_from_db()
    assert item.text == "Ask for [name] at number 12"
    assert item.original_text == "Ask for Sam at number 12"
    page = client.get(response.url).content.decode()
    assert "The text is updated. The original is kept." in page
    assert "Ask for Sam" in page

    client.force_login(leader)
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "Ask for [name] at number 12" in page
    assert "Ask for Sam" not in page
    assert "Only Coordinators can see what was first written." in page


@pytest.mark.django_db
def test_only_coordinators_may_see_the_text_before_redaction(user_for_role):
    assert can(user_for_role(Role.COORDINATOR), Capability.VIEW_ORIGINAL_TEXT)
    for role in (Role.LEADER, Role.ADMINISTRATOR, Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER):
        assert not can(user_for_role(role), Capability.VIEW_ORIGINAL_TEXT), role


@pytest.mark.django_db
def test_the_capability_alone_decides_who_sees_the_text_before_redaction(
    client, coordinator, leader, event, monkeypatch
):
    item = feedback_record(text="Ring 07700 900123", source="online_form", event=event)
    url = reverse("feedback:item", args=[item.pk])
    # Give the capability to Leaders and take it from Coordinators, who still manage
    # feedback: the original follows the capability, not the right to manage.
    monkeypatch.setitem(
        CAPABILITIES_BY_ROLE,
        Role.LEADER,
        CAPABILITIES_BY_ROLE[Role.LEADER] | {Capability.VIEW_ORIGINAL_TEXT},
    )
    monkeypatch.setitem(
        CAPABILITIES_BY_ROLE,
        Role.COORDINATOR,
        CAPABILITIES_BY_ROLE[Role.COORDINATOR] - {Capability.VIEW_ORIGINAL_TEXT},
    )
    client.force_login(leader)
    assert "07700 900123" in client.get(url).content.decode()
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "07700 900123" not in page
    assert "Save the redacted text" in page


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
def test_the_admin_shows_the_text_before_redaction_only_to_those_who_may_see_it(rf, user_for_role):
    item_admin = admin.site._registry[FeedbackItem]
    for role, shown in ((Role.ADMINISTRATOR, False), (Role.COORDINATOR, True)):
        request = rf.get("/")
        request.user = user_for_role(role)
        fields = item_admin.get_fields(request)
        assert ("original_text" in fields) is shown, role
        if shown:
            assert "original_text" in item_admin.get_readonly_fields(request)


@pytest.mark.django_db
def test_a_redaction_that_empties_the_text_is_refused_beside_the_box(client, coordinator, item):
    client.force_login(coordinator)
    response = client.post(reverse("feedback:item-redact", args=[item.pk]), {"text": "  "})
    assert response.status_code == 200
    assert response.context["form"] is response.context["redact_form"]
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_text"' in page
    assert '<textarea name="text"' in page and 'aria-invalid="true"' in page
    assert "The text cannot be empty." in page
    assert "no-store" in response["Cache-Control"]
    item.refresh_from_db()
    assert item.text == "Call me on [phone number removed]"


@pytest.mark.django_db
def test_setting_aside_needs_a_short_reason_and_keeps_what_was_typed(client, coordinator, event):
    item = FeedbackItemFactory(event=event)
    client.force_login(coordinator)
    url = reverse("feedback:item-set-aside", args=[item.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Say why this item is set aside." in response.content.decode()
    too_long = "Not about policing at all, " * 20
    response = client.post(url, {"reason": too_long})
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 300 characters" in page
    assert f'value="{too_long}"' in page
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.NEW

    response = client.post(url, {"reason": "A duplicate"}, follow=True)
    assert "The item is set aside." in response.content.decode()
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.SET_ASIDE

    response = client.post(reverse("feedback:item-restore", args=[item.pk]), follow=True)
    assert "The item is back in the feedback." in response.content.decode()
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.NEW


@pytest.mark.django_db
def test_tagging_one_item_marks_it_tagged(client, coordinator, event):
    item = FeedbackItemFactory(event=event)
    client.force_login(coordinator)
    topic = Topic.objects.get(slug="hate-crime")
    response = client.post(reverse("feedback:item-tags", args=[item.pk]), {"topics": [topic.pk]})
    assert response.status_code == 302
    assert "Tags saved." in client.get(response.url).content.decode()
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.TAGGED
    assert list(item.topics.all()) == [topic]


@pytest.mark.django_db
def test_a_tag_that_does_not_exist_is_refused_beside_the_field(client, coordinator, event):
    item = FeedbackItemFactory(event=event)
    client.force_login(coordinator)
    response = client.post(reverse("feedback:item-tags", args=[item.pk]), {"topics": ["999999"]})
    assert response.status_code == 200
    assert response.context["form"] is response.context["tag_form"]
    assert response.context["tag_form"].errors["topics"]
    assert "There is a problem" in response.content.decode()
    item.refresh_from_db()
    assert item.status == FeedbackItem.Status.NEW


@pytest.mark.django_db
def test_checking_the_redaction_and_the_flag_are_separate_buttons(client, coordinator, item):
    client.force_login(coordinator)
    response = client.post(reverse("feedback:item-redaction-checked", args=[item.pk]), follow=True)
    assert "Marked as checked." in response.content.decode()
    item.refresh_from_db()
    assert item.redaction_checked and not item.safeguarding_reviewed
    response = client.post(reverse("feedback:item-flag-reviewed", args=[item.pk]), follow=True)
    assert "Someone has looked at this." in response.content.decode()
    item.refresh_from_db()
    assert item.safeguarding_reviewed


@pytest.mark.django_db
def test_the_item_page_with_the_original_text_is_never_cached(client, coordinator, event):
    item = feedback_record(text="Call me on 07700 900123", source="discussion_note", event=event)
    client.force_login(coordinator)
    response = client.get(reverse("feedback:item", kwargs={"pk": item.pk}))
    assert "07700 900123" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_unknown_item_is_not_found_for_every_action(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("feedback:item", args=[999999])).status_code == 404
    for url_name, data in ACTIONS.items():
        assert client.post(reverse(url_name, args=[999999]), data).status_code == 404
