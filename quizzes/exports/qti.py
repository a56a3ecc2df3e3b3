"""IMS QTI 1.2 package for Canvas (Settings > Import course content > QTI .zip file).

The zip holds imsmanifest.xml and one assessment file per quiz, <quiz id>/<quiz id>.xml.
Each bank question is an <item> with a <response_lid> (rcardinality Single or Multiple) and a
<render_choice>; response processing has one <respcondition> per option that adds the option's
credit (in percent, negative for penalised choices) to SCORE with <setvar action="Add"> and
shows that option's feedback (<displayfeedback> -> <itemfeedback>).

What Canvas keeps: the question type (Canvas metadata question_type: multiple_choice_question or
multiple_answers_question), points (the bank weight), the options, which options are correct
(positive credit), per-option feedback and, from <quiz id>/assessment_meta.xml, the quiz's title
and description. What it does not keep: the course's per-option partial credits and penalties
for multiple-response questions. Canvas Classic Quizzes scores a multiple-answer question as
points x (right chosen - wrong chosen) / right, floored at 0, for every quiz (it is not a quiz
setting); canvas_multiple_answer_score() is that rule and canvas_score_differences() lists the
questions where it gives another score than the engine. Standard QTI 1.2 readers can apply
the Add rules as written.

Identifiers Canvas reads a meaning into are avoided: a feedback ident matching wrong, incorrect,
correct, general_, _all, _C or _IC (any case) becomes Canvas's question-level feedback, so
option feedback is "o<n>_fb" (n = the option's place in the bank) and only the general
feedback is "general_fb". Every mattext of feedback is wrapped in a <div>, so Canvas keeps it
as HTML (text without inline markup is imported as plain text and shown escaped).
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from quizzes.exports.common import (
    export_options,
    general_feedback_html,
    number,
    option_html,
    percent,
    question_html,
    reproducible_zip,
)
from quizzes.pages.render import markdown_html
from quizzes.parsing.model import Quiz, Registry, iter_questions

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
RESPONSE = "response1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
# Feedback idents Canvas's QTI converter takes for question-level feedback (see the docstring).
CANVAS_RESERVED = re.compile(r"wrong|incorrect|correct|general_|_all|_c$|_ic$", re.IGNORECASE)


def item_ident(quiz: Quiz, question_id: str) -> str:
    return f"{quiz.id}.{question_id}"


def _meta(qmd: ET.Element, fields) -> None:
    for label, entry in fields:
        field = ET.SubElement(qmd, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def feedback_ident(index: int) -> str:
    """Feedback id of the index-th option (1-based, bank order): never one of Canvas's."""
    return f"o{index}_fb"


def item_title(position: int, case) -> str:
    return f"Question {position}: {case.title}"


def _material(parent: ET.Element, html: str) -> None:
    mat = ET.SubElement(parent, "material")
    ET.SubElement(mat, "mattext", {"texttype": "text/html"}).text = html


def _feedback(item: ET.Element, ident: str, html: str) -> None:
    fb = ET.SubElement(item, "itemfeedback", {"ident": ident})
    _material(ET.SubElement(fb, "flow_mat"), f"<div>{html}</div>")


