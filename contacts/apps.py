from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _outbox_backlog() -> dict:
    from contacts.models import OutboxMessage

    return {"outbox": OutboxMessage.objects.backlog()}


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts and email")

    def ready(self):
        from engagement.health import register_health_detail

        # /healthz shows how much email is waiting, without engagement importing us.
        register_health_detail("outbox", _outbox_backlog)
