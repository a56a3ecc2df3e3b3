"""Moodle XML and QTI 1.2 exports, parsed back and compared with the banks."""

import dataclasses
import io
import os
import re
import stat
import xml.etree.ElementTree as ET
import zipfile
from html import escape, unescape
from pathlib import Path

import pytest
from browser_support import SITE
from quizzes_cli import run_quizzes

from quizzes import list_quizzes, load_bank
from quizzes.exports.common import BANK_NAME, export_options, percent
from quizzes.exports.moodle import moodle_xml
from quizzes.exports.publish import export_all
from quizzes.exports.qti import (
    CANVAS_NS,
    CANVAS_RESERVED,
    QTI_NS,
    canvas_multiple_answer_score,
    canvas_score_differences,
    qti_zip,
)
from quizzes.pages.cite import record_label
from quizzes.pages.render import markdown_html
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.registry import load_registry
from quizzes.rules.scoring import score_question

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = load_registry()
QUIZZES = [load_bank(q) for q in list_quizzes()]
# Moodle's grade list in percent, as written by its own exporter (question/engine/bank.php).
MOODLE_PERCENTS = {
    "100",
    "90",
    "83.33333",
    "80",
    "75",
    "70",
    "66.66667",
    "60",
    "50",
    "40",
    "33.33333",
    "30",
    "25",
    "20",
    "16.66667",
    "14.28571",
    "12.5",
    "11.11111",
    "10",
    "5",
    "0",
}
MOODLE_PERCENTS |= {"-" + p for p in MOODLE_PERCENTS if p != "0"}
NS = {"q": QTI_NS}


def text_of(node, path):
    found = node.find(path)
    assert found is not None, path
    return found.text or ""


def check_moodle(data: bytes, quizzes):
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    questions = list(root)
    for quiz in quizzes:
        cat = questions.pop(0)
        assert cat.get("type") == "category"
        # Names are entity-escaped: Moodle strip_tags() them, then shows "&lt;" as "<".
        assert text_of(cat, "category/text").endswith(escape(quiz.title, quote=False).replace("/", "//"))
        number = 0
        for case in quiz.cases:
            for q in case.questions:
                node = questions.pop(0)
                number += 1
                assert node.get("type") == "multichoice"
                name = text_of(node, "name/text")
                assert "<" not in name and unescape(name) == f"{number:02d}. {case.title}: {q.id}"
                assert text_of(node, "idnumber") == f"{quiz.id}/{q.id}"
                assert text_of(node, "single") == ("true" if q.type == "single" else "false")
                assert float(text_of(node, "defaultgrade")) == q.weight
                qtext = node.find("questiontext")
                assert qtext.get("format") == "html"
                html = text_of(qtext, "text")
                assert markdown_html(case.vignette, links=False) in html and markdown_html(q.stem, links=False) in html
                general = text_of(node, "generalfeedback/text")
                for rid in q.examines:
                    assert escape(record_label(REGISTRY, rid)) in general
                    assert f"<code>{rid}</code>" not in general  # learners never see raw ids
                shown = export_options(quiz, q)
                assert text_of(node, "shuffleanswers") == ("false" if any(o.pin for o in q.options) else "true")
                answers = node.findall("answer")
                assert len(answers) == len(q.options)
                for opt, ans in zip(shown, answers):
                    fraction = ans.get("fraction")
                    assert fraction in MOODLE_PERCENTS, fraction
                    assert float(fraction) / 100 == pytest.approx(opt.credit, abs=1e-7)
                    assert ans.get("format") == "html"
                    assert text_of(ans, "text") == markdown_html(opt.text, links=False)
                    assert ans.find("feedback").get("format") == "html"
                    assert text_of(ans, "feedback/text") == markdown_html(opt.feedback, links=False)
    assert questions == []
    check_moodle_reader(data)


def moodle_reader_texts(data: bytes) -> list[str]:
    """The <text> contents of html-format fields as Moodle's XML reader sees them: its parser
    skips character data that is only whitespace (XML_OPTION_SKIP_WHITE), piece by piece."""
    import xml.parsers.expat

    texts, stack, pieces = [], [], None
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = False

    def start(tag, attrs):
        nonlocal pieces
        stack.append(attrs.get("format"))
        if tag == "text" and len(stack) > 1 and stack[-2] == "html":
            pieces = []

    def end(tag):
        nonlocal pieces
        stack.pop()
        if tag == "text" and pieces is not None:
            texts.append("".join(pieces))
            pieces = None

    def chars(data):
        if pieces is not None and data.strip():
            pieces.append(data)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    parser.Parse(data, True)
    return texts


