from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form, worded for our users. Its error never says whether the
    username or the password was wrong."""

    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again. "
            "After 5 tries in a row the account is locked for a while."
        ),
        "inactive": _("This account is not active. Ask an administrator for help."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No autofocus: it would skip the page heading, the introduction and the "skip
        # to main content" link for keyboard and screen reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "spellcheck": "false", "autocomplete": "username"}
        )
        # Password managers and pasting must work (WCAG 2.2, 3.3.8).
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        help_text=_("Open the app on your phone and type the code it shows for Community Voice."),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app."),
            "min_length": _("The code has 6 digits."),
            "max_length": _("The code has 6 digits."),
        },
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of numbers only."))
        return code


class OptionalLabelsMixin:
    """Marks optional fields "(optional)" in their label, as people expect, instead of
    marking required ones with an unexplained asterisk. Tick boxes are left alone.
    Declare a field's `required` on the field itself, not in a subclass's __init__, and
    list fields that are needed only in some cases in `sometimes_required_fields`."""

    sometimes_required_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional = str(_("(optional)"))
        for name, field in self.fields.items():
            if (
                field.required
                or isinstance(field.widget, forms.CheckboxInput)
                or name in self.sometimes_required_fields
            ):
                continue
            if field.label and not str(field.label).endswith(optional):
                field.label = f"{field.label} {optional}"


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150)


# Ids in requests -----------------------------------------------------------------------

# The largest id a database column holds. A bigger number typed into a form would make
# SQLite raise OverflowError and PostgreSQL "integer out of range" before Django could
# say the choice is not valid.
LARGEST_ID = 2**63 - 1


def _out_of_range(value) -> bool:
    try:
        return abs(int(str(value).strip())) > LARGEST_ID
    except (TypeError, ValueError):
        # Not a number at all: Django's own check says the choice is not valid.
        return False


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, refusing an id too big for the database as an
    ordinary invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, refusing ids too big for the database as
    ordinary invalid choices."""

    def _check_values(self, value):
        for pk in value:
            if _out_of_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def id_safe_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: its foreign keys and many-to-many fields use
    the choice fields above."""
    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)


class StaffPreferencesForm(forms.Form):
    monthly_summary = forms.BooleanField(
        label=_("Email me a monthly summary"),
        required=False,
        help_text=_(
            "On the first of each month: how much feedback has a published response, "
            "overdue actions and last month's events, with a link to the dashboard."
        ),
    )


class PublicLanguagesForm(forms.Form):
    """Which languages the public pages and emails are offered in. A language can be
    turned on only once its catalogue is compiled."""

    languages = forms.MultipleChoiceField(
        label=_("Languages offered to the public"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("English is always offered. Staff pages are in English."),
    )

    def __init__(self, *args, **kwargs):
        from engagement.languages import DEFAULT_LANGUAGE, LANGUAGE_TABLE, has_catalogue

        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [
            (language.code, f"{language.name} ({language.name_local})")
            for language in LANGUAGE_TABLE
            if language.code != DEFAULT_LANGUAGE
        ]
        self._has_catalogue = has_catalogue

    def clean_languages(self):
        codes = self.cleaned_data["languages"]
        missing = [code for code in codes if not self._has_catalogue(code)]
        if missing:
            raise forms.ValidationError(
                _("These have no compiled translations yet: %(codes)s."),
                params={"codes": ", ".join(missing)},
            )
        return codes


class ContentTranslationsForm(forms.Form):
    """A translation of each of a thing's public texts into each language offered.
    An empty box means the English is shown, marked as English."""

    def __init__(self, *args, kind, obj, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.languages = kind, languages
        self.groups = []
        model_fields = {field.name: field for field in kind.model._meta.fields}
        for language in languages:
            names = []
            for field_name, is_long in kind.fields:
                model_field = model_fields[field_name]
                name = f"{language.code}__{field_name}"
                self.fields[name] = forms.CharField(
                    label=model_field.verbose_name.capitalize(),
                    required=False,
                    max_length=model_field.max_length or 5000,
                    widget=forms.Textarea(attrs={"rows": 4, "lang": language.code})
                    if is_long
                    else forms.TextInput(attrs={"lang": language.code}),
                    initial=((obj.translations or {}).get(language.code) or {}).get(field_name, ""),
                    help_text=_("In English: %(text)s")
                    % {"text": (getattr(obj, field_name) or "—")[:300]},
                )
                names.append(name)
            self.groups.append((language, [self[name] for name in names]))

    def translations(self) -> dict:
        result = {}
        for language in self.languages:
            texts = {
                field_name: self.cleaned_data[f"{language.code}__{field_name}"].strip()
                for field_name, _is_long in self.kind.fields
            }
            texts = {name: text for name, text in texts.items() if text}
            if texts:
                result[language.code] = texts
        return result
