"""
Settings for Community Voice, read from the environment.

Every value has a safe default for development on a laptop with nothing else
installed (SQLite, Celery tasks run eagerly, emails written to files). Production
sets DEBUG=false and real values; see README.md for the full list. A `.env` file in
the project root is read when present. Bad values stop start-up with a message
that names the variable.
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from engagement.language_table import LANGUAGE_TABLE

BASE_DIR = Path(__file__).resolve().parent.parent

ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.exists():
    environ.Env.read_env(ENV_FILE)

# After the env file, so that VAR_DIR may be set there too.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> list:
    """Addresses or networks (127.0.0.1, 10.0.0.0/24), separated by commas."""
    networks = []
    for item in envlist(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks, not {item!r}."
            ) from None
    return networks


def envurl(name: str, default: str, schemes: set[str]) -> str:
    value = os.environ.get(name, default).strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        allowed = ", ".join(sorted(f"{scheme}://" for scheme in schemes))
        # Only the scheme is repeated back: the rest of the URL may hold a password.
        raise ImproperlyConfigured(
            f"{name} must start with one of {allowed}; it starts with {parts.scheme or 'nothing'}."
        )
    return value


DEBUG = envbool("DEBUG", "true")

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG=false. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
SITE_URL = envurl("SITE_URL", "http://127.0.0.1:8000", {"http", "https"}).rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "engagement.admin_apps.CommunityVoiceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "engagement.staticfiles.StaticFiles",  # django.contrib.staticfiles
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "bootstrap",
    "engagement",
    "events",
    "contacts",
    "feedback",
    "actions",
    "evaluation",
]

MIDDLEWARE = [
    # Before anything asks whether the request came over HTTPS.
    "engagement.middleware.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "engagement.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses NUL bytes and unreadable bodies before the session or any view reads them.
    "engagement.hostile.RefuseHostileRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chooses each request's language from its address (public pages only).
    "engagement.middleware.PublicLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "engagement.middleware.SessionTimeoutMiddleware",
    "engagement.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last so that it sees the final login response.
    "axes.middleware.AxesMiddleware",
]

# The benchmarks serve the app with a bare view beside it (bench/urls.py).
ROOT_URLCONF = os.environ.get("ROOT_URLCONF", "engagement.urls")
WSGI_APPLICATION = "engagement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "engagement.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points at PostgreSQL.
DATABASE_URL = envurl("DATABASE_URL", "", {"postgres", "postgresql", "pgsql", "postgis", "sqlite"})
if DATABASE_URL:
    try:
        DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
    except Exception as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and not DATABASES["default"].get(
        "NAME"
    ):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://u@host/db.")
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiler took longer to compile the dashboard's grouped counts
        # than to run them (half of its second at 100,000 items), and no web request runs
        # long enough to gain from it. Options in DATABASE_URL (?options=...) come after,
        # so they win.
        database_options = DATABASES["default"].setdefault("OPTIONS", {})
        database_options["options"] = f"-c jit=off {database_options.get('options', '')}".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "community-voice.sqlite3",
        }
    }
DATABASES["default"].setdefault("CONN_MAX_AGE", envint("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the cache when REDIS_URL is set.
REDIS_URL = envurl("REDIS_URL", "", {"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "engagement.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cv"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when it has finished, so a worker that dies mid-task
# leaves it in Redis to be delivered again rather than losing it.
CELERY_TASK_ACKS_LATE = True
# When a worker's child process is killed (out of memory, kill -9), requeue its task
# at once instead of acknowledging it as failed. Sending is safe to repeat: a message
# is claimed in the database first, so a second delivery finds it sent and stops.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Worker processes: two for each core. Sending email is mostly waiting for the mail
# server and the database, so one process per core leaves the cores half idle.
CELERY_WORKER_CONCURRENCY = envint("CELERY_WORKER_CONCURRENCY", str(2 * (os.cpu_count() or 1)))
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes Django's database connections after every task unless told how many
# tasks to keep one for; a new PostgreSQL connection costs more than sending an email.
# engagement.celery closes connections that are too old or broken, as requests do.
CELERY_DB_REUSE_MAX = envint("CELERY_DB_REUSE_MAX", "1000")
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged task to another worker after this long. It must be
    # longer than the longest retry countdown below (an ETA task is unacknowledged
    # while it waits), or waiting retries would be delivered twice. A task lost with a
    # dead worker is not left waiting this long: the outbox sweep re-sends its message.
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": 3,
    # A Redis that accepts connections but never answers must not hang a request that
    # queued mail; the outbox keeps the message and the sweep sends it.
    "socket_timeout": 3,
    # Publishing gives up at the first refused connection instead of retrying for
    # BROKER_CONNECTION_TIMEOUT: the outbox, not the request, waits for the broker.
    "max_retries": 0,
}
CELERY_TIMEZONE = os.environ.get("TIME_ZONE", "Europe/London")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The outbox (engagement.services): how retries back off and when the sweep steps in.
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", "5")
OUTBOX_RETRY_BASE_SECONDS = envint("OUTBOX_RETRY_BASE_SECONDS", "60")
OUTBOX_SWEEP_SECONDS = envint("OUTBOX_SWEEP_SECONDS", "60")
OUTBOX_STUCK_AFTER_SECONDS = envint("OUTBOX_STUCK_AFTER_SECONDS", "600")
# Messages queued together (a digest, an invitation) go to Celery this many to a task,
# sent one after another over one connection to the mail server.
OUTBOX_BATCH_SIZE = envint("OUTBOX_BATCH_SIZE", "50")
# Beat runs as its own process in production; its schedule file lives under VAR_DIR.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# /healthz gives details (which check failed, the mail backlog) to requests from the
# server itself, or to monitoring that sends "Authorization: Bearer <HEALTHZ_TOKEN>".
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "").strip()
# The dashboard's figures are worked out at most this often for each set of filters.
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", "300")
CELERY_BEAT_SCHEDULE = {
    # Re-sends what a lost broker message or a killed worker left behind.
    "sweep-outbox": {
        "task": "contacts.tasks.sweep_outbox",
        "schedule": timedelta(seconds=OUTBOX_SWEEP_SECONDS),
        # With no worker running, old sweeps would pile up; only the latest matters.
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    # Contacts with no activity for CONTACT_RETENTION_MONTHS get a notice, then go.
    # Daily tasks that email people run in the morning, never at night.
    "purge-inactive-contacts": {
        "task": "contacts.tasks.purge_inactive_contacts",
        "schedule": crontab(hour=10, minute=0),
    },
    # Expired staff sessions pile up in the database; clear them nightly.
    "clear-expired-sessions": {
        "task": "engagement.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=24),
    },
    # Anonymous forms join the feedback on the hour, shuffled, so their order says nothing.
    "release-pending-feedback": {
        "task": "feedback.tasks.release_pending_feedback",
        "schedule": timedelta(minutes=5),
    },
    # Survey answers and "about you" cards sent online are stored on the hour, shuffled.
    "release-held-survey-forms": {
        "task": "evaluation.tasks.release_held_forms",
        "schedule": timedelta(minutes=5),
    },
    # People with a lay observation place are reminded on the morning two days before.
    "send-lay-observation-reminders": {
        "task": "contacts.tasks.send_lay_observation_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # Focus group members who have not answered are reminded two days before the deadline.
    "send-sense-check-reminders": {
        "task": "feedback.tasks.send_sense_check_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # One digest a week to the people who asked, of what was agreed, done or cannot be.
    "send-action-digests": {
        "task": "actions.tasks.send_update_digests",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
    # The dashboard's unfiltered figures are worked out again before they expire.
    "refresh-dashboard": {
        "task": "actions.tasks.refresh_dashboard",
        "schedule": timedelta(seconds=max(DASHBOARD_CACHE_SECONDS - 60, 60)),
        "options": {"expires": 60},
    },
    # Leaders get the dashboard's headline figures on the first of each month.
    "send-monthly-summaries": {
        "task": "actions.tasks.send_monthly_summaries",
        "schedule": crontab(day_of_month=1, hour=7, minute=30),
    },
    # Each action owner hears once a week about their overdue and due-soon actions.
    "send-action-owner-reminders": {
        "task": "actions.tasks.send_owner_reminders",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
}

# Email: files under var/mail/ unless EMAIL_URL names an SMTP server.
EMAIL_URL = envurl("EMAIL_URL", "", {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail"})
if EMAIL_URL:
    globals().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
# A worker keeps its SMTP connection open between emails (contacts.services.outbox)
# and opens a fresh one after this long idle, well before mail servers drop idle
# clients (RFC 5321 asks them to wait at least five minutes; some wait one).
EMAIL_CONNECTION_MAX_IDLE_SECONDS = envint("EMAIL_CONNECTION_MAX_IDLE_SECONDS", "30")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Community Voice <community-voice@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is emailed when something goes wrong (comma-separated addresses).
ADMINS = [("Community Voice administrators", address) for address in envlist("ADMINS", "")]

# Accounts.
AUTHENTICATION_BACKENDS = [
    # Axes must be first so that a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 for new passwords; the others only so that older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home-for-user"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "30"))
# Wrong passwords lock the account they were typed for, whoever typed them, except at
# an address the account signed in from lately, where only that address's mistakes
# count (engagement.accounts.lockout_parameters): nobody can lock a member of staff out
# of their own desk from elsewhere. They never lock an address: a whole police
# station, or everyone behind one proxy, can share one, and a few typos on made-up
# usernames must not lock out the force.
AXES_LOCKOUT_PARAMETERS = "engagement.accounts.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "engagement.clients.client_address_for_axes"
# Axes keeps at most 255 characters of a username; no real one is longer than 150.
AXES_USERNAME_CALLABLE = "engagement.accounts.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
# Addresses are throttled separately, with a much higher limit, in the cache: enough for
# a station full of people mistyping, not for a script trying thousands of accounts.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "50")
LOGIN_ADDRESS_WINDOW_MINUTES = envint("LOGIN_ADDRESS_WINDOW_MINUTES", "15")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Two-factor sign-in (TOTP) for Coordinators, Leaders and Administrators. It is
# always on in production; in development it is optional unless turned on.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", "false" if DEBUG else "true")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Community Voice")

# Sessions end after a time without activity and after a time in all.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "30")
SESSION_ABSOLUTE_HOURS = envint("SESSION_ABSOLUTE_HOURS", "12")
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Internationalisation: public pages and emails to the public are offered in the
# languages below (engagement/languages.py), each under its own URL prefix; staff pages
# are in English. An Administrator turns languages on or off at /staff/languages/.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [(language.code, language.name) for language in LANGUAGE_TABLE]
LANGUAGES_BIDI = [language.code for language in LANGUAGE_TABLE if language.bidi]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The contacts' email language and content translations fall back to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = (LANGUAGE_CODE,)
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root, such as /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

CSRF_FAILURE_VIEW = "engagement.views.csrf_failure"

# Security headers. The Content-Security-Policy allows no inline script and
# nothing from another origin: every asset is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
# A load balancer checks health over plain HTTP and does not follow redirects.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
BEHIND_HTTPS_PROXY = envbool("BEHIND_HTTPS_PROXY", "false")
# The proxies whose X-Forwarded-For is believed: a request from anywhere else is known by
# the address it came from, whatever it sends. nginx on the same machine is 127.0.0.1.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "127.0.0.1, ::1")
if BEHIND_HTTPS_PROXY:
    # The proxy in front of gunicorn terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Errors emailed to ADMINS without the request's headers, cookies or form fields.
        "mail_admins": {
            "class": "engagement.access_log.ErrorEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own error email would list the request; its errors go to the root's handlers.
        "django": {"handlers": [], "level": "INFO"},
        # Request logs can carry query strings and tokens; keep them to warnings.
        "django.request": {"level": "ERROR"},
        # CSRF refusals name the path, and public paths carry tokens.
        "django.security.csrf": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
    },
}

# The force or organisation that runs the programme, as the public knows it, and its
# colours for the event packs: the main colour (backgrounds, headings) and an accent.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Northshire Police")


def envcolour(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ImproperlyConfigured(f"{name} must be a colour like #0b2e59, not {value!r}.")
    return value.lower()


ORGANISATION_COLOUR = envcolour("ORGANISATION_COLOUR", "#0b2e59")
ORGANISATION_ACCENT_COLOUR = envcolour("ORGANISATION_ACCENT_COLOUR", "#ffdd00")

# Personal data: how long the double opt-in link works, how long a contact with no
# activity is kept, how much notice they get before deletion, and the smallest count
# of people shown in any statistic (smaller counts read "fewer than 10").
CONFIRMATION_LINK_DAYS = envint("CONFIRMATION_LINK_DAYS", "7")
CONTACT_RETENTION_MONTHS = envint("CONTACT_RETENTION_MONTHS", "24")
PURGE_NOTICE_DAYS = envint("PURGE_NOTICE_DAYS", "30")
SUPPRESSION_THRESHOLD = envint("SUPPRESSION_THRESHOLD", "10")
# Public forms that send email to an address someone typed in (keep in touch, asking
# for a link to one's own details) accept this many from one client per window, counted
# in the cache only. Each address gets at most LINK_EMAILS_PER_ADDRESS_PER_DAY emails of
# each kind in 24 hours, so nobody can flood a stranger's inbox through us. The link
# to see, change or delete one's own details works for MY_DATA_LINK_MINUTES.
# Public pages are kept whole for anonymous visitors until something they show changes,
# and for this long at most (engagement/public_cache.py). 0 turns the keeping off.
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", "60")

KEEP_IN_TOUCH_RATE_LIMIT = envint("KEEP_IN_TOUCH_RATE_LIMIT", "10")
KEEP_IN_TOUCH_RATE_WINDOW_MINUTES = envint("KEEP_IN_TOUCH_RATE_WINDOW_MINUTES", "10")
LINK_EMAILS_PER_ADDRESS_PER_DAY = envint("LINK_EMAILS_PER_ADDRESS_PER_DAY", "3")
MY_DATA_LINK_MINUTES = envint("MY_DATA_LINK_MINUTES", "60")

# Feedback. SAFEGUARDING_EMAIL is a duty inbox told at once when feedback looks like a
# report of a crime or a risk to someone. The anonymous form stays open this many days
# after an event, takes at most this many characters per answer, and accepts this many
# forms per client in the window (counted in the cache, never stored).
SAFEGUARDING_EMAIL = os.environ.get("SAFEGUARDING_EMAIL", "")
FEEDBACK_FORM_OPEN_DAYS = envint("FEEDBACK_FORM_OPEN_DAYS", "28")
FEEDBACK_MAX_CHARACTERS = envint("FEEDBACK_MAX_CHARACTERS", "3000")
# Everyone at an event may share the venue's Wi-Fi address, so the limit allows a
# hall full of people; a script sending thousands is still stopped.
FEEDBACK_RATE_LIMIT = envint("FEEDBACK_RATE_LIMIT", "30")
FEEDBACK_RATE_WINDOW_MINUTES = envint("FEEDBACK_RATE_WINDOW_MINUTES", "10")
# A phone in a live session: points, supports and poll answers in all, and tries at a
# join code, per client address in FEEDBACK_RATE_WINDOW_MINUTES. A whole room shares
# the venue's Wi-Fi address, so these are per room more than per phone.
LIVE_RATE_LIMIT = envint("LIVE_RATE_LIMIT", "600")
LIVE_JOIN_RATE_LIMIT = envint("LIVE_JOIN_RATE_LIMIT", "300")

# The confidence survey and the "about you" cards: how many one client may send in a
# window (counted in the cache only), the areas people choose from, and the size above
# which a spreadsheet import is checked and saved by a worker with a progress bar.
SURVEY_RATE_LIMIT = envint("SURVEY_RATE_LIMIT", "30")
SURVEY_RATE_WINDOW_MINUTES = envint("SURVEY_RATE_WINDOW_MINUTES", "10")
EVALUATION_AREAS = [
    area.strip()
    for area in os.environ.get(
        "EVALUATION_AREAS",
        "Leicester City,Blaby,Charnwood,Harborough,Hinckley and Bosworth,Melton,"
        "North West Leicestershire,Oadby and Wigston,Rutland",
    ).split(",")
    if area.strip()
]
SURVEY_IMPORT_BACKGROUND_ROWS = envint("SURVEY_IMPORT_BACKGROUND_ROWS", "2000")
SURVEY_IMPORT_MAX_BYTES = envint("SURVEY_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
# Held events with no shared findings this many days after they ended show as overdue.
FINDINGS_DUE_DAYS = envint("FINDINGS_DUE_DAYS", "28")
# An event is "police heavy" on the dashboard when it has more than this many officers
# per hundred attendees.
POLICE_HEAVY_OFFICERS_PER_100 = envint("POLICE_HEAVY_OFFICERS_PER_100", "20")
