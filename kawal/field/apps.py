from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "kawal.field"
    label = "field"
