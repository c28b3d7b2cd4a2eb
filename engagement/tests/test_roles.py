import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from engagement.roles import (
    CAPABILITIES_BY_ROLE,
    MODEL_PERMISSIONS_BY_ROLE,
    Capability,
    Role,
    can,
    home_url_name_for,
    needs_two_factor,
)
from engagement.services import roles_sync_groups
from engagement.tests.factories import UserFactory


def test_every_role_has_capabilities_and_permissions_listed():
    assert set(CAPABILITIES_BY_ROLE) == set(Role)
    assert set(MODEL_PERMISSIONS_BY_ROLE) == set(Role)


def test_only_coordinators_and_administrators_see_personal_data():
    allowed = {
        role
        for role, capabilities in CAPABILITIES_BY_ROLE.items()
        if Capability.VIEW_PERSONAL_DATA in capabilities
    }
    assert allowed == {Role.COORDINATOR, Role.ADMINISTRATOR}


def test_focus_group_members_only_use_the_panel():
    assert CAPABILITIES_BY_ROLE[Role.FOCUS_GROUP_MEMBER] == {Capability.USE_PANEL}


@pytest.mark.django_db
def test_migrate_creates_one_group_per_role_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    administrator_permissions = set(
        Group.objects.get(name=Role.ADMINISTRATOR).permissions.values_list("codename", flat=True)
    )
    assert {"change_topic", "add_programme", "change_user"} <= administrator_permissions
    # Only Administrators reach the Django admin, the one user of model permissions.
    others = Group.objects.filter(name__in=set(Role.values) - {Role.ADMINISTRATOR})
    assert not others.filter(permissions__isnull=False).exists()


@pytest.mark.django_db
def test_roles_are_synced_once_per_migrate(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "engagement.services.roles_sync_groups", lambda *, using: calls.append(using)
    )

    call_command("migrate", verbosity=0)

    assert calls == ["default"]


@pytest.mark.django_db
def test_migrate_syncs_roles_after_every_app_has_made_its_permissions():
    # A permission of an app installed after engagement, missing as on a first migrate.
    Permission.objects.filter(codename="change_topic").delete()

    call_command("migrate", verbosity=0)

    administrators = Group.objects.get(name=Role.ADMINISTRATOR)
    assert administrators.permissions.filter(codename="change_topic").exists()


@pytest.mark.django_db
def test_syncing_roles_twice_changes_nothing():
    roles_sync_groups()
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    roles_sync_groups()
    after = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    assert before == after


@pytest.mark.django_db
def test_a_person_with_two_roles_can_do_what_either_allows():
    user = UserFactory(roles=[Role.ACTION_OWNER, Role.FOCUS_GROUP_MEMBER])
    assert can(user, Capability.UPDATE_OWN_ACTIONS)
    assert can(user, Capability.USE_PANEL)
    assert not can(user, Capability.VIEW_PERSONAL_DATA)


@pytest.mark.django_db
def test_inactive_and_anonymous_people_can_do_nothing(rf):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory(roles=[Role.COORDINATOR], is_active=False)
    assert not can(user, Capability.USE_STAFF_SITE)
    assert not can(AnonymousUser(), Capability.USE_STAFF_SITE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "two_factor", "home"),
    [
        (Role.COORDINATOR, True, "staff-home"),
        (Role.LEADER, True, "staff-home"),
        (Role.ADMINISTRATOR, True, "staff-home"),
        (Role.ACTION_OWNER, False, "staff-home"),
        (Role.FOCUS_GROUP_MEMBER, False, "panel:home"),
    ],
)
def test_two_factor_and_landing_page_by_role(role, two_factor, home):
    user = UserFactory(roles=[role])
    assert needs_two_factor(user) is two_factor
    assert home_url_name_for(user) == home
