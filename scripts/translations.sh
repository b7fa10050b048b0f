#!/usr/bin/env bash
# Refresh the English catalogue: collect new strings into jiceng/locale/en/LC_MESSAGES/django.po,
# then compile django.mo (committed too, since CI machines may lack gettext).
# New entries come out untranslated (or "#, fuzzy" guesses): translate them, remove the
# fuzzy flag, and run this script again so the .mo picks them up.
# Needs GNU gettext (msgmerge, xgettext, msgfmt): apt-get install gettext
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
mkdir -p jiceng/locale
DEBUG=True "$PY" manage.py makemessages -l en \
  --ignore=.venv --ignore=var --ignore=bench --ignore="*/tests/*" --no-obsolete
DEBUG=True "$PY" manage.py compilemessages --ignore=.venv
po=jiceng/locale/en/LC_MESSAGES/django.po
msgfmt -c --statistics -o /dev/null "$po"
