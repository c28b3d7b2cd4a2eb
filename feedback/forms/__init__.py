"""The feedback app's forms, one module per part of the loop."""

from feedback.forms.capture import (  # noqa: F401
    ANOTHER_COMMUNITY,
    HONEYPOT_FIELD,
    BulkTagForm,
    CommunityChoices,
    CommunityField,
    FeedbackForm,
    FeedbackItemForm,
    FlagForm,
    LiveNoteForm,
    PaperFormTranscriptionForm,
    RedactForm,
    SetAsideForm,
    UnflagForm,
    answer_field,
)
from feedback.forms.findings import (  # noqa: F401
    CompareForm,
    FindingsOverviewForm,
    FindingsSectionForm,
    FindingsStartForm,
    SectionAnswerForm,
    SenseCheckSendForm,
)
from feedback.forms.focus_group import (  # noqa: F401
    CancelMeetingForm,
    EndMembershipForm,
    JoinForm,
    MeetingForm,
    MembersForm,
    suggested_username,
)
