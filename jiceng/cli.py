"""`jiceng`: manage.py under the product's own name, for operators.

Hyphenated command names are accepted (`jiceng import-divisions`) and map to the
Django command of the same name with underscores.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "help" and len(argv) > 2:
            argv[2] = argv[2].replace("-", "_")
    argv[0] = "jiceng"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
