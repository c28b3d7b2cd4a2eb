"""Settings come from the environment; bad values stop start-up with a message that
names the variable, and production mode passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

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


def production_environment():
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "voice.example.police.uk",
        "SITE_URL": "https://voice.example.police.uk",
        "SAFEGUARDING_EMAIL": "safeguarding@example.police.uk",
    }


def test_production_mode_passes_deployment_checks(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        **production_environment(),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_a_missing_secret_key(tmp_path):
    environment = production_environment()
    del environment["SECRET_KEY"]
    result = run_manage("check", tmp_path=tmp_path, **environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_the_development_secret_key(tmp_path):
    from engagement.settings import DEVELOPMENT_SECRET_KEY

    result = run_manage(
        "check",
        tmp_path=tmp_path,
        **{**production_environment(), "SECRET_KEY": DEVELOPMENT_SECRET_KEY},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


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
    result = run_manage("check", tmp_path=tmp_path, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
    # One line naming the variable, not a traceback.
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_bad_database_url_does_not_echo_its_password(tmp_path):
    result = run_manage("check", tmp_path=tmp_path, DATABASE_URL="mysql://user:hunter2@db/cv")
    assert "hunter2" not in result.stderr


def test_development_defaults_need_no_services(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CELERY_TASK_ALWAYS_EAGER);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.EMAIL_BACKEND);"
        "print(s.EMAIL_FILE_PATH);"
        "print(s.TIME_ZONE)"
    )
    result = run_manage("shell", "-c", script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert "django.db.backends.sqlite3" in lines
    assert "True" in lines
    assert "django.core.cache.backends.locmem.LocMemCache" in lines
    assert "django.core.mail.backends.filebased.EmailBackend" in lines
    assert str(tmp_path / "mail") in lines
    assert "Europe/London" in lines


def test_database_and_redis_urls_switch_to_the_real_services(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.DATABASES['default']['NAME']);"
        "print(s.CELERY_BROKER_URL);"
        "print(s.CELERY_TASK_ALWAYS_EAGER);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.EMAIL_BACKEND)"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        tmp_path=tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/community_voice",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://127.0.0.1:2525",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert "django.db.backends.postgresql" in lines
    assert "community_voice" in lines
    assert "redis://127.0.0.1:6379/3" in lines
    assert "False" in lines
    assert "django.core.cache.backends.redis.RedisCache" in lines
    assert "django.core.mail.backends.smtp.EmailBackend" in lines


def test_a_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ORGANISATION_NAME=Southshire Constabulary\n")
    script = "from django.conf import settings as s; print(s.ORGANISATION_NAME)"
    result = run_manage("shell", "-c", script, tmp_path=tmp_path)
    assert "Southshire Constabulary" in result.stdout
