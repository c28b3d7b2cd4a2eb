from django.contrib import admin
from django.db import models

from events.models import Debrief, Event, EventAddress, Venue
from events.services import event_readdress, event_unique_slug


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "postcode", "capacity", "is_archived"]
    list_filter = ["kind", "is_archived"]
    search_fields = ["name", "postcode"]


class DebriefInline(admin.StackedInline):
    model = Debrief
    extra = 0


class EventAddressInline(admin.TabularInline):
    """Old addresses, shown for reference. They are made when the title or date changes."""

    model = EventAddress
    extra = 0
    fields = ["slug", "replaced_at"]
    readonly_fields = ["slug", "replaced_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "focus_community", "is_published"]
    list_filter = ["status", "is_published", "programme", "focus_community"]
    search_fields = ["title", "slug", "old_addresses__slug"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["lead_organiser"]
    filter_horizontal = ["officers_attending"]
    # The address follows the title and date, as on the staff pages, where a
    # Coordinator can also choose one.
    readonly_fields = ["slug", "feedback_token"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [DebriefInline, EventAddressInline]

    def save_model(self, request, obj, form, change):
        if change:
            event_readdress(event=obj)
        elif not obj.slug:
            obj.slug = event_unique_slug(title=obj.title, starts_at=obj.starts_at)
        super().save_model(request, obj, form, change)
