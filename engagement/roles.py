"""
Who may do what. This is the only place in the code that knows about roles:
views, templates and tests ask `can(user, capability)` and never look at group
names themselves.

A role is a Django group. A person can hold more than one role; they may then do
whatever any of their roles allows.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "Coordinator", _("Coordinator")
    LEADER = "Leader", _("Leader")
    ACTION_OWNER = "Action owner", _("Action owner")
    FOCUS_GROUP_MEMBER = "Focus group member", _("Focus group member")
    ADMINISTRATOR = "Administrator", _("Administrator")


class Capability(models.TextChoices):
    USE_STAFF_SITE = "use_staff_site", _("Use the staff site")
    MANAGE_EVENTS = "manage_events", _("Plan, run and debrief events")
    VIEW_EVENTS = "view_events", _("Read events and debriefs")
    MANAGE_FEEDBACK = "manage_feedback", _("Capture and tag feedback")
    VIEW_FEEDBACK = "view_feedback", _("Read feedback and analysis")
    VIEW_ORIGINAL_TEXT = (
        "view_original_text",
        _("See feedback as it was written, before personal details were taken out"),
    )
    MANAGE_FINDINGS = (
        "manage_findings",
        _("Write findings, send them to the focus group, agree and share them"),
    )
    VIEW_PERSONAL_DATA = "view_personal_data", _("See contacts' personal data")
    EDIT_CONTACTS = "edit_contacts", _("Correct contacts' details and record withdrawn consent")
    VIEW_CONTACT_COUNTS = "view_contact_counts", _("See counts of contacts")
    VIEW_ACTIONS = "view_actions", _("Read every action and its internal updates")
    MANAGE_ACTIONS = "manage_actions", _("Propose and edit actions, and update any action")
    AGREE_ACTIONS = "agree_actions", _("Agree or decline proposed actions")
    UPDATE_OWN_ACTIONS = "update_own_actions", _("Update actions assigned to their department")
    VIEW_DASHBOARDS = "view_dashboards", _("Read dashboards and evaluation")
    VIEW_SURVEYS = "view_surveys", _("See survey waves, their posters and paper forms")
    ENTER_SURVEY_RESPONSES = (
        "enter_survey_responses",
        _('Type in paper survey forms and "about you" cards'),
    )
    MANAGE_SURVEYS = (
        "manage_surveys",
        _("Set up survey waves, import earlier waves and enter census shares"),
    )
    USE_PANEL = "use_panel", _("Sense-check findings as a focus group member")
    VIEW_AUDIT_LOG = "view_audit_log", _("Read the audit log")
    ADMINISTER = "administer", _("Manage users, roles and taxonomies")


CAPABILITIES_BY_ROLE: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            Capability.USE_STAFF_SITE,
            Capability.MANAGE_EVENTS,
            Capability.VIEW_EVENTS,
            Capability.MANAGE_FEEDBACK,
            Capability.VIEW_FEEDBACK,
            Capability.VIEW_ORIGINAL_TEXT,
            Capability.MANAGE_FINDINGS,
            Capability.VIEW_PERSONAL_DATA,
            Capability.EDIT_CONTACTS,
            Capability.VIEW_CONTACT_COUNTS,
            Capability.VIEW_ACTIONS,
            Capability.MANAGE_ACTIONS,
            Capability.VIEW_DASHBOARDS,
            Capability.VIEW_SURVEYS,
            Capability.ENTER_SURVEY_RESPONSES,
        }
    ),
    Role.LEADER: frozenset(
        {
            Capability.USE_STAFF_SITE,
            Capability.VIEW_EVENTS,
            Capability.VIEW_FEEDBACK,
            Capability.VIEW_CONTACT_COUNTS,
            Capability.VIEW_ACTIONS,
            Capability.AGREE_ACTIONS,
            Capability.VIEW_DASHBOARDS,
        }
    ),
    Role.ACTION_OWNER: frozenset(
        {
            Capability.USE_STAFF_SITE,
            Capability.UPDATE_OWN_ACTIONS,
        }
    ),
    Role.FOCUS_GROUP_MEMBER: frozenset({Capability.USE_PANEL}),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.USE_STAFF_SITE,
            Capability.VIEW_EVENTS,
            Capability.VIEW_FEEDBACK,
            Capability.VIEW_PERSONAL_DATA,
            Capability.VIEW_CONTACT_COUNTS,
            Capability.VIEW_ACTIONS,
            Capability.VIEW_DASHBOARDS,
            Capability.VIEW_AUDIT_LOG,
            Capability.ADMINISTER,
            Capability.VIEW_SURVEYS,
            Capability.MANAGE_SURVEYS,
        }
    ),
}

# Roles whose members must sign in with a second factor in production: they can
# reach feedback, personal data or the admin.
TWO_FACTOR_ROLES = frozenset({Role.COORDINATOR, Role.LEADER, Role.ADMINISTRATOR})


def _manage(*models: str) -> tuple[str, ...]:
    """Add, change, delete and view permissions for each "app_label.model"."""
    return tuple(
        f"{app_label}.{action}_{model}"
        for app_label, model in (name.split(".") for name in models)
        for action in ("add", "change", "delete", "view")
    )


# The Django model permissions each role's group is given, as "app_label.codename"
# patterns ("app_label.*" for every model of an app). They are for the Django admin and
# nothing else: the staff pages ask for the capabilities above. Only Administrators
# reach the admin (may_use_admin_site below), so only their role lists any.
#
# Administrators are not superusers. A superuser holds every permission whatever this
# table says, including the contacts app's models, the outbox and the anonymous forms
# waiting for their hour. Administrators instead get exactly what their job needs:
# users and roles, the programme's taxonomies, events and venues, and the sign-in
# lockout records. From the contacts app they get only the kinds of lay observation:
# personal data is read only on the staff pages, which write every view and export to
# the audit log, never in the admin, which would not. Roles are groups kept in step with this file
# after every migrate, so Administrators may see the groups but not change them.
MODEL_PERMISSIONS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.COORDINATOR: (),
    Role.LEADER: (),
    Role.ACTION_OWNER: (),
    Role.FOCUS_GROUP_MEMBER: (),
    Role.ADMINISTRATOR: (
        *_manage("engagement.programme", "engagement.community", "engagement.department"),
        "events.*",
        *_manage(
            "feedback.workstream",
            "feedback.keyquestion",
            "feedback.programmekeyquestion",
            "feedback.topic",
            "feedback.safeguardingterm",
        ),
        # Kinds are never deleted: past opportunities keep theirs.
        "contacts.add_observationkind",
        "contacts.change_observationkind",
        "contacts.view_observationkind",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.delete_accesslog",
        "axes.view_accessfailurelog",
        "axes.delete_accessfailurelog",
    ),
}


def roles_of(user) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_community_voice_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._community_voice_roles = cached
    return cached


def capabilities_of(user) -> frozenset[str]:
    found: set[str] = set()
    for role in roles_of(user):
        found |= CAPABILITIES_BY_ROLE[role]
    return frozenset(found)


def can(user, capability: str) -> bool:
    return capability in capabilities_of(user)


def roles_use_admin_site(roles) -> bool:
    """Whether holding these roles makes an account staff (is_staff), the flag Django's
    admin asks for: only roles that administer the site."""
    return any(Capability.ADMINISTER in CAPABILITIES_BY_ROLE.get(role, ()) for role in roles)


def may_use_admin_site(user) -> bool:
    """The Django admin lets in Administrators, and an account made with createsuperuser
    for emergencies. A staff flag left on an account whose roles have changed since is
    not enough on its own."""
    if not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or roles_use_admin_site(roles_of(user))


def needs_two_factor(user) -> bool:
    """Everyone who can reach feedback, personal data or the Django admin. An account
    made with createsuperuser holds no role but reaches the admin, so it counts too."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(roles_of(user) & TWO_FACTOR_ROLES) or user.is_staff or user.is_superuser


def home_url_name_for(user) -> str:
    """The page a person lands on after signing in."""
    if can(user, Capability.USE_STAFF_SITE):
        return "staff-home"
    if can(user, Capability.USE_PANEL):
        return "panel:home"
    return "no-role"


def capability_required(capability: str):
    """View decorator: sign in first, then refuse anyone without the capability."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_users():
    """Active people who use the staff site: the choices for organisers and officers."""
    staff_roles = [
        role
        for role, capabilities in CAPABILITIES_BY_ROLE.items()
        if Capability.USE_STAFF_SITE in capabilities
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=staff_roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
