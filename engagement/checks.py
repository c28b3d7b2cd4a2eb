"""Checks that `manage.py check --deploy` runs on top of Django's own.

Imported from EngagementConfig.ready(), which registers them.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_safeguarding_email(app_configs, **kwargs):
    """Feedback that looks like a report of a crime or a risk to someone is sent to a
    duty inbox at once. In production nobody would be told if that inbox were missing."""
    if settings.DEBUG or settings.SAFEGUARDING_EMAIL.strip():
        return []
    return [
        Error(
            "SAFEGUARDING_EMAIL is empty, so nobody is told at once when feedback looks "
            "like a report of a crime or a risk to someone.",
            hint=(
                "Set SAFEGUARDING_EMAIL to a duty inbox that someone reads every day, "
                "e.g. SAFEGUARDING_EMAIL=safeguarding@example.police.uk."
            ),
            id="community_voice.E001",
        )
    ]
