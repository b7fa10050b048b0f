"""Every Moral Bank row carries its district, and every unique constraint includes it.

So that the ledger's tables can be distributed by district on Citus (docs/deploy.md,
"按区分布（Citus）"; checked by jiceng/tests/test_citus_ready.py).
"""

from django.db import migrations, models

from jiceng.core.migrating import district_added


class Migration(migrations.Migration):
    dependencies = [
        ("bank", "0007_redemption_cancelled_by"),
        ("people", "0002_birth_year_only"),
        ("regions", "0001_initial"),
    ]

    operations = [
        *district_added("claimphoto", table="bank_claimphoto", parent_table="bank_deedclaim", via="claim_id"),
        *district_added("review", table="bank_review", parent_table="bank_deedclaim", via="claim_id"),
        *district_added("objection", table="bank_objection", parent_table="bank_notice", via="notice_id"),
        *district_added("personinneed", table="bank_personinneed", parent_table="people_person", via="person_id"),
        *district_added("donation", table="bank_donation", parent_table="bank_transfer", via="transfer_id"),
        *district_added("reward", table="bank_reward", parent_table="bank_alliancepartner", via="partner_id"),
        migrations.RemoveConstraint(model_name="review", name="one_review_per_reviewer"),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                fields=("district", "claim", "reviewer"), name="one_review_per_reviewer"
            ),
        ),
        migrations.RemoveConstraint(model_name="personinneed", name="one_active_need"),
        migrations.AddConstraint(
            model_name="personinneed",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)), fields=("district", "person"), name="one_active_need"
            ),
        ),
        migrations.RemoveConstraint(model_name="transfer", name="reversed_once"),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "reversal")), fields=("district", "reverses"), name="reversed_once"
            ),
        ),
    ]
