"""Beat schedules for the daily digest and the overdue webhooks; staff edit them in the admin."""

from django.conf import settings
from django.db import migrations

DIGEST = "Daily follow-up digests"
OVERDUE = "Overdue follow-up webhooks"


def add_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    seven_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=DIGEST,
        defaults={
            "task": "opportunities.tasks.send_daily_digests",
            "crontab": seven_am,
            "description": "One mail per person per day; running it again sends nothing twice.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=OVERDUE,
        defaults={
            "task": "opportunities.tasks.emit_overdue_webhooks",
            "crontab": seven_am,
            "description": "Each overdue follow-up is announced once to its team's endpoints.",
        },
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DIGEST, OVERDUE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
