"""Every Moral Bank row carries its district, and every unique constraint includes it.

So that the ledger's tables can be distributed by district on Citus (docs/deploy.md,
"按区分布（Citus）"; checked by jiceng/tests/test_citus_ready.py).
"""

from django.db import migrations, models

from jiceng.core.migrating import district_added, district_leads


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
        *district_leads("review", "one_review_per_reviewer", ("claim", "reviewer")),
        *district_leads("personinneed", "one_active_need", ("person",), models.Q(("is_active", True))),
        *district_leads("transfer", "reversed_once", ("reverses",), models.Q(("kind", "reversal"))),
    ]
