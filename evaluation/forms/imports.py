"""Forms for importing an earlier wave: the file, how its columns match the wave's
questions, and the confirmation before an import is removed with its responses."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from evaluation.imports import EXTENSIONS, column_letter, mapping_problems


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        max_length=255,
        widget=forms.FileInput(attrs={"accept": ",".join(EXTENSIONS)}),
        error_messages={
            "required": _("Choose the spreadsheet file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("No file was sent. Choose the file again."),
            "missing": _("No file was sent. Choose the file again."),
            "max_length": _("Give the file a shorter name (255 characters at most)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .csv or .xlsx file of up to %(size)s, with a heading for each column in the "
            "first row and one person's answers on each row under it."
        ) % {"size": filesizeformat(settings.SURVEY_IMPORT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                _(
                    "This file is not a .csv or .xlsx file. Save it from the spreadsheet as "
                    "“CSV UTF-8” or as an Excel workbook (.xlsx)."
                )
            )
        if upload.size > settings.SURVEY_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the most that can be imported at once is %(most)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "most": filesizeformat(settings.SURVEY_IMPORT_MAX_BYTES),
                }
            )
        return upload


class MappingForm(forms.Form):
    """One list per column of the file: the question it answers, or left out. Fields
    are named by column position, since headings may hold any character."""

    def __init__(self, *args, headers, questions, initial_mapping, examples=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        self.question_keys = [question.key for question in questions]
        choices = [("", _("Leave this column out"))] + [
            (question.key, question.text) for question in questions
        ]
        examples = examples or {}
        for index, header in enumerate(self.headers):
            field = forms.ChoiceField(
                label=_("Column %(letter)s: %(heading)s")
                % {"letter": column_letter(index), "heading": header},
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, ""),
                error_messages={
                    "invalid_choice": _("Choose a question from the list, or leave it out."),
                },
            )
            if examples.get(index):
                field.help_text = _("For example: %(values)s") % {
                    "values": ", ".join(examples[index])
                }
            self.fields[self.field_name(index)] = field

    @staticmethod
    def field_name(index: int) -> str:
        return f"column_{index}"

    def clean(self):
        cleaned = super().clean()
        mapping = {
            header: cleaned.get(self.field_name(index)) or ""
            for index, header in enumerate(self.headers)
        }
        beside, whole = mapping_problems(mapping, self.question_keys)
        for index, header in enumerate(self.headers):
            if header in beside and not self.has_error(self.field_name(index)):
                self.add_error(self.field_name(index), beside[header])
        for problem in whole:
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        return cleaned


class RemoveImportForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Tick the box to say you want these responses deleted."),
        },
    )

    def __init__(self, *args, responses: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "I understand that the %(count)s responses imported from this file will be "
            "deleted from the wave"
        ) % {"count": f"{responses:,}"}
