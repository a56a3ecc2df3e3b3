"""Moodle XML export (Question bank > Import > Moodle XML format).

One <quiz> document; per quiz a category question, then one multichoice question per bank
question, in bank order. Answer fractions are percentages, as Moodle's importer expects
("100", "33.33333", "-50"); the banks only use Moodle's own grade list, so nothing is rounded
to a different grade on import.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .export_common import (CATEGORY_ROOT, export_options, general_feedback_html, number, option_html,
                            percent, question_html)
from .model import Quiz, Registry, iter_questions
from .render import markdown_html


def _text(parent: ET.Element, tag: str, text: str, html: bool = True) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(node, "text").text = text
    return node


def category_path(quiz: Quiz) -> str:
    # "/" separates Moodle categories; a literal slash is written "//".
    return f"$course$/top/{CATEGORY_ROOT}/" + quiz.title.replace("/", "//")


def _add_quiz(root: ET.Element, quiz: Quiz, registry: Registry) -> None:
    cat = ET.SubElement(root, "question", {"type": "category"})
    cat_node = ET.SubElement(cat, "category")
    ET.SubElement(cat_node, "text").text = category_path(quiz)
    _text(cat, "info", markdown_html(quiz.description, links=False))
    ET.SubElement(cat, "idnumber").text = quiz.id
    for case, q in iter_questions(quiz):
        node = ET.SubElement(root, "question", {"type": "multichoice"})
        name = ET.SubElement(node, "name")
        ET.SubElement(name, "text").text = f"{case.title}: {q.id}"
        _text(node, "questiontext", question_html(case, q))
        _text(node, "generalfeedback", general_feedback_html(q, registry))
        ET.SubElement(node, "defaultgrade").text = number(q.weight)
        ET.SubElement(node, "penalty").text = "0"
        ET.SubElement(node, "hidden").text = "0"
        ET.SubElement(node, "idnumber").text = f"{quiz.id}/{q.id}"
        ET.SubElement(node, "single").text = "true" if q.type == "single" else "false"
        # Moodle shuffles per attempt, but cannot keep one option last: questions with a
        # pinned option keep the exported (already shuffled) order.
        pinned = any(o.pin for o in q.options)
        ET.SubElement(node, "shuffleanswers").text = "false" if pinned else "true"
        ET.SubElement(node, "answernumbering").text = "abc"
        ET.SubElement(node, "showstandardinstruction").text = "0"
        for opt in export_options(quiz, q):
            answer = ET.SubElement(node, "answer", {"fraction": percent(opt.credit),
                                                    "format": "html"})
            ET.SubElement(answer, "text").text = option_html(opt.text)
            _text(answer, "feedback", markdown_html(opt.feedback, links=False))


def moodle_xml(quizzes: list[Quiz], registry: Registry) -> bytes:
    root = ET.Element("quiz")
    for quiz in quizzes:
        _add_quiz(root, quiz, registry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
