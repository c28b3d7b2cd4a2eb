from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Fill the database with large volumes for benchmarks: the demo data, then each "
        "app's seed_volume() from its demo.py. For throwaway databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply every volume.")

    def handle(self, *args, scale, **options):
        if not settings.DEBUG:
            raise CommandError("seed_bench is for throwaway development databases.")
        call_command("seed_demo", stdout=self.stdout)
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                module = import_module(f"{app_config.name}.demo")
                if hasattr(module, "seed_volume"):
                    counts = module.seed_volume(scale=scale)
                    self.stdout.write(f"{app_config.label}: {counts}")
