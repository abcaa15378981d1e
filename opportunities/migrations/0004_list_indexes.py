from django.db import migrations, models

# A list filtered by partner country, area or firm counts and pages through the join of an
# auto-created many-to-many table: indexed as (related id, opportunity id), the count is an
# index-only merge join with the (stage, id) index instead of two heap scans and a hash.
THROUGH_INDEXES = [
    ("opportunities_opportunity_countries", "country_id", "opportunity_countries_list_idx"),
    ("opportunities_opportunity_areas", "investmentarea_id", "opportunity_areas_list_idx"),
    ("opportunities_opportunity_firms", "firm_id", "opportunity_firms_list_idx"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0003_reminder_schedules"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="opportunity", name="opportunity_stage_idx"),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["stage", "id"], name="opportunity_stage_idx"),
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} ({column}, opportunity_id)",
                f"DROP INDEX {name}",
            )
            for table, column, name in THROUGH_INDEXES
        ),
    ]
