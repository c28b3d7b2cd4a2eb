from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from engagement.roles import Capability, can
        from engagement.translatable import TranslatableKind, register_translatable
        from events.models import Event

        register_translatable(
            TranslatableKind(
                slug="event",
                label=_("event"),
                model=Event,
                fields=(("title", False), ("public_description", True)),
                can_translate=lambda user, event: can(user, Capability.MANAGE_EVENTS),
                back_url=lambda event: event.get_staff_url(),
            )
        )
