"""The chapters are written in our own words (issue 18, item 4).

No run of more than 8 consecutive words of chapter prose may repeat a source text word for word,
unless the chapter puts it inside quotation marks. The source texts are the ones the repository can
read beside it, in ../shared/source/ (at least the review's abstract): a missing abstract skips this
test on a laptop and fails it in CI (CI=true), so the check never silently stops running.

Prose means what a reader reads: front matter, code cells, non-prose directives (bibliography,
toctree...), directive options, MyST comments, inline code, maths, citation roles and link targets
are left out, and so is anything inside quotation marks or in a block quote. Every part left out
breaks a run, so a run never joins words from either side of a quotation or a citation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import myst_prose
import pytest
import source_texts

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = source_texts.SOURCE_DIR
REVIEW_ABSTRACT = source_texts.REVIEW_ABSTRACT
CHAPTERS = sorted((ROOT / "book").rglob("*.md"))
LONGEST_ALLOWED = 8  # words; a run of 9 or more is copied wording

# Directives whose body is prose the reader sees; any other directive body is left out. This check
# reads every page of the book, the glossary page too, so it reads three more than the numbers check.
PROSE_DIRECTIVES = myst_prose.PROSE_DIRECTIVES | {"epigraph", "glossary", "list-table"}
# Roles whose content is shown as running text ({term}`biliary sclerosis`); other roles
# ({cite:p}`key`, {ref}`label`...) show a citation or a link, not our prose.
PROSE_ROLES = {"term", "abbr", "sub", "sup", "doc", "guilabel"}

ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’]*’(?![a-z])")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
BREAK = "\x00"  # stands for anything left out; no run crosses it


def sources_text() -> dict[str, str]:
    source_texts.require(REVIEW_ABSTRACT, "source texts")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SOURCE_DIR.glob("*.txt"))}


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return WORD.findall(text)


def inline_prose(line: str) -> str:
    """The running text of one Markdown line, with BREAK where something was left out."""

    def role(m):  # {term}`text` keeps its text ({doc}`text <target>` drops the target)
        return re.sub(r"\s*<[^>]*>\s*$", "", m.group(2)) if m.group(1) in PROSE_ROLES else BREAK

    line = re.sub(r"`[^`]*`", BREAK, ROLE.sub(role, line))  # roles, then inline code
    line = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", BREAK, line)  # maths
    line = re.sub(r"<!--.*?-->|<[^>]+>", BREAK, line)  # HTML
    line = re.sub(r"!\[[^\]]*\]\([^)]*\)", BREAK, line)  # images
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links keep their text
    line = QUOTED.sub(BREAK, line)
    return line.replace("|", BREAK)  # table cells


def prose_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, running text) for every line of prose in a MyST Markdown chapter."""
    out: list[tuple[int, str]] = []
    for number, line in myst_prose.prose_lines(markdown, PROSE_DIRECTIVES):
        if line is None:  # a directive or display maths opens or closes
            out.append((number, BREAK))
            continue
        stripped = line.strip()
        if stripped.startswith("%") or stripped.startswith(">") or re.fullmatch(r"[|:\- ]+", stripped):
            out.append((number, BREAK))  # comment, quote, table rule
            continue
        item = re.match(r"^\s*(#+|[-*+]|\d+\.)\s+", line)  # heading or list item
        if item:
            out.append((number, BREAK))
        out.append((number, inline_prose(line[item.end() :] if item else line)))
    return out


def cited_titles() -> list[list[str]]:
    """The words of every title in references.bib: naming a cited work is not copying it."""
    from pybtex.database import parse_file

    data = parse_file(str(ROOT / "book" / "references.bib"), bib_format="bibtex")
    return [words(re.sub(r"[{}]", "", e.fields.get("title", ""))) for e in data.entries.values()]


def within_a_title(run: list[str], titles: list[list[str]]) -> bool:
    joined = f" {' '.join(run)} "
    return any(joined in f" {' '.join(title)} " for title in titles)


