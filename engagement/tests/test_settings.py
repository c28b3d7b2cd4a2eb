"""Settings come from the environment; bad values stop start-up with a message that
names the variable. Most tests read engagement/settings.py afresh in this process
with the environment they give it, which is quick; a command run for real shows how a
bad value stops it. Django's deployment checks run in test_deploy_checks.py."""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from engagement.celery import app as celery_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "TWO_FACTOR_REQUIRED",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SAFEGUARDING_EMAIL",
]


def run_manage(*args, tmp_path, **environment):
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env["VAR_DIR"] = str(tmp_path)
    env["ENV_FILE"] = str(tmp_path / ".env")
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(tmp_path, **environment):
    """engagement/settings.py read afresh, as a process started with this environment
    would read it, with VAR_DIR and ENV_FILE in tmp_path."""
    values = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    values.update({"VAR_DIR": str(tmp_path), "ENV_FILE": str(tmp_path / ".env"), **environment})
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", PROJECT_ROOT / "engagement" / "settings.py"
    )
    settings = importlib.util.module_from_spec(spec)
    # The env file is read into os.environ; clear=True puts everything back afterwards.
    with mock.patch.dict(os.environ, values, clear=True):
        spec.loader.exec_module(settings)
    return settings


def production_environment():
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "voice.example.police.uk",
        "SITE_URL": "https://voice.example.police.uk",
        "SAFEGUARDING_EMAIL": "safeguarding@example.police.uk",
    }


def test_production_mode_refuses_a_missing_secret_key(tmp_path):
    environment = production_environment()
    del environment["SECRET_KEY"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        read_settings(tmp_path, **environment)


def test_production_mode_refuses_the_development_secret_key(tmp_path):
    from engagement.settings import DEVELOPMENT_SECRET_KEY

    environment = {**production_environment(), "SECRET_KEY": DEVELOPMENT_SECRET_KEY}
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        read_settings(tmp_path, **environment)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://user:hunter2@db/cv", "DATABASE_URL must start with"),
        ("DATABASE_URL", "not a url", "DATABASE_URL must start with"),
        ("DATABASE_URL", "postgres://db.example", "DATABASE_URL must name a database"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL must start with"),
        ("EMAIL_URL", "smtpp://mail", "EMAIL_URL must start with"),
        ("SESSION_IDLE_MINUTES", "half an hour", "SESSION_IDLE_MINUTES must be a whole number"),
    ],
)
def test_bad_configuration_names_the_variable(tmp_path, variable, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_settings(tmp_path, **{variable: value})


def test_a_bad_setting_stops_a_command_with_one_line_naming_it(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
    # One line naming the variable, not a traceback.
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_bad_database_url_does_not_echo_its_password(tmp_path):
    with pytest.raises(ImproperlyConfigured) as refusal:
        read_settings(tmp_path, DATABASE_URL="mysql://user:hunter2@db/cv")
    assert "hunter2" not in str(refusal.value)


def test_development_defaults_need_no_services(tmp_path):
    settings = read_settings(tmp_path)
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert tmp_path / "mail" == settings.EMAIL_FILE_PATH
    assert settings.TIME_ZONE == "Europe/London"


def test_database_and_redis_urls_switch_to_the_real_services(tmp_path):
    settings = read_settings(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/community_voice",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://127.0.0.1:2525",
    )
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["NAME"] == "community_voice"
    assert settings.CELERY_BROKER_URL == "redis://127.0.0.1:6379/3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CACHES["default"]["BACKEND"] == "engagement.cache.SharedClientRedisCache"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


def test_postgresql_connections_have_the_jit_compiler_off_unless_the_url_says_otherwise(
    tmp_path,
):
    url = "postgres://postgres@127.0.0.1:5432/community_voice"
    options = read_settings(tmp_path, DATABASE_URL=url).DATABASES["default"]["OPTIONS"]
    assert options["options"] == "-c jit=off"
    chosen = read_settings(tmp_path, DATABASE_URL=f"{url}?options=-c%20jit%3Don")
    # libpq applies the options in order: the deployer's come last and win.
    assert chosen.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off -c jit=on"


def test_a_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ORGANISATION_NAME=Southshire Constabulary\n")
    assert read_settings(tmp_path).ORGANISATION_NAME == "Southshire Constabulary"


def test_the_scheduler_keeps_its_schedule_under_var_dir(tmp_path, settings):
    assert (
        str(tmp_path / "celerybeat-schedule")
        == read_settings(tmp_path).CELERY_BEAT_SCHEDULE_FILENAME
    )
    # Celery reads it from the settings, through the CELERY_ namespace.
    assert celery_app.conf.beat_schedule_filename == settings.CELERY_BEAT_SCHEDULE_FILENAME


@pytest.mark.skipif(not (PROJECT_ROOT / ".git").exists(), reason="not a git checkout")
@pytest.mark.parametrize("name", ["celerybeat-schedule", "celerybeat-schedule.db"])
def test_git_ignores_a_stray_schedule_file_in_the_project_root(name):
    # One left by a scheduler started before its file moved under VAR_DIR.
    result = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", name], cwd=PROJECT_ROOT, timeout=30
    )
    assert result.returncode == 0
