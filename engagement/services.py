from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from engagement.models import AuditLogEntry, Community, PublicLanguage, StaffPreferences
from engagement.public_cache import forget_public_pages
from engagement.roles import MODEL_PERMISSIONS_BY_ROLE, Role, roles_use_admin_site


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
    # Nobody made here is a superuser: Administrators work with the model permissions
    # roles.py gives them (see MODEL_PERMISSIONS_BY_ROLE).
    user.is_superuser = False
    user.is_staff = roles_use_admin_site(roles)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def user_sync_staff_status(*, user) -> None:
    """Make the account staff (allowed into the Django admin) exactly when its roles
    administer the site, after its roles were changed in the admin."""
    roles = user.groups.values_list("name", flat=True)
    is_staff = user.is_superuser or roles_use_admin_site(roles)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def audit_record(*, request, action: str, subject: str) -> AuditLogEntry:
    """Write who saw or exported personal data. The query string is kept because it
    says which filters were used; a contacts search keeps what was searched for, which
    can be a name or a number, since the log exists to show who looked for whom. Only
    Administrators read it."""
    return AuditLogEntry.objects.create(
        user=request.user, action=action, subject=subject[:200], path=request.get_full_path()[:500]
    )


@transaction.atomic
def community_propose(*, name: str, by) -> Community:
    """A Coordinator names a community that is not in the list. One with the same name,
    in any letter case, is used instead of making a second. A new one waits for an
    Administrator before the public sees it on forms."""
    name = " ".join(name.split())
    existing = Community.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    return Community.objects.create(
        name=name, is_approved=False, proposed_by=by, proposed_at=timezone.now()
    )


def communities_approve(*, communities) -> int:
    approved = Community.objects.filter(
        pk__in=[community.pk for community in communities], is_approved=False
    ).update(is_approved=True)
    # The public forms list approved communities; update() sends no save signals.
    forget_public_pages()
    return approved


def staff_preferences_save(*, user, monthly_summary: bool):
    """Keep what a member of staff chose about the emails they get."""
    preferences, _created = StaffPreferences.objects.update_or_create(
        user=user, defaults={"monthly_summary": monthly_summary}
    )
    return preferences


@transaction.atomic
def public_languages_set(*, enabled_codes, by) -> None:
    """Offer exactly these languages to the public (English always). Every worker
    sees the change within a few seconds (engagement.languages)."""
    from engagement.languages import DEFAULT_LANGUAGE, forget_enabled_languages

    enabled = set(enabled_codes) | {DEFAULT_LANGUAGE}
    for code, _name in settings.LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        PublicLanguage.objects.update_or_create(
            code=code, defaults={"is_enabled": code in enabled, "changed_by": by}
        )
    transaction.on_commit(forget_enabled_languages)


@transaction.atomic
def content_translations_save(*, obj, translations: dict, languages) -> None:
    """Replace the translations into `languages`; those into languages not on the
    form (turned off for now) are kept."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    kept = {
        code: texts
        for code, texts in (obj.translations or {}).items()
        if code not in {language.code for language in languages}
    }
    obj.translations = {**kept, **translations}
    obj.save(update_fields=["translations"])
