from django.urls import path

from feedback.views import capture as views
from feedback.views import findings, focus_group, live

app_name = "feedback"

urlpatterns = [
    path("staff/feedback/", views.inbox, name="inbox"),
    path("staff/events/<int:pk>/live/open/", live.live_open, name="live-open"),
    path("staff/live/<int:pk>/", live.live_moderate, name="live-moderate"),
    path("staff/live/<int:pk>/screen/", live.live_screen, name="live-screen"),
    path("staff/live/<int:pk>/screen/state/", live.live_screen_state, name="live-screen-state"),
    path("staff/live/<int:pk>/points/<int:point_pk>/", live.live_point_action, name="live-point"),
    path("staff/live/<int:pk>/question/", live.live_question, name="live-question"),
    path("staff/live/<int:pk>/polls/new/", live.live_poll_new, name="live-poll-new"),
    path("staff/live/<int:pk>/polls/<int:poll_pk>/", live.live_poll_action, name="live-poll"),
    path("staff/live/<int:pk>/tables/", live.live_tables, name="live-tables"),
    path(
        "staff/live/<int:pk>/tables/<int:number>/notes/",
        live.live_table_notes,
        name="live-table-notes",
    ),
    path("staff/live/<int:pk>/close/", live.live_close, name="live-close"),
    path("staff/feedback/tag/", views.bulk_tag, name="bulk-tag"),
    path("staff/feedback/analysis/", views.analysis_view, name="analysis"),
    path("staff/feedback/<int:pk>/", views.item_detail, name="item"),
    path("staff/feedback/<int:pk>/tags/", views.item_tags, name="item-tags"),
    path("staff/feedback/<int:pk>/redact/", views.item_redact, name="item-redact"),
    path("staff/feedback/<int:pk>/set-aside/", views.item_set_aside, name="item-set-aside"),
    path("staff/feedback/<int:pk>/restore/", views.item_restore, name="item-restore"),
    path(
        "staff/feedback/<int:pk>/redaction-checked/",
        views.item_redaction_checked,
        name="item-redaction-checked",
    ),
    path(
        "staff/feedback/<int:pk>/flag-reviewed/",
        views.item_flag_reviewed,
        name="item-flag-reviewed",
    ),
    path("staff/feedback/<int:pk>/flag/", views.item_flag, name="item-flag"),
    path("staff/feedback/<int:pk>/unflag/", views.item_unflag, name="item-unflag"),
    path(
        "staff/feedback/<int:pk>/internal/",
        views.item_mark_internal,
        name="item-mark-internal",
    ),
    path(
        "staff/feedback/<int:pk>/not-internal/",
        views.item_unmark_internal,
        name="item-unmark-internal",
    ),
    path("staff/events/<int:pk>/notes/", views.live_notes, name="live-notes"),
    path("staff/events/<int:pk>/paper-form/", views.paper_form, name="paper-form"),
    path("staff/events/<int:pk>/transcribe/", views.transcribe, name="transcribe"),
    path(
        "staff/events/<int:pk>/facilitators/",
        focus_group.event_facilitators,
        name="event-facilitators",
    ),
    path("staff/focus-group/", focus_group.members, name="focus-group"),
    path("staff/focus-group/invite/", focus_group.invite, name="focus-group-invite"),
    path(
        "staff/focus-group/invite/<int:pk>/",
        focus_group.invite_send,
        name="focus-group-invite-send",
    ),
    path(
        "staff/focus-group/members/<int:pk>/end/",
        focus_group.member_end,
        name="focus-group-member-end",
    ),
    path(
        "staff/focus-group/meetings/new/",
        focus_group.meeting_new,
        name="focus-group-meeting-new",
    ),
    path(
        "staff/focus-group/meetings/<int:pk>/",
        focus_group.meeting_detail,
        name="focus-group-meeting",
    ),
    path(
        "staff/focus-group/meetings/<int:pk>/edit/",
        focus_group.meeting_edit,
        name="focus-group-meeting-edit",
    ),
    path(
        "staff/focus-group/meetings/<int:pk>/cancel/",
        focus_group.meeting_cancel,
        name="focus-group-meeting-cancel",
    ),
    path(
        "staff/focus-group/meetings/<int:pk>/attendance/",
        focus_group.meeting_attendance,
        name="focus-group-meeting-attendance",
    ),
    # Findings and their sense-check, on the staff site.
    path("staff/findings/", findings.findings_list, name="findings-list"),
    path("staff/findings/new/", findings.findings_new, name="findings-new"),
    path("staff/findings/<int:pk>/", findings.findings_detail, name="findings-detail"),
    path("staff/findings/<int:pk>/edit/", findings.findings_edit, name="findings-edit"),
    path(
        "staff/findings/<int:pk>/sections/new/",
        findings.findings_section_new,
        name="findings-section-new",
    ),
    path(
        "staff/findings/<int:pk>/sections/<int:section_pk>/",
        findings.findings_section_edit,
        name="findings-section-edit",
    ),
    path(
        "staff/findings/<int:pk>/sections/<int:section_pk>/remove/",
        findings.findings_section_remove,
        name="findings-section-remove",
    ),
    path("staff/findings/<int:pk>/send/", findings.findings_send, name="findings-send"),
    path("staff/findings/<int:pk>/answers/", findings.findings_review, name="findings-review"),
    path("staff/findings/<int:pk>/compare/", findings.findings_compare, name="findings-compare"),
    path("staff/findings/<int:pk>/agree/", findings.findings_agree, name="findings-agree"),
    path("staff/findings/<int:pk>/share/", findings.findings_share_view, name="findings-share"),
]
