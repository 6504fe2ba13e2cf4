"""The field app's pages under /field/: the officers' phone app and the device list."""

from django.urls import path

from kawal.field import shell, views

urlpatterns = [
    path("", shell.app, name="field_app"),
    path("manifest.webmanifest", shell.manifest, name="field_manifest"),
    path("sw.js", shell.service_worker, name="field_service_worker"),
    path("devices/", views.devices_page, name="field_devices"),
    path("devices/<uuid:device_id>/revoke/", views.revoke, name="field_device_revoke"),
    path("photos/<uuid:photo_id>.jpg", views.photo, name="field_photo"),
]
