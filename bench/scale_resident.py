"""A resident's home and wallet pages at scale: p50 / p95 over 1,000 random residents, through the real views.

Runs on a district made by `jiceng generate` (see bench/_scale.py). Each resident with a login is
logged in with the test client (not timed) and both pages are fetched once, the way a resident opens
them; the first fetch in the process is made and dropped beforehand, so template loading is not
counted. Budget: p95 ≤ 50 ms for each page.

Usage: SQLITE_PATH=… or DATABASE_URL=… python bench/scale_resident.py [--n 1000] [--seed 1]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402
import _scale  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    common = _scale.attach()
    from django.test import Client, override_settings
    from django.urls import reverse

    from jiceng.core.models import Role, User

    ids = list(
        User.objects.filter(person__isnull=False, grants__role=Role.RESIDENT)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    chosen = random.Random(args.seed).sample(ids, min(args.n, len(ids)))
    pages = {"portal:resident_home": [], "bank:my_points": []}
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(User.objects.get(pk=chosen[0]))
        for name in pages:  # templates and the session machinery are loaded once
            assert client.get(reverse(name)).status_code == 200
        for pk in chosen:
            client.force_login(User.objects.get(pk=pk))
            for name, times in pages.items():
                t = time.perf_counter()
                response = client.get(reverse(name))
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (name, pk, response.status_code)
    for name, times in pages.items():
        q = statistics.quantiles(times, n=100)
        _django.emit(
            label=f"GET {name} as a resident, through the test client, {len(times)} random residents (budget p95 ≤ 50 ms)",
            p50_ms=round(statistics.median(times), 1),
            p95_ms=round(q[94], 1),
            max_ms=round(max(times), 1),
            **common,
        )


if __name__ == "__main__":
    main()
