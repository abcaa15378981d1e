"""The nightly beat job that deletes upload jobs past UPLOAD_JOB_RETENTION_DAYS."""

from django.conf import settings
from django.db import migrations

PRUNE = "Delete old upload jobs"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="40",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=PRUNE,
        defaults={
            "task": "opportunities.tasks.prune_upload_jobs",
            "crontab": night,
            "description": "Deletes upload jobs (file, results, row errors) finished more than "
            "UPLOAD_JOB_RETENTION_DAYS ago.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0011_tallies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
