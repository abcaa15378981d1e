"""The export and upload log, and the daily beat job that prunes it after AUDIT_RETENTION_DAYS."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


PRUNE = "Prune the export and upload log"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=PRUNE,
        defaults={
            "task": "tracker.tasks.prune_sheet_logs",
            "crontab": night,
            "description": "Deletes log entries older than AUDIT_RETENTION_DAYS.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0002_saved_view'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='SheetLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(max_length=150)),
                ('kind', models.CharField(choices=[('export', 'Export'), ('pull', 'Sheet pull (?key=)'), ('upload', 'Bulk upload')], max_length=10)),
                ('channel', models.CharField(choices=[('api', 'API'), ('admin', 'Admin')], max_length=10)),
                ('list_name', models.CharField(max_length=100, verbose_name='list')),
                ('filters', models.JSONField(blank=True, default=dict)),
                ('format', models.CharField(blank=True, max_length=10)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('complete', models.BooleanField(default=False, help_text='False: cut off (or refused) after the rows counted here')),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('token', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='sheet_logs', to='tracker.apitoken')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='sheet_logs', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'export and upload log',
                'verbose_name_plural': 'export and upload log',
                'ordering': ['-started_at', '-id'],
                'indexes': [models.Index(fields=['started_at'], name='sheetlog_started_idx'), models.Index(fields=['user', '-started_at'], name='sheetlog_user_idx')],
            },
        ),
        migrations.RunPython(add_schedule, remove_schedule),
    ]
