from django.contrib import admin

from review.models import ReturnReason


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    list_display = ("text", "business_type", "code", "position", "active")
    list_filter = ("active", "business_type")
    list_editable = ("position", "active")
    search_fields = ("text", "code")
