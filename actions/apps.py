from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Actions")

    def ready(self):
        from actions.models import Action
        from engagement.roles import Capability, can
        from engagement.translatable import TranslatableKind, register_translatable

        register_translatable(
            TranslatableKind(
                slug="action",
                label=_("action"),
                model=Action,
                fields=(("title", False), ("you_said", True), ("we_did", True)),
                can_translate=lambda user, action: can(user, Capability.MANAGE_ACTIONS),
                back_url=lambda action: reverse("actions:detail", kwargs={"pk": action.pk}),
            )
        )
