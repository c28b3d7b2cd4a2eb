"""The feedback app's models, one module per part of the loop: capturing feedback
(capture.py), and the modules that build on it."""

from feedback.models.capture import (  # noqa: F401
    FeedbackItem,
    FeedbackItemQuerySet,
    KeyQuestion,
    KeyQuestionQuerySet,
    PendingSubmission,
    PendingSubmissionQuerySet,
    ProgrammeKeyQuestion,
    SafeguardingFlagChange,
    SafeguardingTerm,
    Submission,
    SubmissionQuerySet,
    Topic,
    TopicQuerySet,
    Workstream,
    hour_of,
)
from feedback.models.findings import (  # noqa: F401
    Findings,
    FindingsChange,
    FindingsQuerySet,
    FindingsSection,
    FindingsVersion,
    SectionAnswer,
    SectionAnswerQuerySet,
    SenseCheckRequest,
    SenseCheckRequestQuerySet,
)
from feedback.models.focus_group import (  # noqa: F401
    INVITATION_VALID_DAYS,
    FocusGroupInvitation,
    FocusGroupInvitationQuerySet,
    FocusGroupMeeting,
    FocusGroupMeetingQuerySet,
    FocusGroupMember,
    FocusGroupMemberQuerySet,
    MeetingReply,
)
from feedback.models.live import (  # noqa: F401, E402
    JOIN_CODE_ALPHABET,
    LivePoint,
    LivePointQuerySet,
    LivePoll,
    LivePollAnswer,
    LiveSession,
    LiveSessionQuerySet,
    LiveTable,
)
