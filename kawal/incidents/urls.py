from django.urls import path

from kawal.incidents import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<uuid:incident_id>/", views.incident, name="incident"),
    path(
        "incidents/<uuid:incident_id>/<str:action>/",
        views.incident_action,
        name="incident_action",
    ),
]
