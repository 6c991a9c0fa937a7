"""Fill English msgstr of a catalogue from a JSON table {msgid: msgstr} (a translator's
helper; the .po files are the source of the English catalogue):

    .venv/bin/python scripts/po_fill.py planning/locale/en/LC_MESSAGES/django.po table.json
    .venv/bin/python scripts/po_fill.py --missing planning/locale/en/LC_MESSAGES/django.po
"""

import json
import sys

import polib


def main(argv: list[str]) -> int:
    if argv[0] == "--missing":
        for path in argv[1:]:
            for entry in polib.pofile(path).untranslated_entries():
                print(json.dumps(entry.msgid, ensure_ascii=False))
        return 0
    path, table_path = argv
    table = json.loads(open(table_path, encoding="utf-8").read())
    po = polib.pofile(path)
    filled = 0
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save(path)
    print(f"{path}: {filled} filled, {len(po.untranslated_entries())} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
