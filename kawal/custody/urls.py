from django.urls import path

from kawal.custody import views

urlpatterns = [
    path("boxes/<str:code>/", views.box, name="box"),
    path("labels/<str:code>.pdf", views.label_sheet, name="box_labels"),
    path("labels/<str:code>/", views.label_page, name="box_labels_page"),
    path("labels/<str:code>/progress/", views.label_progress, name="box_labels_progress"),
]
