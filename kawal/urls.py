from django.contrib import admin
from django.urls import include, path

from kawal.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kawal.accounts.urls")),
    path("", include("kawal.command.urls")),
    path("", include("kawal.planning.urls")),
    path("", include("kawal.custody.urls")),
    path("", include("kawal.incidents.urls")),
    path("field/", include("kawal.field.urls")),
]
