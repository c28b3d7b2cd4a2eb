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
