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
    path("sitrep/<str:code>/", views.sitrep_page, name="sitrep"),
    path("rakor/<str:code>/", views.rakor, name="rakor"),
    path("rakor/<str:code>/live/", views.rakor_live, name="rakor_live"),
]
