"""The English catalogue is complete: every string has a translation, none is a fuzzy guess,
each keeps its placeholders, and the compiled .mo says what the .po says.

A new string shows up here as soon as scripts/translations.sh collects it, so it cannot land
untranslated. The parser is a small one (the project does not depend on polib).
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

# %(name)s, %s, %d, %.4f, %02d … and {name}; a doubled %% is no placeholder.
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifrxXeEgGc])|%%")
BRACE = re.compile(r"\{(\w*)\}")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def po_entries(path: Path = PO) -> list[Entry]:
    """The entries of a .po file, header included (its msgid is empty); obsolete ones left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    seen_keyword = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target, seen_keyword = None, None, False
            continue
        if line.startswith("#~"):
            continue
        if entry is None or (line.startswith("#") and seen_keyword):
            entry = Entry(line=number)
            entries.append(entry)
            seen_keyword = False
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        elif keyword == "msgctxt":
            target = ("ctxt", 0)
        elif keyword == "msgid":
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            target = ("plural", 0)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            target = ("msgstr", int(m.group(1)))
        else:
            raise AssertionError(f"django.po line {number}: cannot read {raw!r}")
        seen_keyword = True
        text = _unquote(rest)
        kind, index = target
        if kind == "ctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif kind == "msgid":
            entry.msgid += text
        elif kind == "plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        elif kind == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
    return entries


def _messages() -> list[Entry]:
    return [e for e in po_entries() if e.msgid]


def _where(e: Entry) -> str:
    return f"line {e.line}: {e.msgid[:60]!r}"


def _placeholders(text: str, e: Entry) -> list[str]:
    found = []
    if "python-format" in e.flags or "python-brace-format" not in e.flags:
        found += sorted(
            f"%({m.group(1)}){m.group(2)}" if m.group(1) else f"%{m.group(2)}"
            for m in PERCENT.finditer(text)
            if m.group(0) != "%%" and ("python-format" in e.flags or m.group(1))
        )
    found += sorted("{" + name + "}" for name in BRACE.findall(text))
    return found


def test_the_parser_reads_what_msgfmt_reads(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\n#| msgid "旧"\n'
        'msgid "共 %(n)s 条"\nmsgstr ""\n"%(n)s "\n"records"\n\n'
        'msgid "一"\nmsgid_plural "多"\nmsgstr[0] "one"\nmsgstr[1] ""\n\n'
        'msgctxt "tile icon"\nmsgid "记"\nmsgstr "D"\n\n'
        '#~ msgid "废"\n#~ msgstr "gone"\n',
        encoding="utf-8",
    )
    header, fuzzy, plural, context = po_entries(po)
    assert header.msgid == "" and header.msgstr[0] == "Language: en\n"
    assert fuzzy.msgid == "共 %(n)s 条" and fuzzy.msgstr == {0: "%(n)s records"}
    assert {"fuzzy", "python-format"} <= fuzzy.flags
    assert plural.msgid_plural == "多" and plural.msgstr == {0: "one", 1: ""}
    assert (context.msgctxt, context.msgid, context.msgstr) == ("tile icon", "记", {0: "D"})


def test_the_catalogue_has_the_strings_of_every_app():
    ids = {e.msgid for e in _messages()}
    assert len(ids) > 2000
    for word in ("道德银行", "社区工作者工资表", "经费保障", "四级联动任务", "跳到正文"):
        assert word in ids, f"{word} is missing: run scripts/translations.sh"


def test_every_string_has_an_english_translation():
    bad = [_where(e) for e in _messages() if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert not bad, (
        "untranslated in django.po (translate them, then run scripts/translations.sh):\n" + "\n".join(bad)
    )


def test_no_translation_is_a_fuzzy_guess():
    bad = [_where(e) for e in _messages() if "fuzzy" in e.flags]
    assert not bad, (
        "fuzzy in django.po (check the English, remove the flag, run scripts/translations.sh):\n"
        + "\n".join(bad)
    )


def test_plural_strings_have_both_english_forms():
    bad = [_where(e) for e in _messages() if e.msgid_plural and sorted(e.msgstr) != [0, 1]]
    assert not bad, "plural entries need msgstr[0] and msgstr[1]:\n" + "\n".join(bad)


def test_translations_keep_their_placeholders():
    bad = []
    for e in _messages():
        want = _placeholders(e.msgid_plural or e.msgid, e)
        for index, text in e.msgstr.items():
            got = _placeholders(text, e)
            # The singular English form may leave out a plural's count ("one record").
            if got != want and not (e.msgid_plural and index == 0 and set(got) <= set(want)):
                bad.append(f"{_where(e)} wants {want}, has {got}")
    assert not bad, "placeholders differ:\n" + "\n".join(bad)


def test_translations_keep_their_html_tags():
    tag = re.compile(r"</?(a|abbr|b|br|code|em|i|kbd|li|p|small|span|strong|ul)\b[^<>]*>")
    bad = []
    for e in _messages():
        want = sorted(tag.findall(e.msgid))
        for text in e.msgstr.values():
            if sorted(tag.findall(text)) != want:
                bad.append(_where(e))
    assert not bad, "HTML tags differ:\n" + "\n".join(bad)


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    stale = []
    for e in _messages():
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural:
            for index, text in e.msgstr.items():
                if catalog.get((key, index)) != text:
                    stale.append(_where(e))
        elif catalog.get(key) != e.msgstr.get(0):
            stale.append(_where(e))
    assert not stale, "django.mo is older than django.po: run scripts/translations.sh\n" + "\n".join(
        stale[:20]
    )


@pytest.mark.parametrize(
    ("source", "english"),
    [("跳到正文", "Skip to content"), ("社区工作者工资表", "Community worker pay sheets")],
)
def test_django_serves_the_english(source, english):
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext(source) == english


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# 500.html is rendered without a request or the i18n machinery, so it carries both languages itself.
BILINGUAL_BY_HAND = {"500.html"}
MARKED = re.compile(
    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}"
    r"|{%\s*translate\s.*?%}"
    r"|{#.*?#}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|\b_\(\s*(?:\"[^\"]*\"|'[^']*')\s*\)",
    re.S,
)
CHINESE = re.compile(r"[\u3400-\u9fff]+")


def test_templates_have_no_chinese_outside_translate_tags():
    bad = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).as_posix() in BILINGUAL_BY_HAND:
            continue
        rest = MARKED.sub("", path.read_text(encoding="utf-8"))
        bad += [f"{path.relative_to(TEMPLATES)}: {m.group()}" for m in CHINESE.finditer(rest)]
    assert not bad, "wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(bad)
