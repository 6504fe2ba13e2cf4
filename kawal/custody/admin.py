from django.contrib import admin

from kawal.custody.models import Box


@admin.register(Box)
class BoxAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "contest", "state")
    list_filter = ("kind", "contest", "state")
    search_fields = ("code",)
    raw_id_fields = ("tps",)
