"""gunicorn for Community Voice, behind nginx on the same machine.

Used by deploy/community-voice-web.service:
    gunicorn --config deploy/gunicorn.conf.py engagement.wsgi
"""

import os

# Only nginx on this machine talks to gunicorn; nothing else may reach it directly.
bind = "127.0.0.1:8000"
# About two per CPU core; WEB_CONCURRENCY comes from /etc/community-voice/env.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Longer than the slowest page (a large export), shorter than nginx's proxy_read_timeout,
# so gunicorn, not nginx, decides when a request has taken too long.
timeout = 60
graceful_timeout = 30

# Trust forwarded headers from nginx only, and only the one header nginx sets itself:
# gunicorn would otherwise also believe X-Forwarded-Ssl or X-Forwarded-Protocol sent by
# a client.
forwarded_allow_ips = "127.0.0.1"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Both logs go to standard output, which systemd keeps in the journal. The access log
# holds no client address, user agent, referrer, query string or token (see
# engagement/access_log.py).
accesslog = "-"
errorlog = "-"
logger_class = "engagement.access_log.PrivateAccessLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
