"""What a person trying the app on their own machine runs into: the port they chose,
and the icon their browser asks for."""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def make_dry_run(*args, **environment):
    import os

    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env.update(environment)
    return subprocess.run(
        ["make", "--dry-run", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_points_every_link_at_that_port():
    commands = make_dry_run("run", "PORT=8080")
    assert 'SITE_URL="http://127.0.0.1:8080" .venv/bin/python manage.py seed_demo' in commands
    assert 'SITE_URL="http://127.0.0.1:8080" .venv/bin/python manage.py runserver' in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_keeps_a_site_url_that_was_given():
    commands = make_dry_run("run", "PORT=8080", SITE_URL="https://voice.example.police.uk")
    assert 'SITE_URL="https://voice.example.police.uk"' in commands


def test_the_favicon_is_served_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/vnd.microsoft.icon", "image/x-icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
