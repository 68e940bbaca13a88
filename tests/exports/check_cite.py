#!/usr/bin/env python3
"""Reads the "cite this briefing" downloads decoded by tests/exports.rs:
every cite.bib with pybtex (strict) and every cite.ris with rispy, and
compares each with cite.expect.json beside it (the page's Highwire
citation_title and citation_author tags).

Checks, for every briefing:
- pybtex parses cite.bib without an error or warning into one @report entry
  whose title (brief's escapes undone) is the page's title, whose authors are
  the page's authors (persons as pybtex splits "Family, Given", other names
  kept whole), with an institution and a date;
- rispy parses cite.ris into one RPRT record with the same title, the same
  authors in the same order, a publication year, a URL and a language.
"""

import json
import pathlib
import sys

import pybtex.errors
import rispy
from pybtex.database import parse_string

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from check_bib import decode  # noqa: E402


def person_name(p):
    """A pybtex person as `Family, Given`, or the one name kept whole."""
    last = " ".join(p.prelast_names + p.last_names)
    first = " ".join(p.first_names + p.middle_names)
    return decode(f"{last}, {first}" if first else last)


def main(dirs):
    pybtex.errors.set_strict_mode(True)
    checked = 0
    for d in dirs:
        for expect_file in sorted(pathlib.Path(d).rglob("cite.expect.json")):
            folder = expect_file.parent
            expect = json.loads(expect_file.read_text(encoding="utf-8"))
            bib = parse_string((folder / "cite.bib").read_text(encoding="utf-8"), "bibtex")
            assert len(bib.entries) == 1, f"{folder}: {len(bib.entries)} entries"
            (key, entry), = bib.entries.items()
            assert key.isascii(), key
            assert entry.type == "report", f"{folder}: {entry.type}"
            assert decode(entry.fields["title"]) == expect["title"], (folder, entry.fields["title"])
            names = [person_name(p) for p in entry.persons.get("author", [])]
            assert names == expect["authors"], (folder, names, expect["authors"])
            assert entry.fields.get("institution"), folder
            assert entry.fields.get("date"), folder
            records = rispy.loads((folder / "cite.ris").read_text(encoding="utf-8"))
            assert len(records) == 1, f"{folder}: {len(records)} RIS records"
            r = records[0]
            assert r["type_of_reference"] == "RPRT", r
            assert r["title"] == expect["title"], (r["title"], expect["title"])
            assert r.get("authors", []) == expect["authors"], (r.get("authors"), expect["authors"])
            assert r.get("year") and r.get("urls") and r.get("language"), r
            checked += 1
    assert checked > 0, "no cite.expect.json found"
    print(f"check_cite: {checked} briefings' BibLaTeX and RIS read by pybtex and rispy")


if __name__ == "__main__":
    main(sys.argv[1:])
