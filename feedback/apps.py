from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _forget_erased_contact(sender, *, attendee, **kwargs):
    from feedback.services.focus_group import focus_group_forget_contact

    focus_group_forget_contact(attendee=attendee)


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and taxonomy")

    def ready(self):
        from contacts.signals import attendee_erased

        attendee_erased.connect(_forget_erased_contact, dispatch_uid="feedback-forget-erased")

        from feedback.caching import connect_signals

        connect_signals()

        from django.urls import reverse

        from engagement.roles import Capability, can
        from engagement.translatable import TranslatableKind, register_translatable
        from feedback.models import KeyQuestion

        register_translatable(
            TranslatableKind(
                slug="key-question",
                label=_("key question"),
                model=KeyQuestion,
                fields=(("text", False), ("hint", False)),
                can_translate=lambda user, question: can(user, Capability.ADMINISTER),
                back_url=lambda question: reverse("content-translations-index"),
            )
        )
