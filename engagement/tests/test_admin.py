"""The Django admin as an Administrator uses it: staff, not a superuser, with the model
permissions roles.py gives the role and nothing from the contacts app but the kinds of
lay observation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from engagement.roles import Role, roles_of

pytestmark = pytest.mark.django_db

# The admin pages an Administrator's work needs: (app label, model, can add).
ADMINISTRATOR_PAGES = [
    ("auth", "user", True),
    ("auth", "group", False),
    ("engagement", "programme", True),
    ("engagement", "community", True),
    ("engagement", "department", True),
    ("feedback", "workstream", True),
    ("feedback", "keyquestion", True),
    ("feedback", "topic", True),
    ("feedback", "safeguardingterm", True),
    ("events", "event", True),
    ("events", "venue", True),
    ("contacts", "observationkind", True),
    ("axes", "accessattempt", False),
]
# Admin pages with personal data, anonymous forms or secrets. Some of these models have
# no admin at all; an Administrator must not reach them whichever it is.
NEVER_FOR_ADMINISTRATORS = [
    ("contacts", "attendee"),
    ("contacts", "consentrecord"),
    ("contacts", "outboxmessage"),
    ("contacts", "pendingsignup"),
    ("contacts", "opportunity"),
    ("contacts", "observationplace"),
    ("feedback", "pendingsubmission"),
    ("feedback", "submission"),
    ("feedback", "feedbackitem"),
    ("otp_totp", "totpdevice"),
]


def test_an_administrator_is_staff_but_not_a_superuser(administrator):
    assert administrator.is_staff
    assert not administrator.is_superuser


@pytest.mark.parametrize(
    ("app_label", "model", "can_add"), ADMINISTRATOR_PAGES, ids=lambda value: str(value)
)
def test_an_administrator_reaches_the_admin_pages_their_work_needs(
    administrator_client, app_label, model, can_add
):
    changelist = administrator_client.get(reverse(f"admin:{app_label}_{model}_changelist"))
    assert changelist.status_code == 200
    if can_add:
        assert (
            administrator_client.get(reverse(f"admin:{app_label}_{model}_add")).status_code == 200
        )


def test_the_admin_home_page_shows_an_administrator_no_contacts_forms_or_secrets(
    administrator_client,
):
    response = administrator_client.get(reverse("admin:index"))

    shown = {
        (app["app_label"], model["object_name"].lower())
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert {(app_label, model) for app_label, model, _add in ADMINISTRATOR_PAGES} <= shown
    assert not shown & set(NEVER_FOR_ADMINISTRATORS)
    assert {model for app_label, model in shown if app_label == "contacts"} == {"observationkind"}


@pytest.mark.parametrize(("app_label", "model"), NEVER_FOR_ADMINISTRATORS, ids=str)
def test_an_administrator_holds_no_permission_on_personal_data_forms_or_secrets(
    administrator, app_label, model
):
    assert not any(
        administrator.has_perm(f"{app_label}.{action}_{model}")
        for action in ("add", "change", "delete", "view")
    )


def test_an_administrator_holds_nothing_from_the_contacts_app_but_kinds_of_lay_observation(
    administrator,
):
    assert {
        name for name in administrator.get_all_permissions() if name.startswith("contacts.")
    } == {
        "contacts.add_observationkind",
        "contacts.change_observationkind",
        "contacts.view_observationkind",
    }


def test_an_administrator_cannot_make_anyone_a_superuser(administrator_client, coordinator):
    url = reverse("admin:auth_user_change", args=[coordinator.pk])
    page = administrator_client.get(url)
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert "user_permissions" not in page.context["adminform"].form.fields

    administrator_client.post(url, _change_form(coordinator, is_superuser="on"))

    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


def test_an_administrator_cannot_change_a_superuser_account(administrator_client):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)

    answer = administrator_client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "a-new-password-1234", "password2": "a-new-password-1234"},
    )

    assert answer.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("x" * 20)


def test_the_administrator_role_given_in_the_admin_opens_the_admin_and_taking_it_closes_it(
    administrator_client, coordinator, client
):
    from django.contrib.auth.models import Group

    url = reverse("admin:auth_user_change", args=[coordinator.pk])
    administrators = Group.objects.get(name=Role.ADMINISTRATOR)

    administrator_client.post(url, _change_form(coordinator, groups=[administrators.pk]))
    coordinator.refresh_from_db()
    assert coordinator.is_staff
    assert roles_of(coordinator) == {Role.ADMINISTRATOR}

    coordinator_groups = Group.objects.get(name=Role.COORDINATOR)
    administrator_client.post(url, _change_form(coordinator, groups=[coordinator_groups.pk]))
    coordinator.refresh_from_db()
    assert not coordinator.is_staff


def test_a_staff_flag_without_the_administrator_role_does_not_open_the_admin(client, leader):
    leader.is_staff = True
    leader.save()
    client.force_login(leader)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/login/" in response.url


def _change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


# Making Administrators from the server --------------------------------------------


def _typed_passwords(monkeypatch, *answers):
    typed = iter(answers)
    monkeypatch.setattr(
        "engagement.management.commands.create_administrator.getpass.getpass",
        lambda prompt: next(typed),
    )


def test_create_administrator_makes_an_administrator_who_is_not_a_superuser(monkeypatch):
    _typed_passwords(monkeypatch, "a-long-enough-passphrase", "a-long-enough-passphrase")

    call_command("create_administrator", "helen", "--email", "helen@example.police.uk")

    helen = get_user_model().objects.get(username="helen")
    assert roles_of(helen) == {Role.ADMINISTRATOR}
    assert helen.is_staff
    assert not helen.is_superuser
    assert helen.check_password("a-long-enough-passphrase")


def test_create_administrator_asks_again_for_a_weak_or_mistyped_password(monkeypatch, capsys):
    _typed_passwords(
        monkeypatch,
        "short",
        "short",
        "a-long-enough-passphrase",
        "a-long-enough-passphrase-typo",
        "a-long-enough-passphrase",
        "a-long-enough-passphrase",
    )

    call_command("create_administrator", "helen")

    errors = capsys.readouterr().err
    assert "too short" in errors
    assert "not the same" in errors
    assert get_user_model().objects.get(username="helen").check_password("a-long-enough-passphrase")


def test_create_administrator_leaves_an_existing_account_alone(monkeypatch, coordinator):
    _typed_passwords(monkeypatch, "a-long-enough-passphrase", "a-long-enough-passphrase")

    with pytest.raises(CommandError, match="already an account"):
        call_command("create_administrator", coordinator.username)

    coordinator.refresh_from_db()
    assert roles_of(coordinator) == {Role.COORDINATOR}
