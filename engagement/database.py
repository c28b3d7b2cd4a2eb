"""Database functions the standard ones do not give cheaply."""

from django.conf import settings
from django.db.models import CharField, Func


class MonthOf(Func):
    """ "YYYY-MM" of a date and time, worked out by the database itself. Django's
    TruncMonth runs Python code for each row on SQLite, which costs seconds at 100,000
    rows; this stays in SQL. On PostgreSQL the month is the site's (TIME_ZONE); SQLite,
    for development, takes it in UTC."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql} AT TIME ZONE %s), 'YYYY-MM')", [*params, settings.TIME_ZONE]

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m', {sql})", params
