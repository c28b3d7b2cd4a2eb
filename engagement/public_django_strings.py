"""Django's own messages that a public page can show. Django has no catalogue for some
of the languages offered (Somali, Gujarati, Tigrinya), so these sit in the project's
catalogues too, which take precedence over Django's."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES_SHOWN_TO_THE_PUBLIC = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a list of values."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
