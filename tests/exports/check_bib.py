#!/usr/bin/env python3
"""Parses every references.bib under the folders given with pybtex (strict) and
compares each entry with the references.json beside it.

Run by tests/exports.rs (`cargo test --test exports`); by hand:
    python3 tests/exports/check_bib.py public/

Checks, for every entry:
- pybtex parses the file without an error or warning (an unbalanced brace
  drops or merges entries), and the keys are ASCII and unique;
- the title, decoded from brief's escapes, equals the CSL-JSON title;
- the authors are the CSL-JSON authors: `family, given` persons as pybtex
  splits them, other names kept whole;
- `organization` is one organisation, as biber would split its list at a
  top-level " and ", equal to the publisher;
- `langid`, when present, is a babel language name.
"""

import json
import pathlib
import re
import sys

import pybtex.errors
from pybtex.database import parse_string

BABEL = {
    "english", "american", "british", "australian", "canadian", "newzealand",
    "japanese", "korean", "chinese-simplified", "chinese-traditional",
    "french", "ngerman", "spanish", "italian", "brazilian", "portuguese",
    "dutch", "russian", "ukrainian", "polish", "vietnamese", "thai",
    "indonesian", "arabic", "hebrew", "hindi",
}

ESCAPES = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
}


def decode(s):
    """The text of a field value: brief's escapes undone, grouping braces removed."""
    out = []
    i = 0
    while i < len(s):
        m = re.compile(r"\\([a-z]+)\{\}").match(s, i)
        if m and m.group(1) in ESCAPES:
            out.append(ESCAPES[m.group(1)])
            i = m.end()
        elif s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "%&#_$":
            out.append(s[i + 1])
            i += 2
        elif s[i] in "{}":
            i += 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def split_list(s):
    """Splits a BibLaTeX list at " and " outside braces, as biber does."""
    items, depth, start, i = [], 0, 0, 0
    while i < len(s):
        c = s[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and s[i:i + 5].lower() == " and ":
            items.append(s[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    items.append(s[start:])
    return [x.strip() for x in items]


def check_file(bib_path, failures):
    text = bib_path.read_text(encoding="utf-8")
    json_path = bib_path.with_name("references.json")
    items = json.loads(json_path.read_text(encoding="utf-8"))
    try:
        db = parse_string(text, "bibtex")
    except Exception as e:  # strict mode: any parse problem is an exception
        failures.append(f"{bib_path}: pybtex: {e}")
        return 0
    keys = list(db.entries.keys())
    if len(keys) != text.count("\n@") + text.startswith("@"):
        failures.append(f"{bib_path}: pybtex read {len(keys)} entries of {text.count('@')}")
    if [i["id"] for i in items] != keys:
        failures.append(f"{bib_path}: keys {keys} differ from the CSL-JSON ids")
    for k in keys:
        if not k.isascii():
            failures.append(f"{bib_path}: key {k!r} is not ASCII")
    for item in items:
        key = item["id"]
        entry = db.entries.get(key)
        if entry is None:
            failures.append(f"{bib_path}: no entry {key}")
            continue
        where = f"{bib_path}: {key}"
        # pybtex, like BibTeX, reads any run of white space as one space
        # (pybtex also U+3000, the ideographic space).
        title = decode(entry.fields.get("title", ""))
        if title != " ".join(item["title"].split()):
            failures.append(f"{where}: title {title!r} != {item['title']!r}")
        names = item.get("author", [])
        persons = entry.persons.get("author", [])
        if len(persons) != len(names):
            failures.append(f"{where}: {len(persons)} authors in .bib, {len(names)} in .json")
        for p, n in zip(persons, names):
            if "literal" in n:
                got = decode(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                if got != n["literal"] or len(p.last_names) != 1 or p.first_names:
                    failures.append(f"{where}: author {p} is not the whole name {n['literal']!r}")
            else:
                family = decode(" ".join(p.prelast_names + p.last_names))
                given = decode(" ".join(p.first_names + p.middle_names))
                if (family, given) != (n["family"], n["given"]):
                    failures.append(f"{where}: author {(family, given)} != {(n['family'], n['given'])}")
        org = entry.fields.get("organization")
        if org is not None:
            orgs = split_list(org)
            if len(orgs) != 1:
                failures.append(f"{where}: organization splits into {orgs}")
            publisher = item.get("publisher")
            if publisher is not None and decode(org) != publisher:
                failures.append(f"{where}: organization {decode(org)!r} != {publisher!r}")
        langid = entry.fields.get("langid")
        if langid is not None and langid not in BABEL:
            failures.append(f"{where}: langid {langid!r} is not a babel language name")
    return len(keys)


def main(folders):
    pybtex.errors.set_strict_mode(True)
    failures, files, entries = [], 0, 0
    for folder in folders:
        for bib in sorted(pathlib.Path(folder).rglob("references.bib")):
            files += 1
            entries += check_file(bib, failures)
    if files == 0:
        failures.append(f"no references.bib under {folders}")
    for f in failures:
        print(f)
    print(f"pybtex: {files} files, {entries} entries, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
