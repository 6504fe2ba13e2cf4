from django.urls import path

from kawal.custody import views

urlpatterns = [
    path("boxes/<str:code>/", views.box, name="box"),
    path("labels/<str:code>.pdf", views.label_sheet, name="box_labels"),
]
