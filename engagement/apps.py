from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, using="default", **kwargs):
    from engagement.services import roles_sync_groups

    roles_sync_groups(using=using)


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement programme")

    def ready(self):
        from engagement import checks  # noqa: F401 - registers the deploy checks
        from engagement.accounts import connect_signals
        from engagement.converters import register_token_converters
        from engagement.public_cache import connect_signals as keep_public_pages_fresh

        register_token_converters()
        connect_signals()
        keep_public_pages_fresh()
        # Groups and their permissions follow roles.py after every migrate, so a new
        # model's permissions reach the right roles without a hand-written migration.
        # migrate sends post_migrate once for each app with models, in the order they
        # are installed, and each app's permissions are made as its own signal is sent:
        # listening for the last app's signal syncs once, with every permission there.
        last_app_with_models = [
            app_config for app_config in apps.get_app_configs() if app_config.models_module
        ][-1]
        post_migrate.connect(
            _sync_roles_after_migrate,
            sender=last_app_with_models,
            dispatch_uid="community-voice-roles",
        )
