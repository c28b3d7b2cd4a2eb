"""collectstatic gathers what the pages use, and leaves out the parts of the bootstrap
package that none of them use."""

import re
from pathlib import Path

from django.core.management import call_command

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def stylesheets_the_templates_name() -> set[str]:
    named = set()
    for template in PROJECT_ROOT.glob("**/templates/**/*.html"):
        if ".venv" not in template.parts:
            named |= set(re.findall(r"static '(bootstrap/[^']+)'", template.read_text()))
    return named


def test_collectstatic_keeps_what_pages_use_and_leaves_out_the_rest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    collected = {
        str(path.relative_to(tmp_path / "bootstrap"))
        for path in (tmp_path / "bootstrap").rglob("*")
        if path.is_file()
    }
    assert stylesheets_the_templates_name() == {
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/css/bootstrap.rtl.min.css",
    }
    # The source maps stay: the stylesheets name them, and the manifest checks each.
    assert collected == {
        "css/bootstrap.min.css",
        "css/bootstrap.min.css.map",
        "css/bootstrap.rtl.min.css",
        "css/bootstrap.rtl.min.css.map",
    }
    assert (tmp_path / "css" / "community-voice.css").exists()
    assert (tmp_path / "admin" / "css" / "base.css").exists()


def test_every_app_runs_its_own_start_up():
    # The engagement app's start-up registers the URL converters and signal handlers;
    # Django skips it silently if it cannot tell which AppConfig is the app's own.
    from django.apps import apps

    from engagement.apps import EngagementConfig
    from engagement.staticfiles import StaticFiles

    assert type(apps.get_app_config("engagement")) is EngagementConfig
    assert type(apps.get_app_config("staticfiles")) is StaticFiles
