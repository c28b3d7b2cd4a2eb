"""The actions app's services: an action's steps (lifecycle.py) and the weekly emails
about actions (emails.py)."""

from actions.services.emails import (  # noqa: F401
    actions_send_digests,
    actions_send_monthly_summaries,
    actions_send_owner_reminders,
    week_of,
)
from actions.services.lifecycle import (  # noqa: F401
    ActionRefused,
    action_agree,
    action_decline,
    action_edit,
    action_post_update,
    action_propose,
    may_update,
    next_statuses,
)
