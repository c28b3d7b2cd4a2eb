from django.contrib import admin

from engagement.admin import ProgrammeAdmin
from engagement.models import Programme
from engagement.roles import Capability, can
from feedback.models import (
    FeedbackItem,
    Findings,
    FindingsChange,
    FindingsVersion,
    FocusGroupInvitation,
    FocusGroupMeeting,
    FocusGroupMember,
    KeyQuestion,
    ProgrammeKeyQuestion,
    SafeguardingTerm,
    SenseCheckRequest,
    Topic,
    Workstream,
)


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(KeyQuestion)
class KeyQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "workstream"]
    list_filter = ["workstream"]
    search_fields = ["text"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}


class ProgrammeKeyQuestionInline(admin.TabularInline):
    model = ProgrammeKeyQuestion
    extra = 1
    ordering = ["position"]


# The programme's ordered key questions are edited on the programme's own admin page.
admin.site.unregister(Programme)


@admin.register(Programme)
class ProgrammeWithQuestionsAdmin(ProgrammeAdmin):
    inlines = [ProgrammeKeyQuestionInline]


@admin.register(SafeguardingTerm)
class SafeguardingTermAdmin(admin.ModelAdmin):
    search_fields = ["phrase"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "status", "event", "is_safeguarding_flagged"]
    list_filter = ["source", "status", "is_safeguarding_flagged", "was_redacted"]
    search_fields = ["text"]
    raw_id_fields = ["event", "submission", "recorded_by"]
    filter_horizontal = ["topics", "workstreams"]
    # Anonymous feedback is never edited in the admin; use the inbox, which keeps the original.
    readonly_fields = ["text", "received_hour", "client_reference"]

    # The text before redaction may hold names and numbers: only people who may see it
    # are shown it, and nobody can change it here.
    def get_readonly_fields(self, request, obj=None):
        if can(request.user, Capability.VIEW_ORIGINAL_TEXT):
            return [*self.readonly_fields, "original_text"]
        return self.readonly_fields

    def get_exclude(self, request, obj=None):
        if can(request.user, Capability.VIEW_ORIGINAL_TEXT):
            return []
        return ["original_text"]


# The focus group is run from its staff pages, which check who may see members' names
# and write the audit log; here it is only for reading.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FocusGroupMember)
class FocusGroupMemberAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "started_at", "ended_at"]
    list_select_related = ["user"]


@admin.register(FocusGroupInvitation)
class FocusGroupInvitationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "sent_at", "accepted_at"]


@admin.register(FocusGroupMeeting)
class FocusGroupMeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_at", "cancelled_at", "attendance_recorded_at"]


# Findings are written, checked, agreed and shared on their staff pages, which keep the
# record of every change; here they are only for reading.
@admin.register(Findings)
class FindingsAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "created_at", "shared_at"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(FindingsVersion)
class FindingsVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "findings", "sent_at", "agreed_at"]
    list_select_related = ["findings"]


@admin.register(SenseCheckRequest)
class SenseCheckRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "deadline", "sent_at", "reminded_at"]
    list_select_related = ["version__findings"]


@admin.register(FindingsChange)
class FindingsChangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "findings", "kind", "at"]
    list_filter = ["kind"]
    list_select_related = ["findings"]
