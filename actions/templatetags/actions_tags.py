"""The actions parts of other apps' pages: the home page, public and staff event pages,
a feedback item, a findings section, the inbox and the staff home. Those apps show
them through these tags, so they never need to know about actions."""

from django import template

from actions.models import Action
from actions.services import may_update
from engagement.roles import Capability, can

register = template.Library()

LATEST_ON_HOME = 3
SHOWN_ON_PAGES = 10


@register.inclusion_tag("actions/includes/latest.html")
def latest_actions():
    """The newest You Said, We Did entries, on the home page."""
    return {
        "actions": list(
            Action.objects.public()
            .select_related("department")
            .order_by("-status_changed_at", "-pk")[:LATEST_ON_HOME]
        )
    }


@register.inclusion_tag("actions/includes/public_event.html")
def event_public_actions(event):
    """What the force did about what people said at the event, on its public page."""
    return {
        "actions": list(
            Action.objects.public()
            .for_event(event)
            .select_related("department")
            .order_by("-status_changed_at", "-pk")[:SHOWN_ON_PAGES]
        )
    }


def _staff_list(actions, user) -> dict:
    return {
        "actions": list(
            actions.select_related("department").order_by("due_on", "pk")[:SHOWN_ON_PAGES]
        ),
        "can_read": can(user, Capability.VIEW_ACTIONS),
        "can_propose": can(user, Capability.MANAGE_ACTIONS),
    }


@register.inclusion_tag("actions/includes/staff_event.html", takes_context=True)
def event_actions(context, event):
    """The actions that came from the event, on its staff hub."""
    user = context["request"].user
    if not can(user, Capability.VIEW_ACTIONS):
        return {"hidden": True}
    return {**_staff_list(Action.objects.for_event(event), user), "event": event}


@register.inclusion_tag("actions/includes/item.html", takes_context=True)
def item_actions(context, item):
    """The actions that answer a feedback item, and a way to propose one."""
    user = context["request"].user
    if not can(user, Capability.VIEW_ACTIONS):
        return {"hidden": True}
    return {**_staff_list(Action.objects.answering(item), user), "item": item}


@register.inclusion_tag("actions/includes/section.html", takes_context=True)
def section_actions(context, section):
    """The actions proposed from a findings section, and a way to propose one."""
    user = context["request"].user
    if not can(user, Capability.VIEW_ACTIONS):
        return {"hidden": True}
    return {**_staff_list(section.actions.all(), user), "section": section}


@register.inclusion_tag("actions/includes/inbox_button.html", takes_context=True)
def propose_action_from_selection(context):
    """A button in the inbox that starts an action from the ticked items."""
    return {"shown": can(context["request"].user, Capability.MANAGE_ACTIONS)}


@register.inclusion_tag("actions/includes/staff_home.html", takes_context=True)
def department_actions(context):
    """On an action owner's overview: their departments' actions, overdue first."""
    user = context["request"].user
    if not can(user, Capability.UPDATE_OWN_ACTIONS):
        return {"hidden": True}
    actions = Action.objects.for_department_of(user).exclude(status=Action.Status.DECLINED)
    return {
        "actions": list(
            actions.select_related("department").overdue_first().distinct()[:SHOWN_ON_PAGES]
        ),
        "overdue": actions.overdue().distinct().count(),
        "open": actions.open().distinct().count(),
    }


@register.simple_tag(takes_context=True)
def may_update_action(context, action):
    return may_update(context["request"].user, action)


@register.inclusion_tag("actions/includes/staff_overview.html", takes_context=True)
def actions_overview(context):
    """On the overview of those who read every action: what waits for a Leader, and
    what is overdue."""
    user = context["request"].user
    if not can(user, Capability.VIEW_ACTIONS):
        return {"hidden": True}
    return {
        "proposed": Action.objects.filter(status=Action.Status.PROPOSED).count(),
        "overdue": Action.objects.overdue().count(),
        "can_agree": can(user, Capability.AGREE_ACTIONS),
    }


@register.inclusion_tag("actions/includes/dashboard_link.html", takes_context=True)
def dashboard_link(context):
    """On the overview of those who read dashboards: the way to the dashboard."""
    return {"shown": can(context["request"].user, Capability.VIEW_DASHBOARDS)}
