from django.contrib import admin

from events.models import Debrief, Event, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "postcode", "capacity", "is_archived"]
    list_filter = ["kind", "is_archived"]
    search_fields = ["name", "postcode"]


class DebriefInline(admin.StackedInline):
    model = Debrief
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "focus_community", "is_published"]
    list_filter = ["status", "is_published", "programme", "focus_community"]
    search_fields = ["title", "slug"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["lead_organiser"]
    filter_horizontal = ["officers_attending"]
    readonly_fields = ["feedback_token"]
    inlines = [DebriefInline]
