"""Forms about the focus group: joining by the emailed link, ending a membership,
meetings and their attendance, and the members who facilitated at an event."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from engagement.forms import ModelMultipleChoiceField, OptionalLabelsMixin
from events.forms import date_time_field, fields_only_helper
from feedback.models import FocusGroupMeeting


def suggested_username(name: str) -> str:
    """A username made from a name that nobody has yet: "amina.yusuf", then
    "amina.yusuf2" and so on. Only a suggestion; the person may type another."""
    base = slugify(name).replace("-", ".")[:30] or "member"
    taken = set(
        get_user_model()
        .objects.filter(username__istartswith=base)
        .values_list("username", flat=True)
    )
    taken = {username.lower() for username in taken}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


class JoinForm(forms.Form):
    """The account a new member signs in with. The passwords are never shown again if
    the form comes back with a problem; everything else the person typed is."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_(
            "You sign in with this. We suggest one; you can change it. Use letters, "
            "numbers and . _ - only, with no spaces."
        ),
        validators=[
            UnicodeUsernameValidator(
                message=_("Use only letters, numbers and . _ - in a username, with no spaces.")
            )
        ],
        error_messages={
            "required": _("Enter a username."),
            "max_length": _("The username must be 150 characters or fewer."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_(
            "At least 12 characters. Three or four random words are easy to remember and "
            "hard to guess."
        ),
        error_messages={"required": _("Enter a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        help_text=_("Type the same password again, to be sure it has no typing mistake."),
        error_messages={"required": _("Type your password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    agree = forms.BooleanField(
        label=_("I have read the focus group's ground rules above and agree to them"),
        error_messages={"required": _("Tick the box to say you agree to the ground rules.")},
    )

    def __init__(self, *args, name: str = "", email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # For the validator that refuses a password too like the person's own details.
        self.name = name
        self.email = email
        self.helper = fields_only_helper("username", "password1", "password2", "agree")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(
                _("Someone already has this username. Choose a different one."),
                code="taken",
            )
        return username

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("password1")
        second = cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same. Type them again."))
        elif first:
            first_name, _space, last_name = self.name.partition(" ")
            would_be = get_user_model()(
                username=cleaned.get("username", ""),
                email=self.email,
                first_name=first_name,
                last_name=last_name,
            )
            try:
                password_validation.validate_password(first, user=would_be)
            except ValidationError as problems:
                self.add_error("password1", problems)
        return cleaned


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the membership is ending"),
        help_text=_(
            "For the Coordinators' records, for example “Moved away” or “Asked to leave "
            "by phone”. The member does not see it."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the membership is ending."),
            "max_length": _("Keep the reason to 500 characters or fewer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("reason")


class MeetingForm(OptionalLabelsMixin, forms.ModelForm):
    starts_at = date_time_field(_("Date and time"))
    online_link = forms.URLField(
        label=_("Online joining link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "For example a Teams or Zoom link. Leave it empty if people only meet in person."
        ),
        error_messages={
            "invalid": _("Enter a full web address starting with https://"),
            "max_length": _("The link must be 500 characters or fewer."),
        },
    )
    sometimes_required_fields = ("place", "online_link")

    class Meta:
        model = FocusGroupMeeting
        fields = ["starts_at", "place", "online_link", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "place": _("Where people meet in person. Leave it empty for an online meeting."),
            "agenda": _(
                "What the meeting is for, one item a line. Members read this on their phones."
            ),
        }
        error_messages = {
            "place": {"max_length": _("Keep the place to 300 characters or fewer.")},
            "agenda": {
                "required": _("Write the agenda, so members know what the meeting is for."),
                "max_length": _("Keep the agenda to 5,000 characters or fewer."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].label = _("Place")
        self.helper = fields_only_helper("starts_at", "place", "online_link", "agenda")

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        is_new_time = self.instance.pk is None or starts_at != self.instance.starts_at
        if is_new_time and starts_at <= timezone.now():
            raise ValidationError(_("Choose a date and time in the future."), code="past")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("place")
            and not cleaned.get("online_link")
            and not (self.has_error("place") or self.has_error("online_link"))
        ):
            self.add_error(
                "place", _("Say where the meeting is, or give a link to join online, or both.")
            )
        return cleaned


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the meeting is cancelled"),
        help_text=_("Members are emailed this, so write it for them."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why the meeting is cancelled, so members know."),
            "max_length": _("Keep the reason to 500 characters or fewer."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper("reason")


class MemberChoiceField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, member):
        return member.name


class MembersForm(forms.Form):
    """Tick boxes of members: who came to a meeting, or who facilitated at an event."""

    members = MemberChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _("Choose from the members listed."),
            "invalid_pk_value": _("Choose from the members listed."),
        },
    )

    def __init__(self, *args, members, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label = label
        self.helper = fields_only_helper("members")
