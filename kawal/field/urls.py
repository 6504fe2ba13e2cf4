"""The field app's pages under /field/: the officers' phone app and the device list."""

from django.urls import path

from kawal.field import views

urlpatterns = [
    path("devices/", views.devices_page, name="field_devices"),
    path("devices/<uuid:device_id>/revoke/", views.revoke, name="field_device_revoke"),
]
