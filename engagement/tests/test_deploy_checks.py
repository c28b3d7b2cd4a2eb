"""`manage.py check --deploy` refuses a production configuration that would leave
safeguarding reports with nobody to read them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from engagement.checks import check_safeguarding_email

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Variables of the test run itself that must not leak into the checked configuration.
LEFT_OUT = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SAFEGUARDING_EMAIL",
    "TWO_FACTOR_REQUIRED",
    "SECURE_SSL_REDIRECT",
    "BEHIND_HTTPS_PROXY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def deploy_check(tmp_path, **environment):
    env = {key: value for key, value in os.environ.items() if key not in LEFT_OUT}
    env.update(
        {
            "VAR_DIR": str(tmp_path),
            "ENV_FILE": str(tmp_path / ".env"),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "voice.example.police.uk",
            "SITE_URL": "https://voice.example.police.uk",
            "BEHIND_HTTPS_PROXY": "true",
        }
    )
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_safeguarding_inbox_fails_the_deploy_check(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    assert "community_voice.E001" in result.stderr
    assert "SAFEGUARDING_EMAIL" in result.stderr


def test_production_with_only_spaces_for_a_safeguarding_inbox_fails(settings):
    settings.DEBUG = False
    settings.SAFEGUARDING_EMAIL = "   "
    [error] = check_safeguarding_email(None)
    assert error.id == "community_voice.E001"


def test_production_with_a_safeguarding_inbox_passes_the_deploy_check(tmp_path):
    result = deploy_check(tmp_path, SAFEGUARDING_EMAIL="safeguarding@example.police.uk")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_does_not_need_a_safeguarding_inbox(settings):
    settings.DEBUG = True
    settings.SAFEGUARDING_EMAIL = ""
    assert check_safeguarding_email(None) == []


def test_the_check_names_the_setting_and_how_to_fix_it(settings):
    settings.DEBUG = False
    settings.SAFEGUARDING_EMAIL = ""
    [error] = check_safeguarding_email(None)
    assert error.id == "community_voice.E001"
    assert "SAFEGUARDING_EMAIL" in error.msg
    assert "SAFEGUARDING_EMAIL=" in error.hint


def filled_in_sample_env_file(tmp_path) -> Path:
    """deploy/community-voice.env.example with every <placeholder> given a value."""
    values = {
        "<a long random value>": secrets.token_urlsafe(50),
        "<database password>": "database-password",
        "<user>": "mailer",
        "<password>": "mail-password",
        "<duty inbox, e.g. safeguarding@example.police.uk>": "safeguarding@example.police.uk",
        "<e.g. community-voice-support@example.police.uk>": "support@example.police.uk",
        "<another long random value>": secrets.token_urlsafe(32),
    }
    text = (PROJECT_ROOT / "deploy" / "community-voice.env.example").read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    assert "<" not in text.replace("<community-voice@", ""), "a placeholder was not filled in"
    text = text.replace("VAR_DIR=/var/lib/community-voice", f"VAR_DIR={tmp_path / 'var'}")
    env_file = tmp_path / "env"
    env_file.write_text(text)
    return env_file


def test_the_sample_env_file_filled_in_passes_the_deploy_check(tmp_path):
    """community-voice-manage gives manage.py the env file as ENV_FILE and nothing else."""
    env_file = filled_in_sample_env_file(tmp_path)
    script = "from django.conf import settings as s; print(s.STATIC_ROOT); print(s.DEBUG)"
    environment = {"PATH": os.environ["PATH"], "ENV_FILE": str(env_file)}

    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert check.returncode == 0, check.stderr
    assert shown.stdout.split("\n")[:2] == [str(tmp_path / "var" / "static"), "False"]