def check_moodle_reader(data: bytes):
    """Every HTML text reaches Moodle whole (only line breaks between block tags may go)."""
    full = [n.findtext("text") or "" for n in ET.fromstring(data).iter() if n.get("format") == "html"]
    seen = moodle_reader_texts(data)
    assert len(seen) == len(full)
    for html, got in zip(full, seen):
        assert got == html.replace("\n", ""), (html[:80], got[:80])


def check_qti(data: bytes, quizzes):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        cp = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
        resources = manifest.findall("cp:resources/cp:resource", cp)
        hrefs = [r.get("href") for r in resources]
        assert hrefs == [h for q in quizzes for h in (f"{q.id}/{q.id}.xml", f"{q.id}/assessment_meta.xml")]
        assert sorted(names) == sorted(["imsmanifest.xml", *hrefs])
        # xs:ID values: the manifest's and every resource's identifier differ.
        idents = [manifest.get("identifier"), *(r.get("identifier") for r in resources)]
        assert len(set(idents)) == len(idents), idents
        for res in resources:
            for dep in res.findall("cp:dependency", cp):
                assert dep.get("identifierref") in idents
        for quiz in quizzes:
            root = ET.fromstring(zf.read(f"{quiz.id}/{quiz.id}.xml"))
            assessment = root.find("q:assessment", NS)
            assert assessment.get("ident") == quiz.id and assessment.get("title") == quiz.title
            meta_doc = ET.fromstring(zf.read(f"{quiz.id}/assessment_meta.xml"))
            cv = {"c": CANVAS_NS}
            assert meta_doc.findtext("c:title", namespaces=cv) == quiz.title
            assert meta_doc.findtext("c:description", namespaces=cv) == markdown_html(quiz.description, links=False)
            assert float(meta_doc.findtext("c:points_possible", namespaces=cv)) == sum(
                q.weight for q in quiz.questions()
            )
            items = assessment.findall("q:section/q:item", NS)
            pairs = [(c, q) for c in quiz.cases for q in c.questions]
            assert len(items) == len(pairs)
            for number, (item, (case, q)) in enumerate(zip(items, pairs), start=1):
                assert item.get("ident") == f"{quiz.id}.{q.id}"
                assert item.get("title") == f"Question {number}: {case.title}"
                meta = {
                    f.find("q:fieldlabel", NS).text: f.find("q:fieldentry", NS).text
                    for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)
                }
                assert meta["question_type"] == (
                    "multiple_choice_question" if q.type == "single" else "multiple_answers_question"
                )
                assert float(meta["points_possible"]) == q.weight
                html = item.find("q:presentation/q:material/q:mattext", NS).text
                assert markdown_html(case.vignette, links=False) in html and markdown_html(q.stem, links=False) in html
                lid = item.find("q:presentation/q:response_lid", NS)
                assert lid.get("rcardinality") == ("Single" if q.type == "single" else "Multiple")
                labels = lid.findall("q:render_choice/q:response_label", NS)
                assert lid.find("q:render_choice", NS).get("shuffle") == "Yes"
                shown = export_options(quiz, q)
                assert [lab.get("ident") for lab in labels] == [o.id for o in shown]
                assert [lab.get("rshuffle") == "No" for lab in labels] == [o.pin == "last" for o in shown]
                for lab, opt in zip(labels, shown):
                    assert lab.find("q:material/q:mattext", NS).text == markdown_html(opt.text, links=False)
                conds = {
                    c.findtext("q:conditionvar/q:varequal", namespaces=NS): c
                    for c in item.findall("q:resprocessing/q:respcondition", NS)
                    if c.find("q:conditionvar/q:varequal", NS) is not None
                }
                feedback = {}
                for f in item.findall("q:itemfeedback", NS):
                    text = f.find("q:flow_mat/q:material/q:mattext", NS).text
                    # Wrapped, so Canvas keeps even a plain sentence as HTML.
                    assert text.startswith("<div>") and text.endswith("</div>"), text[:40]
                    feedback[f.get("ident")] = text[5:-6]
                # Only the general feedback may carry an id Canvas gives a meaning to.
                assert [i for i in feedback if CANVAS_RESERVED.search(i)] == (
                    ["general_fb"] if "general_fb" in feedback else []
                )
                assert len(feedback) == len(set(feedback))
                for opt in q.options:
                    cond = conds[opt.id]
                    setvar = cond.find("q:setvar", NS)
                    assert setvar.get("action") == "Add" and setvar.get("varname") == "SCORE"
                    assert float(setvar.text) / 100 == pytest.approx(opt.credit, abs=1e-7)
                    link = cond.find("q:displayfeedback", NS).get("linkrefid")
                    assert feedback[link] == markdown_html(opt.feedback, links=False)
                for rid in q.examines:
                    assert escape(record_label(REGISTRY, rid)) in feedback["general_fb"]


