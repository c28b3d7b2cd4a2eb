"""The contacts app in the Django admin: only the kinds of lay observation. Personal
data is read on the staff pages, which write every view to the audit log; the admin
would not."""

from django.contrib import admin

from contacts.models import ObservationKind


@admin.register(ObservationKind)
class ObservationKindAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # Past opportunities keep their kind: one no longer offered is made inactive.
        return False
