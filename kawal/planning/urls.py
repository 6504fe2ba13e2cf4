from django.urls import path

from kawal.planning import views

urlpatterns = [
    path("plan/", views.home, name="plan-home"),
    path("plan/approve/<int:plan_id>/", views.approve, name="plan-approve"),
    path("plan/tps/<str:code>/risk/", views.tps_risk, name="plan-tps-risk"),
    path("plan/member/<str:nrp>/", views.member, name="plan-member"),
    path("plan/assignment/<int:assignment_id>/qr.svg", views.assignment_qr, name="plan-qr"),
    path("plan/<str:code>/", views.region_plan, name="plan"),
    path("plan/<str:code>/new/", views.new_plan, name="plan-new"),
    path("plan/<str:code>/patterns/", views.patterns, name="plan-patterns"),
    path("plan/<str:code>/daftar.xlsx", views.deployment_xlsx, name="plan-xlsx"),
    path("plan/<str:code>/daftar.pdf", views.deployment_pdf, name="plan-pdf"),
    path("plan/<str:code>/daftar/", views.deployment_page, name="plan-pdf-page"),
    path("plan/<str:code>/daftar/progress/", views.deployment_progress, name="plan-pdf-progress"),
]
