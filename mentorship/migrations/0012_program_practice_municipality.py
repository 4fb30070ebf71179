# Programs and practices keep their organization's municipality (mentorship.models): added empty,
# filled from each row's pair or organization, then required.

import django.db.models.deletion
from django.db import migrations, models


def _fk(**kwargs):
    return models.ForeignKey(
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        to="accounts.municipality",
        verbose_name="муниципалитет",
        **kwargs,
    )


def _history_fk():
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to="accounts.municipality",
        verbose_name="муниципалитет",
    )


PROGRAMS = (
    "UPDATE {table} SET municipality_id = (SELECT o.municipality_id FROM mentorship_pair p"
    " JOIN accounts_organization o ON o.id = p.organization_id WHERE p.id = {table}.pair_id)"
)
PRACTICES = (
    "UPDATE {table} SET municipality_id = (SELECT o.municipality_id FROM accounts_organization o"
    " WHERE o.id = {table}.organization_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_region_report_names"),
        ("mentorship", "0011_program_published_index"),
    ]

    operations = [
        migrations.AddField(model_name="historicalpractice", name="municipality", field=_history_fk()),
        migrations.AddField(model_name="historicalprogram", name="municipality", field=_history_fk()),
        migrations.AddField(
            model_name="practice",
            name="municipality",
            field=_fk(null=True, db_index=False, related_name="mentorship_practices"),
        ),
        migrations.AddField(
            model_name="program", name="municipality", field=_fk(null=True, related_name="mentorship_programs")
        ),
        # every row (and every history row whose pair or organization still exists) gets its municipality
        migrations.RunSQL(PROGRAMS.format(table="mentorship_program"), migrations.RunSQL.noop),
        migrations.RunSQL(PROGRAMS.format(table="mentorship_historicalprogram"), migrations.RunSQL.noop),
        migrations.RunSQL(PRACTICES.format(table="mentorship_practice"), migrations.RunSQL.noop),
        migrations.RunSQL(PRACTICES.format(table="mentorship_historicalpractice"), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="practice",
            name="municipality",
            field=_fk(db_index=False, related_name="mentorship_practices"),
        ),
        migrations.AlterField(model_name="program", name="municipality", field=_fk(related_name="mentorship_programs")),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(fields=["organization", "-created_at"], name="practice_org_created_idx"),
        ),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(fields=["municipality", "-created_at"], name="practice_mun_created_idx"),
        ),
        migrations.AddIndex(
            model_name="program",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["municipality", "-published_on", "title"],
                name="program_bank_idx",
            ),
        ),
    ]