@pytest.mark.parametrize("quiz", QUIZZES, ids=lambda q: q.id)
def test_moodle_export_per_quiz_matches_the_bank(quiz):
    check_moodle(moodle_xml([quiz], REGISTRY), [quiz])


@pytest.mark.parametrize("quiz", QUIZZES, ids=lambda q: q.id)
def test_qti_export_per_quiz_matches_the_bank(quiz):
    check_qti(qti_zip([quiz], REGISTRY, quiz.id), [quiz])


def test_whole_bank_exports_match_and_are_reproducible():
    check_moodle(moodle_xml(QUIZZES, REGISTRY), QUIZZES)
    data = qti_zip(QUIZZES, REGISTRY, BANK_NAME)
    check_qti(data, QUIZZES)
    assert qti_zip(QUIZZES, REGISTRY, BANK_NAME) == data


def test_percent_strings():
    assert [percent(x) for x in (1, 0.3333333, 0.6666667, 0.1428571, 0.125, 0, -0.5, -1)] == [
        "100",
        "33.33333",
        "66.66667",
        "14.28571",
        "12.5",
        "0",
        "-50",
        "-100",
    ]


HOSTILE = """id: quiz-hostile
title: "A/B & ]]> test"
description: "Tags <b>bold</b> & entities &amp; stay text"
cases:
  - id: c1
    title: "Case ]]> one"
    vignette: "Vignette with <script>x()</script>, & and ]]> and a [link](javascript:alert(1))."
    features: {setting: first-line, disease: liver-limited, goal: conversion, contraindications: []}
    questions:
      - id: q1
        type: multiple
        task: evidence
        stem: "Pick <b>both</b> & ]]>"
        options:
          - {id: a, text: "A ]]> & <img src=x onerror=alert(1)>", credit: 0.5, feedback: "fb <a> & ]]>", follows: [], contradicts: []}
          - {id: b, text: "B", credit: 0.5, feedback: "fb2", follows: [], contradicts: []}
          - {id: c, text: "C", credit: -0.3333333, feedback: "fb3", follows: [], contradicts: []}
"""


def test_hostile_text_is_escaped_by_construction(tmp_path):
    path = tmp_path / "quiz-hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    quiz, issues = parse_bank(path, REGISTRY)
    assert quiz is not None, [str(i) for i in issues.errors]
    # `check` refuses "<" in plain-text titles; put hostile ones back to prove the exporters
    # escape whatever reaches them.
    case = dataclasses.replace(quiz.cases[0], title="Case ]]> <i>one</i>")
    quiz = dataclasses.replace(quiz, title="A/B <script>alert(1)</script> & ]]> test", cases=(case, *quiz.cases[1:]))
    xml = moodle_xml([quiz], REGISTRY)
    check_moodle(xml, [quiz])
    # Raw markup never survives: the XML holds escaped text, and the HTML inside it was
    # sanitised (no live script, image or javascript: link).
    assert b"<script" not in xml and b"<img" not in xml
    html = "".join(n.findtext("text") or "" for n in ET.fromstring(xml).iter() if n.get("format") == "html")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    data = qti_zip([quiz], REGISTRY, quiz.id)
    check_qti(data, [quiz])


def run_cli(*args):
    return run_quizzes("export", *args)


def test_command_line_export(tmp_path):
    xml, zp = tmp_path / "haip.xml", tmp_path / "haip.zip"
    done = run_cli("--moodle", str(xml), "--qti", str(zp), "--quiz", "quiz-haip")
    assert done.returncode == 0, done.stderr
    haip = load_bank("quiz-haip")
    check_moodle(xml.read_bytes(), [haip])
    check_qti(zp.read_bytes(), [haip])
    done = run_cli("--moodle", str(tmp_path / "all.xml"))
    assert done.returncode == 0
    check_moodle((tmp_path / "all.xml").read_bytes(), QUIZZES)
    assert run_cli("--moodle", str(xml), "--quiz", "nope").returncode == 2
    assert run_cli().returncode == 2


