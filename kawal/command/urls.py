from django.urls import path

from kawal.command import views

urlpatterns = [
    path("", views.home, name="overview"),
    path("national/", views.national, name="national"),
    path("national/live/", views.national_live, name="national_live"),
    path("region/<str:code>/", views.region, name="region"),
    path("region/<str:code>/live/", views.region_live, name="region_live"),
    path("tps/<str:code>/", views.tps, name="tps"),
    path("tps/<str:code>/live/", views.tps_live, name="tps_live"),
    path("search/", views.search, name="search"),
    path("wall/", views.wall_home, name="wall_home"),
    path("wall/<str:code>/", views.wall, name="wall"),
    path("wall/<str:code>/live/", views.wall_live, name="wall_live"),
    path("alerts/", views.alerts_page, name="alerts"),
    path(
        "alerts/<int:alert_id>/<str:action>/", views.alert_action, name="alert_action"
    ),
]
