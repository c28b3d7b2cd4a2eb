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


@register(Tags.translation)
def check_compiled_catalogues(app_configs, **kwargs):
    """A language offered without its compiled catalogue would serve English pages under
    its name, to someone who chose it because they read English less well."""
    from engagement.languages import has_catalogue

    return [
        Error(
            f"The language {code} has no compiled catalogue (locale/{code}/LC_MESSAGES/"
            "django.mo), so its pages would be in English.",
            hint="Run `make compilemessages`, or remove the language from "
            "engagement/language_table.py.",
            id="community_voice.E020",
        )
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE and not has_catalogue(code)
    ]
