from django.contrib import admin

from engagement.admin import ProgrammeAdmin
from engagement.models import Programme
from feedback.models import KeyQuestion, ProgrammeKeyQuestion, Topic, Workstream


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