def test_export_all_writes_every_download(tmp_path):
    written = export_all(tmp_path)
    rel = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    want = sorted(
        [f"moodle/{q.id}.xml" for q in QUIZZES]
        + [f"qti/{q.id}.zip" for q in QUIZZES]
        + [f"{q.id}-scorm12.zip" for q in QUIZZES]
        + [f"{BANK_NAME}-all.xml", f"{BANK_NAME}-all.zip"]
    )
    assert rel == want
    # World-readable: a web server running as another user can send them.
    old = os.umask(0o077)  # even under a strict umask
    try:
        for path in export_all(tmp_path / "strict"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    finally:
        os.umask(old)
    check_moodle((tmp_path / f"{BANK_NAME}-all.xml").read_bytes(), QUIZZES)


PAGES_WITH_DOWNLOADS = [
    "book/chapters/educator-guide.html",
    "book/chapters/quiz-haip.html",
    "book/chapters/quiz-embolic.html",
    "book/chapters/quiz-decisions.html",
]


@pytest.mark.parametrize("path", PAGES_WITH_DOWNLOADS)
def test_download_links_resolve_on_the_built_site(path):
    page = SITE / path
    assert page.exists(), f"{page} not built"
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*downloads/[^"]+)"', html)
    assert links, f"no download links in {path}"
    for href in links:
        target = (page.parent / href).resolve()
        assert target.is_file(), f"{path}: {href} does not resolve (publish with quizzes.exports.publish.export_all)"
        assert target.stat().st_size > 0


def test_exports_show_no_key_in_a_fixed_place():
    """Options leave in a shuffled order, pinned ones last, so an LMS that does not shuffle
    still shows no positional cue."""
    singles = [(quiz, q) for quiz in QUIZZES for q in quiz.questions() if q.type == "single"]
    first = [export_options(quiz, q)[0].credit >= 1 for quiz, q in singles]
    assert sum(first) <= len(singles) / 2
    for quiz, q in [(one, q) for one in QUIZZES for q in one.questions()]:
        shown = export_options(quiz, q)
        assert sorted(o.id for o in shown) == sorted(o.id for o in q.options)
        pinned = [o.pin == "last" for o in shown]
        assert pinned == sorted(pinned)  # pinned options close the list


INLINE = HOSTILE.replace('stem: "Pick <b>both</b> & ]]>"', 'stem: "Is *HAIP* **and** `FUDR` one thing?"')


def test_moodle_keeps_the_space_between_inline_tags(tmp_path):
    path = tmp_path / "quiz-hostile.yaml"
    path.write_text(INLINE, encoding="utf-8")
    quiz, issues = parse_bank(path, REGISTRY)
    assert quiz is not None, [str(i) for i in issues.errors]
    data = moodle_xml([quiz], REGISTRY)
    seen = [t for t in moodle_reader_texts(data) if "HAIP" in t]
    assert seen and all("<em>HAIP</em> <strong>and</strong> <code>FUDR</code>" in t for t in seen)
    # The reader model is strict enough to fail the old, escaped form.
    root = ET.fromstring(data)
    escaped = ET.tostring(root, encoding="utf-8")
    assert not any("</em> <strong>" in t for t in moodle_reader_texts(escaped) if "HAIP" in t)


def test_canvas_multiple_answer_rule_and_the_questions_it_scores_differently():
    q = QUIZZES[0].questions()[0]
    # Three right options, one wrong: two right + the wrong one = (2 - 1) / 3.
    opts = tuple(
        dataclasses.replace(q.options[0], id=i, credit=c)
        for i, c in (("a", 0.3333333), ("b", 0.3333333), ("c", 0.3333333), ("d", -0.5))
    )
    three = dataclasses.replace(q, type="multiple", options=opts)
    assert canvas_multiple_answer_score(three, {"a", "b", "d"}) == pytest.approx(1 / 3)
    assert canvas_multiple_answer_score(three, {"a", "d"}) == 0.0  # floored at 0
    assert canvas_multiple_answer_score(three, {"a", "b", "c"}) == 1.0
    listed = 0
    for quiz in QUIZZES:
        found = {d["question"]: d for d in canvas_score_differences(quiz)}
        listed += len(found)
        for q in (q for q in quiz.questions() if q.type == "multiple"):
            ids = [o.id for o in q.options]
            patterns = [[i for k, i in enumerate(ids) if m >> k & 1] for m in range(2 ** len(ids))]
            differ = [p for p in patterns if abs(score_question(q, p) - canvas_multiple_answer_score(q, p)) > 1e-6]
            if q.id in found:
                d = found[q.id]
                assert d["differ"] == len(differ) > 0 and d["patterns"] == len(patterns)
                assert d["engine"] == score_question(q, d["example"]) != d["canvas"]
            else:
                assert differ == []
    assert listed > 0  # the banks have questions Canvas scores its own way; the guide lists them


def test_single_best_answer_questions_score_alike_in_canvas():
    """The Canvas guide says single best answer questions score as in the course: true only
    while each has one option worth full credit and every other worth 0."""
    for quiz in QUIZZES:
        for q in (q for q in quiz.questions() if q.type == "single"):
            credits = sorted(o.credit for o in q.options)
            assert credits[-1] == 1.0 and set(credits[:-1]) <= {0.0}, (quiz.id, q.id, credits)
