"""Every number the chapters state is traceable (issue 11, item 4).

`book/data/NUMBERS.md` lists every number stated in the teaching chapters with the citation keys
that follow it. The table is generated from the chapters by this file, so it cannot drift from
them unnoticed:

    .venv/bin/python tests/test_numbers.py --write     # rewrite the table after editing a chapter

The tests check that the table in NUMBERS.md is exactly what the chapters give today, that every
number stated in a chapter carries a bibliography key, that every key and every key named in the
levels section exists in book/references.bib, and that no file of the repository names a path on
a machine outside it.

How numbers are found. A chapter's prose (front matter, code cells, maths, comments, directive
options, link targets and headings left out) is cut into units: a paragraph, a list item, a
definition or a table row. Within a unit, the numbers written before a citation role belong to
that citation; in a table row, to the citations of the row or of the note under the table; in a
list item without a citation, to the list's next citation or to the citation of the sentence that
introduces the list. Not counted as numbers: parts of names and codes
(5-FU, Y-90, FFCD-1201, mFOLFOX6, QLQ-C30, Tc-99m), years (1900-2099), trial and document numbers
written after a name (CALGB 9481, IPG672), toxicity grades (grade 3), trial phases (phase 3) and
the numbers of numbered list items.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import myst_prose

from quizzes.parsing.bib import load_keys

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = ROOT / "book" / "data" / "NUMBERS.md"
BIB = ROOT / "book" / "references.bib"
CHAPTER_DIR = ROOT / "book" / "chapters"
# The teaching chapters, in reading order. Quiz pages state case details, not sourced facts.
CHAPTERS = ("dual-blood-supply", "haip", "debiri", "tare", "which-modality", "evidence")

BEGIN = "<!-- BEGIN GENERATED TABLE: python tests/test_numbers.py --write -->"
END = "<!-- END GENERATED TABLE -->"
HEADER = "| Chapter | Number | Where it appears | Source key(s) |\n|---|---|---|---|"

ITEM = "\x01"  # marks a list item's unit
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
NUMBER = re.compile(r"(?<![\w.\-/])(?:(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?|(\.\d+))(?![\w\-]|\.\d)")
NAME_BEFORE = re.compile(
    r"(?:CALGB|IPG|LBA|NCT|NICE|ESMO|ASCO|grade|grades|Grade|Grades|phase|Phase|type|Type"
    r"|version|Version|chapter|Chapter|step|Step|item|Item|issue|Issue)\s*$"
)
# Directives whose body is read; any other directive body is left out. The teaching chapters use
# no glossary or epigraph, and units() reads a table by its pipe rows (a list-table's rows would
# come out as list items), so this check reads fewer than the copied-wording check.
PROSE_DIRECTIVES = myst_prose.PROSE_DIRECTIVES


def units(markdown: str) -> list[str]:
    """The prose units (paragraph, list item, table row) of a MyST chapter, as raw Markdown."""
    out: list[str] = []
    current: list[str] = []
    term_joined = False

    def flush():
        if current:
            out.append(" ".join(current))
            current.clear()

    for _, line in myst_prose.prose_lines(markdown, PROSE_DIRECTIVES):
        if line is None:  # a directive or display maths opens or closes
            flush()
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith(("%", "#", "<!--")) or re.fullmatch(r"[|:\- ]+", stripped):
            flush()
            term_joined = False
            continue
        if stripped.startswith("|"):
            flush()
            out.append(stripped)
            continue
        item = re.match(r"^\s*([-*+:]|\d+\.)\s+", line)  # list item or definition
        if item:
            if item.group(1) == ":" and len(current) == 1 and not term_joined:
                term_joined = True  # a term belongs to its first definition
            else:
                flush()
            current.append((ITEM if item.group(1) != ":" else "") + line[item.end() :].strip())
            continue
        current.append(stripped)
    flush()
    return out


def plain(markdown: str) -> str:
    """Readable text of a stretch of Markdown, without roles' markup, links' targets or maths."""
    text = re.sub(r"\{(?:term|abbr|sub|sup)\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", markdown)
    text = re.sub(r"\{doc\}`([^`<]*?)\s*<[^>]*>`", r"\1", text)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\$[^$]+\$", "", text)
    text = re.sub(r"<!--.*?-->|<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace(ITEM, "").replace("**", "").replace("*", "").replace("|", " / ")
    return re.sub(r"\s+", " ", text).strip(" /")


def numbers_in(text: str) -> list[tuple[str, int]]:
    """(number as written, position) for every number counted in a plain-text stretch."""
    found = []
    for m in NUMBER.finditer(text):
        if m.group(3):  # a decimal written without its 0 (P = .012)
            found.append((m.group(3), m.start()))
            continue
        whole = m.group(1) + (m.group(2) or "")
        digits = m.group(1).replace(",", "")
        if not m.group(2) and "," not in m.group(1) and len(digits) == 4 and 1900 <= int(digits) <= 2099:
            continue  # a year
        if NAME_BEFORE.search(text[: m.start()]):
            continue  # a trial number, grade, phase or type
        if whole == "95" and re.match(r"%\s*(?:CI|confidence)", text[m.end() :]):
            continue  # the level of a confidence interval
        found.append((whole, m.start()))
    return found


def context(text: str, pos: int, width: int = 44) -> str:
    left, right = max(0, pos - width), min(len(text), pos + width)
    snippet = text[left:right].strip()
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def chapter_rows(name: str) -> list[tuple[str, str, str, str]]:
    """(chapter, number, where it appears, keys) for every number stated in one chapter;
    keys is "" for a number that no citation follows."""
    rows = []
    all_units = units((CHAPTER_DIR / f"{name}.md").read_text(encoding="utf-8"))
    for index, unit in enumerate(all_units):
        pieces = CITE.split(unit)  # text, keys, text, keys, ..., text
        if unit.startswith("|"):
            # a table row: its numbers belong to the row's citations or, when the row has none,
            # to those of the note under the table (the first unit after it that is not a row)
            cited = pieces[1::2]
            if not cited:
                note = next((u for u in all_units[index + 1 :] if not u.startswith("|")), "")
                cited = CITE.findall(note)
            keys = ", ".join(dict.fromkeys(k.strip() for ks in cited for k in ks.split(",")))
            text = plain("".join(pieces[0::2]))
            rows += [(name, n, context(text, p), keys) for n, p in numbers_in(text)]
            continue
        for i in range(0, len(pieces), 2):
            keys = ", ".join(k.strip() for k in pieces[i + 1].split(",")) if i + 1 < len(pieces) else ""
            if not keys and unit.startswith(ITEM):
                # a list item with no citation after its numbers: the list's next citation covers
                # it (a list cited once, at its last item)
                for later in all_units[index + 1 :]:
                    if not later.startswith(ITEM):
                        break
                    found = CITE.findall(later)
                    if found:
                        keys = ", ".join(k.strip() for k in found[0].split(","))
                        break
                if not keys:
                    # ... or the lead-in sentence that introduces the list with a citation and a colon
                    first = index
                    while first > 0 and all_units[first - 1].startswith(ITEM):
                        first -= 1
                    lead = all_units[first - 1].rstrip() if first > 0 else ""
                    found = CITE.findall(lead)
                    if found and lead.endswith(":"):
                        keys = ", ".join(k.strip() for k in found[-1].split(","))
            text = plain(pieces[i])
            rows += [(name, n, context(text, p), keys) for n, p in numbers_in(text)]
    return rows


def all_rows() -> list[tuple[str, str, str, str]]:
    return [row for name in CHAPTERS for row in chapter_rows(name)]


def generated_table() -> str:
    lines = [HEADER]
    for chapter, number, where, keys in all_rows():
        lines.append(f"| {chapter} | {number} | {where} | {keys or 'none'} |")
    return "\n".join(lines)


def table_in_file(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise AssertionError(f"{NUMBERS.relative_to(ROOT)} has no generated table between {BEGIN!r} and {END!r}")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def write() -> None:
    text = NUMBERS.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    NUMBERS.write_text(f"{head}{BEGIN}\n{generated_table()}\n{END}{tail}", encoding="utf-8")


def bib_keys() -> set[str]:
    return load_keys(BIB)[0]


def levels_section_keys() -> set[str]:
    text = NUMBERS.read_text(encoding="utf-8")
    section = text.split("## Levels by key", 1)[1].split("\n## ", 1)[0] if "## Levels by key" in text else ""
    return set(re.findall(r"`([A-Za-z][\w-]*)`", section))


# ---------------------------------------------------------------------------------------- tests


def test_numbers_md_is_the_table_the_chapters_give():
    want = generated_table()
    got = table_in_file(NUMBERS.read_text(encoding="utf-8"))
    if got != want:
        got_rows, want_rows = set(got.splitlines()), set(want.splitlines())
        missing = sorted(want_rows - got_rows)[:10]
        extra = sorted(got_rows - want_rows)[:10]
        raise AssertionError(
            "book/data/NUMBERS.md is out of date with the chapters; run "
            "`.venv/bin/python tests/test_numbers.py --write`.\n"
            f"Rows the chapters give but the file lacks (first 10): {missing}\n"
            f"Rows in the file that no chapter gives (first 10): {extra}"
        )


def test_every_number_in_a_chapter_carries_a_citation():
    uncited = [f"{c}: {n} in '{w}'" for c, n, w, k in all_rows() if not k]
    assert not uncited, "numbers without a bibliography key:\n" + "\n".join(uncited)


def test_every_key_is_in_the_bibliography():
    keys = bib_keys()
    cited = {k.strip() for _, _, _, ks in all_rows() for k in ks.split(",") if k.strip()}
    assert cited - keys == set(), f"cited keys missing from references.bib: {sorted(cited - keys)}"
    named = levels_section_keys()
    assert named, "NUMBERS.md has no '## Levels by key' section naming keys"
    assert named - keys == set(), f"keys in the levels section missing from references.bib: {sorted(named - keys)}"


def test_the_parser_counts_what_it_should():
    text = (
        "In CALGB 9481 (Kemeny 2006), 135 patients on 5-FU had grade 3 toxicity in 2% vs 45% "
        "(P = .012) and 1,103 at Y-90 phase 3; HR 0.69."
    )
    assert [n for n, _ in numbers_in(text)] == ["135", "2", "45", ".012", "1,103", "0.69"]
    unit = "Survival was 24.4 vs 20 months {cite:p}`kemeny2006`, and 9.8 months {cite:p}`a,b`."
    pieces = CITE.split(unit)
    assert [[n for n, _ in numbers_in(plain(p))] for p in pieces[0::2]] == [["24.4", "20"], ["9.8"], []]
    assert pieces[1::2] == ["kemeny2006", "a,b"]


def test_lists_definitions_and_tables_take_their_citations(tmp_path, monkeypatch):
    chapter = """# Title 2024

