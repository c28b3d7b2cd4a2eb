"""Django's static files app, told what of the bootstrap package to leave out. In its
own module, since a second AppConfig in engagement/apps.py would stop Django finding
the engagement app's own."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """collectstatic leaves out the parts of the bootstrap package no page uses: its
    JavaScript, the unminified CSS and the partial builds. Compressing them took most
    of collectstatic's time. The minified CSS keeps its source map, which it names."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "bootstrap/js/*",
        "bootstrap/css/bootstrap-*",
        "bootstrap/css/bootstrap.css",
        "bootstrap/css/bootstrap.css.map",
        "bootstrap/css/bootstrap.rtl.css",
        "bootstrap/css/bootstrap.rtl.css.map",
    ]
