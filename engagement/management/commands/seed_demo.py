import os
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from engagement.demo import DEFAULT_DEMO_PASSWORD, DEMO_USERS
from engagement.roles import Role


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo programme and one user per role. "
        "Each app adds its own part from its demo.py, in the order the apps are installed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when DEBUG is false. Demo accounts have a known password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates accounts with a known password and is for development. "
                "Run it with DEBUG=true, or pass --allow-production if you really mean it."
            )
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                import_module(f"{app_config.name}.demo").seed(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("Sign in at /accounts/login/ with any of these (password below):")
        for username, first_name, last_name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {Role(role).label} ({first_name} {last_name})")
        self.stdout.write(f"  password:    {password}")