Selection needs {cite:p}`intera`:

- ECOG 0-1 and fitness for surgery;
- bilirubin below 1.5 mg/dL.

Shunt above 20%
: **TARE.** Not given above 20% {cite:p}`vanroekel2020`.

| Study | HR (95% CI) |
|---|---|
| EPOCH | 0.69 (0.54 to 0.88) |

Source: {cite:p}`mulcahy2021`.

```{code-cell} ipython3
x = 42
```

$$
R = 1 + 2
$$
"""
    (tmp_path / "demo.md").write_text(chapter, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "CHAPTER_DIR", tmp_path)
    got = [(n, k) for _, n, _, k in chapter_rows("demo")]
    assert got == [
        ("1.5", "intera"),
        ("20", "vanroekel2020"),
        ("20", "vanroekel2020"),
        ("0.69", "mulcahy2021"),
        ("0.54", "mulcahy2021"),
        ("0.88", "mulcahy2021"),
    ]


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        return [ROOT / p for p in listed if (ROOT / p).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "_build", "node_modules"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


MACHINE_PATH = re.compile(r"(?<![\w.~])/(?:work|tmp|root|home|Users|mnt)/[\w.+-]")


def test_no_file_names_a_path_outside_the_repository():
    offenders = []
    for path in repository_files():
        if path.suffix in {".png", ".jpg", ".ico", ".woff", ".woff2", ".zip", ".gz"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line) and path.name != Path(__file__).name:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "files naming a machine path outside the repository:\n" + "\n".join(offenders)


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
        print(f"wrote {len(all_rows())} rows to {NUMBERS.relative_to(ROOT)}")
    else:
        print(generated_table())
        print(f"{sum(1 for r in all_rows() if not r[3])} numbers without a citation", file=sys.stderr)
    sys.exit(0)
