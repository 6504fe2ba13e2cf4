from django.urls import path

from kawal.command import views

urlpatterns = [
    path("", views.home, name="overview"),
    path("region/<str:code>/", views.region, name="region"),
]
