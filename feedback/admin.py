from django.contrib import admin

from engagement.admin import ProgrammeAdmin
from engagement.models import Programme
from engagement.roles import Capability, can
from feedback.models import (
    FeedbackItem,
    KeyQuestion,
    ProgrammeKeyQuestion,
    SafeguardingTerm,
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
