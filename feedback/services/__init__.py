"""The feedback app's services, one module per part of the loop: capturing feedback
(capture.py), and the modules that build on it."""

from feedback.services.capture import (  # noqa: F401
    FINISHED,
    OUTBOX_TIMES,
    current_hour,
    feedback_flag,
    feedback_mark_flag_reviewed,
    feedback_mark_redaction_checked,
    feedback_record,
    feedback_redact,
    feedback_release_pending,
    feedback_restore,
    feedback_save_tags,
    feedback_set_aside,
    feedback_stage_form,
    feedback_submit_form,
    feedback_tag,
    feedback_unflag,
)
from feedback.services.findings import (  # noqa: F401
    FindingsRefused,
    feedback_set_internal,
    findings_add_section,
    findings_draft_for,
    findings_mark_agreed,
    findings_remove_section,
    findings_share,
    findings_update,
    findings_update_section,
)
from feedback.services.focus_group import (  # noqa: F401
    INVITATION_SALT,
    MeetingClosed,
    MeetingDetails,
    NotInvitable,
    UsernameTaken,
    focus_group_invitation_for_link,
    focus_group_invitation_signed,
    focus_group_invitation_url,
    focus_group_invite,
    focus_group_join,
    focus_group_meeting_cancel,
    focus_group_meeting_record_attendance,
    focus_group_meeting_reply,
    focus_group_meeting_schedule,
    focus_group_meeting_update,
    focus_group_member_end,
    focus_group_member_start,
    focus_group_record_facilitators,
)
from feedback.services.sense_check import (  # noqa: F401
    findings_send_for_sense_check,
    sense_check_answer,
    sense_check_refusal,
    sense_check_send_reminders,
    sense_check_url,
)