def copied_runs(
    markdown: str, source: str, longest: int = LONGEST_ALLOWED, titles: Sequence[list[str]] = ()
) -> list[tuple[int, str]]:
    """(line, words) of every maximal run of more than `longest` words that the source repeats,
    except runs that only name the title of a cited work."""
    n = longest + 1
    src = words(source)
    grams = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    tokens: list[tuple[str, int]] = []  # (word, line); "" marks a break
    for number, text in prose_lines(markdown):
        for piece_index, piece in enumerate(text.split(BREAK)):
            if piece_index:
                tokens.append(("", number))
            tokens += [(w, number) for w in words(piece)]
        # a paragraph ends at a blank line; a run may continue onto the next line of one paragraph
        if not text.strip():
            tokens.append(("", number))
    runs, i = [], 0
    while i <= len(tokens) - n:
        window = tuple(w for w, _ in tokens[i : i + n])
        if "" in window or window not in grams:
            i += 1
            continue
        j = i + n
        while j < len(tokens) and tokens[j][0] and tuple(w for w, _ in tokens[j - n + 1 : j + 1]) in grams:
            j += 1
        run = [w for w, _ in tokens[i:j]]
        if not within_a_title(run, list(titles)):
            runs.append((tokens[i][1], " ".join(run)))
        i = j
    return runs


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[str(p.relative_to(ROOT)) for p in CHAPTERS])
def test_chapter_prose_does_not_copy_the_sources(chapter):
    text, titles = chapter.read_text(encoding="utf-8"), cited_titles()
    found = [
        f"{chapter.relative_to(ROOT)}:{line}: {len(run.split())} words shared with {name}: “{run}”"
        for name, source in sources_text().items()
        for line, run in copied_runs(text, source, titles=titles)
    ]
    assert found == [], "\n".join(found)


# ---------------------------------------------------------------- the check itself

SOURCE = (
    "Hepatic arterial infusion pump chemotherapy has a potential survival benefit when used "
    "in the adjuvant setting after resection of colorectal liver metastases."
)


def test_a_nine_word_run_is_found_and_an_eight_word_run_is_not():
    nine = "In our reading, chemotherapy has a potential survival benefit when used in the clinic.\n"
    eight = "Here chemotherapy has a potential survival benefit when used, we think.\n"
    assert copied_runs(nine, SOURCE) == [(1, "chemotherapy has a potential survival benefit when used in the")]
    assert copied_runs(eight, SOURCE) == []


def test_a_run_is_followed_across_lines_of_one_paragraph_but_not_across_paragraphs():
    across = "Pump chemotherapy has a potential survival\nbenefit when used in the adjuvant setting.\n"
    split = "Pump chemotherapy has a potential survival\n\nbenefit when used in the adjuvant setting.\n"
    assert [line for line, _ in copied_runs(across, SOURCE)] == [1]
    assert copied_runs(split, SOURCE) == []


def test_quotations_code_front_matter_and_citations_are_left_out():
    text = "\n".join(
        [
            "---",
            "note: chemotherapy has a potential survival benefit when used in the adjuvant setting",
            "---",
            "The review says HAIP “has a potential survival benefit when used in the adjuvant setting”.",
            'It also says "has a potential survival benefit when used in the adjuvant setting".',
            "> has a potential survival benefit when used in the adjuvant setting",
            "```{code-cell} ipython3",
            "# has a potential survival benefit when used in the adjuvant setting",
            "```",
            "```{admonition} Key points",
            ":class: has a potential survival benefit when used in the adjuvant setting",
            "Pump chemotherapy has a potential {cite:p}`x` survival benefit when used in the adjuvant.",
            "```",
            "% has a potential survival benefit when used in the adjuvant setting",
            "$$",
            "has a potential survival benefit when used in the adjuvant setting",
            "$$",
        ]
    )
    assert copied_runs(text, SOURCE) == []


def test_prose_directives_and_glossary_terms_are_checked():
    text = "\n".join(
        [
            "```{note}",
            "Pump {term}`chemotherapy` has a potential survival benefit when used in the adjuvant setting.",
            "```",
        ]
    )
    assert copied_runs(text, SOURCE) == [
        (2, "pump chemotherapy has a potential survival benefit when used in the adjuvant setting")
    ]


def test_naming_a_cited_title_is_not_copying():
    text = (
        "Raphael and Karanicolas, *Regional therapy for colorectal cancer liver metastases: which "
        "modality and when?*, is the course's spine.\n"
    )
    source = "Regional Therapy for Colorectal Cancer Liver Metastases: Which Modality and When? For patients"
    title = words("Regional Therapy for Colorectal Cancer Liver Metastases: Which Modality and When?")
    assert copied_runs(text, source, titles=[title]) == []
    assert len(copied_runs(text, source)) == 1


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_sources_fail_in_ci_and_skip_elsewhere(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setitem(globals(), "REVIEW_ABSTRACT", tmp_path / "absent.txt")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="source texts not found"):
        sources_text()
