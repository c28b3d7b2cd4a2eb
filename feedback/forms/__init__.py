"""The feedback app's forms, one module per part of the loop."""

from feedback.forms.capture import (  # noqa: F401
    answer_field,
    CommunityChoices,
    CommunityField,
    FeedbackForm,
    PaperFormTranscriptionForm,
    LiveNoteForm,
    BulkTagForm,
    FeedbackItemForm,
    RedactForm,
    SetAsideForm,
    FlagForm,
    UnflagForm,
    HONEYPOT_FIELD,
    ANOTHER_COMMUNITY,
)
