"""The cockpit's background work on the django-tasks queue."""

from django_tasks import task

from jiceng.cockpit.services.rollup import rollup_refresh_all


@task()
def cockpit_rollup_refresh() -> int:
    """Refresh the roll-up of every district; `jiceng worker` enqueues it every `COCKPIT_ROLLUP_SECONDS`."""
    return len(rollup_refresh_all())
