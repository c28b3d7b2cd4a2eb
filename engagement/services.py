from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from engagement.models import AuditLogEntry
from engagement.roles import MODEL_PERMISSIONS_BY_ROLE, Role


def _permissions_matching(patterns, *, using):
    permissions = Permission.objects.using(using).select_related("content_type")
    wanted = []
    for permission in permissions:
        label = f"{permission.content_type.app_label}.{permission.codename}"
        app_wildcard = f"{permission.content_type.app_label}.*"
        if label in patterns or app_wildcard in patterns:
            wanted.append(permission)
    return wanted


@transaction.atomic
def roles_sync_groups(*, using: str = "default") -> None:
    """Create one group per role and give it exactly the model permissions roles.py lists."""
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set(_permissions_matching(MODEL_PERMISSIONS_BY_ROLE[role], using=using))


@transaction.atomic
def user_create_with_roles(
    *,
    username: str,
    password: str,
    roles: list[str],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """Create (or update) a staff or focus-group account holding the given roles."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    user.email = email
    user.first_name = first_name
    user.last_name = last_name
    user.is_active = True
    # Only Administrators reach the Django admin.
    user.is_staff = Role.ADMINISTRATOR in roles
    user.is_superuser = Role.ADMINISTRATOR in roles
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def audit_record(*, request, action: str, subject: str) -> AuditLogEntry:
    """Write who saw or exported personal data. The query string is kept because it
    says which filters were used, and it never holds personal data on staff pages."""
    return AuditLogEntry.objects.create(
        user=request.user, action=action, subject=subject[:200], path=request.get_full_path()[:500]
    )
