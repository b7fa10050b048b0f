import django.db.models.deletion
from django.db import migrations, models


def link_exact_names(apps, schema_editor):
    """Old activities whose free-text place is exactly a place's name in the same community."""
    Activity = apps.get_model("activities", "Activity")
    ServicePlace = apps.get_model("circle", "ServicePlace")
    places = {(p.community_id, p.name): p.id for p in ServicePlace.objects.all()}
    for activity in Activity.objects.filter(service_place__isnull=True).only("id", "community_id", "place"):
        place_id = places.get((activity.community_id, activity.place.strip()))
        if place_id:
            Activity.objects.filter(pk=activity.pk).update(service_place_id=place_id)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_social_organisations"),
        ("circle", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="service_place",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="activities",
                to="circle.serviceplace",
                verbose_name="服务阵地",
            ),
        ),
        migrations.RunPython(link_exact_names, migrations.RunPython.noop),
    ]
