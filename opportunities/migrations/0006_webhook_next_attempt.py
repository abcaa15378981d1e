"""When each pending webhook delivery is due, and a beat schedule that re-queues the ones whose
task never came (the broker was down when it was queued or retried)."""

import django.utils.timezone
from django.db import migrations, models

SWEEP = "Re-queue stalled webhook deliveries"


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={
            "task": "opportunities.tasks.requeue_stalled_webhooks",
            "interval": every_five,
            "description": "Pending deliveries long past their next attempt are queued again.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0005_follow_up_version"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
        ),
        migrations.RunPython(add_schedule, remove_schedule),
    ]
