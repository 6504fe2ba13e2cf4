from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_auditentry_position"),
        ("custody", "0004_log_positions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
