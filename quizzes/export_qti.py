"""IMS QTI 1.2 package for Canvas (Settings > Import course content > QTI .zip file).

The zip holds imsmanifest.xml and one assessment file per quiz, <quiz id>/<quiz id>.xml.
Each bank question is an <item> with a <response_lid> (rcardinality Single or Multiple) and a
<render_choice>; response processing has one <respcondition> per option that adds the option's
credit (in percent, negative for penalised choices) to SCORE with <setvar action="Add"> and
shows that option's feedback (<displayfeedback> -> <itemfeedback>).

What Canvas keeps: the question type (Canvas metadata question_type: multiple_choice_question or
multiple_answers_question), points (the bank weight), the options, which options are correct
(positive credit) and per-option feedback. What it does not keep: the course's per-option
partial credits and penalties for multiple-response questions; Canvas grades multiple-answer
questions by its own rule (set per quiz), so the course's exact scores come from
`python -m quizzes grade`. Standard QTI 1.2 readers can apply the Add rules as written.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from .export_common import (export_options, general_feedback_html, number, option_html, percent,
                            question_html)
from .model import Quiz, Registry, iter_questions
from .render import markdown_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
RESPONSE = "response1"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)   # reproducible zips: same bank, same bytes


def item_ident(quiz: Quiz, question_id: str) -> str:
    return f"{quiz.id}.{question_id}"


def _meta(qmd: ET.Element, fields) -> None:
    for label, entry in fields:
        field = ET.SubElement(qmd, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, html: str) -> None:
    mat = ET.SubElement(parent, "material")
    ET.SubElement(mat, "mattext", {"texttype": "text/html"}).text = html


def _item(section: ET.Element, quiz: Quiz, case, q, registry: Registry) -> None:
    item = ET.SubElement(section, "item", {"ident": item_ident(quiz, q.id), "title": q.id})
    _meta(ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata"),
          [("question_type", "multiple_choice_question" if q.type == "single"
                  else "multiple_answers_question"),
                 ("points_possible", number(q.weight)),
                 ("original_answer_ids", ",".join(o.id for o in q.options))])
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, question_html(case, q))
    lid = ET.SubElement(presentation, "response_lid",
                        {"ident": RESPONSE,
                         "rcardinality": "Single" if q.type == "single" else "Multiple"})
    choice = ET.SubElement(lid, "render_choice", {"shuffle": "Yes"})
    for opt in export_options(quiz, q):
        attrs = {"ident": opt.id, "rshuffle": "No"} if opt.pin else {"ident": opt.id}
        label = ET.SubElement(choice, "response_label", attrs)
        _material(label, option_html(opt.text))
    proc = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(proc, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                       "vartype": "Decimal"})
    general = general_feedback_html(q, registry)
    if general:
        cond = ET.SubElement(proc, "respcondition", {"continue": "Yes"})
        ET.SubElement(ET.SubElement(cond, "conditionvar"), "other")
        ET.SubElement(cond, "displayfeedback", {"feedbacktype": "Response",
                                                "linkrefid": "general_fb"})
    for opt in q.options:
        cond = ET.SubElement(proc, "respcondition", {"continue": "Yes", "title": opt.id})
        var = ET.SubElement(cond, "conditionvar")
        ET.SubElement(var, "varequal", {"respident": RESPONSE}).text = opt.id
        ET.SubElement(cond, "setvar", {"action": "Add", "varname": "SCORE"}).text = \
            percent(opt.credit)
        ET.SubElement(cond, "displayfeedback", {"feedbacktype": "Response",
                                                "linkrefid": f"{opt.id}_fb"})
    if general:
        fb = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
        _material(ET.SubElement(fb, "flow_mat"), general)
    for opt in q.options:
        fb = ET.SubElement(item, "itemfeedback", {"ident": f"{opt.id}_fb"})
        _material(ET.SubElement(fb, "flow_mat"), markdown_html(opt.feedback, links=False))


def assessment_xml(quiz: Quiz, registry: Registry) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": quiz.id, "title": quiz.title})
    _meta(ET.SubElement(assessment, "qtimetadata"),
          [("cc_maxattempts", "1"), ("crlm_content_hash", quiz.hash)])
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for case, q in iter_questions(quiz):
        _item(section, quiz, case, q, registry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def manifest_xml(quizzes: list[Quiz], identifier: str) -> bytes:
    root = ET.Element("manifest", {"identifier": identifier, "xmlns": CP_NS})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    for quiz in quizzes:
        href = f"{quiz.id}/{quiz.id}.xml"
        res = ET.SubElement(resources, "resource", {"identifier": quiz.id,
                                                    "type": "imsqti_xmlv1p2", "href": href})
        ET.SubElement(res, "file", {"href": href})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def qti_zip(quizzes: list[Quiz], registry: Registry, identifier: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
        add("imsmanifest.xml", manifest_xml(quizzes, identifier))
        for quiz in quizzes:
            add(f"{quiz.id}/{quiz.id}.xml", assessment_xml(quiz, registry))
    return buffer.getvalue()