def _item(section: ET.Element, quiz: Quiz, position: int, case, q, registry: Registry) -> None:
    item = ET.SubElement(section, "item", {"ident": item_ident(quiz, q.id), "title": item_title(position, case)})
    _meta(
        ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata"),
        [
            ("question_type", "multiple_choice_question" if q.type == "single" else "multiple_answers_question"),
            ("points_possible", number(q.weight)),
            ("original_answer_ids", ",".join(o.id for o in q.options)),
        ],
    )
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, question_html(case, q))
    lid = ET.SubElement(
        presentation,
        "response_lid",
        {"ident": RESPONSE, "rcardinality": "Single" if q.type == "single" else "Multiple"},
    )
    choice = ET.SubElement(lid, "render_choice", {"shuffle": "Yes"})
    for opt in export_options(quiz, q):
        attrs = {"ident": opt.id, "rshuffle": "No"} if opt.pin else {"ident": opt.id}
        label = ET.SubElement(choice, "response_label", attrs)
        _material(label, option_html(opt.text))
    proc = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(proc, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    general = general_feedback_html(q, registry)
    if general:
        cond = ET.SubElement(proc, "respcondition", {"continue": "Yes"})
        ET.SubElement(ET.SubElement(cond, "conditionvar"), "other")
        ET.SubElement(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    for index, opt in enumerate(q.options, start=1):
        cond = ET.SubElement(proc, "respcondition", {"continue": "Yes", "title": opt.id})
        var = ET.SubElement(cond, "conditionvar")
        ET.SubElement(var, "varequal", {"respident": RESPONSE}).text = opt.id
        ET.SubElement(cond, "setvar", {"action": "Add", "varname": "SCORE"}).text = percent(opt.credit)
        ET.SubElement(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback_ident(index)})
    if general:
        _feedback(item, "general_fb", general)
    for index, opt in enumerate(q.options, start=1):
        _feedback(item, feedback_ident(index), markdown_html(opt.feedback, links=False))


def assessment_xml(quiz: Quiz, registry: Registry) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": quiz.id, "title": quiz.title})
    _meta(ET.SubElement(assessment, "qtimetadata"), [("cc_maxattempts", "1"), ("crlm_content_hash", quiz.hash)])
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for number_, (case, q) in enumerate(iter_questions(quiz), start=1):
        _item(section, quiz, number_, case, q, registry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def assessment_meta_xml(quiz: Quiz) -> bytes:
    """Canvas's quiz settings file: title, description (HTML) and points, beside the QTI file."""
    ET.register_namespace("", CANVAS_NS)
    root = ET.Element(f"{{{CANVAS_NS}}}quiz", {"identifier": meta_ident(quiz)})
    points = sum(q.weight for q in quiz.questions())
    for tag, text in (
        ("title", quiz.title),
        ("description", markdown_html(quiz.description, links=False)),
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", number(points)),
        ("allowed_attempts", "1"),
    ):
        ET.SubElement(root, f"{{{CANVAS_NS}}}{tag}").text = text
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def meta_ident(quiz: Quiz) -> str:
    return f"{quiz.id}-meta"


def assessment_path(quiz: Quiz) -> str:
    return f"{quiz.id}/{quiz.id}.xml"


def meta_path(quiz: Quiz) -> str:
    return f"{quiz.id}/assessment_meta.xml"


def manifest_xml(quizzes: list[Quiz], identifier: str) -> bytes:
    # The manifest's identifier and its resources' are distinct (xs:ID values of one document).
    root = ET.Element("manifest", {"identifier": f"{identifier}-manifest", "xmlns": CP_NS})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    for quiz in quizzes:
        res = ET.SubElement(
            resources, "resource", {"identifier": quiz.id, "type": "imsqti_xmlv1p2", "href": assessment_path(quiz)}
        )
        ET.SubElement(res, "file", {"href": assessment_path(quiz)})
        ET.SubElement(res, "dependency", {"identifierref": meta_ident(quiz)})
        res = ET.SubElement(
            resources,
            "resource",
            {
                "identifier": meta_ident(quiz),
                "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
                "href": meta_path(quiz),
            },
        )
        ET.SubElement(res, "file", {"href": meta_path(quiz)})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def qti_zip(quizzes: list[Quiz], registry: Registry, identifier: str) -> bytes:
    files = {"imsmanifest.xml": manifest_xml(quizzes, identifier)}
    for quiz in quizzes:
        files[assessment_path(quiz)] = assessment_xml(quiz, registry)
        files[meta_path(quiz)] = assessment_meta_xml(quiz)
    return reproducible_zip(files)


# ---------------------------------------------------------------- Canvas's multiple-answer rule
def canvas_multiple_answer_score(question, chosen) -> float:
    """Canvas Classic's score (0..1) of a multiple-answer question: (right chosen - wrong chosen)
    / right, floored at 0, where "right" are the options exported as correct (credit > 0)."""
    chosen = set(chosen)
    right = [o.id for o in question.options if o.credit > 0]
    hits = sum(1 for o in question.options if o.id in chosen and o.credit > 0)
    misses = sum(1 for o in question.options if o.id in chosen and o.credit <= 0)
    return max(0.0, (hits - misses) / len(right)) if right else 0.0


def canvas_score_differences(quiz: Quiz) -> list[dict]:
    """The multiple-response questions of a quiz that Canvas scores differently from the engine
    for at least one answer pattern: {"question", "number", "patterns", "differ", "example"}."""
    from quizzes.rules.scoring import score_question

    out = []
    for number_, (case, q) in enumerate(iter_questions(quiz), start=1):
        if q.type != "multiple":
            continue
        ids = [o.id for o in q.options]
        patterns = [set(c) for r in range(len(ids) + 1) for c in itertools.combinations(ids, r)]
        differ = [p for p in patterns if abs(score_question(q, p) - canvas_multiple_answer_score(q, p)) > 1e-6]
        if differ:
            example = min(differ, key=len)
            out.append(
                {
                    "question": q.id,
                    "number": number_,
                    "case": case.title,
                    "patterns": len(patterns),
                    "differ": len(differ),
                    "example": sorted(example, key=ids.index),
                    "engine": score_question(q, example),
                    "canvas": canvas_multiple_answer_score(q, example),
                }
            )
    return out
