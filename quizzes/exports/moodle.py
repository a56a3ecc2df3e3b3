"""Moodle XML export (Question bank > Import > Moodle XML format).

One <quiz> document; per quiz a category question, then one multichoice question per bank
question, in bank order. Answer fractions are percentages, as Moodle's importer expects
("100", "33.33333", "-50"); the banks only use Moodle's own grade list, so nothing is rounded
to a different grade on import.

HTML fields are written as CDATA, as Moodle's own exporter does: its XML reader drops
whitespace-only text between entities and tags, so escaped HTML such as
`&lt;em&gt;HAIP&lt;/em&gt; &lt;strong&gt;` would lose the space between the two words.
Names are plain text that Moodle passes through strip_tags(): `<` and `&` are written as
entities (`&lt;`), which Moodle stores and shows as the character.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from html import escape

from quizzes.exports.common import (
    CATEGORY_ROOT,
    export_options,
    general_feedback_html,
    number,
    option_html,
    percent,
    question_html,
)
from quizzes.pages.render import markdown_html
from quizzes.parsing.model import Quiz, Registry, iter_questions


class _Cdata:
    """Collects HTML texts and puts them back as CDATA sections after serialisation
    (xml.etree cannot write CDATA itself)."""

    def __init__(self):
        self.token = secrets.token_hex(8)
        self.texts: list[str] = []

    def mark(self, html: str) -> str:
        self.texts.append(html)
        return f"@@cdata-{self.token}-{len(self.texts) - 1}@@"

    def restore(self, xml: str) -> str:
        def section(match: re.Match) -> str:
            # "]]>" cannot sit inside one CDATA section: close and reopen around it.
            html = self.texts[int(match[1])]
            return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"

        return re.sub(f"@@cdata-{self.token}-([0-9]+)@@", section, xml)


def plain_name(text: str) -> str:
    return escape(text, quote=False)


def category_path(quiz: Quiz) -> str:
    # "/" separates Moodle categories; a literal slash is written "//".
    return f"$course$/top/{CATEGORY_ROOT}/" + plain_name(quiz.title).replace("/", "//")


def _add_quiz(root: ET.Element, quiz: Quiz, registry: Registry, cdata: _Cdata) -> None:
    def html_text(parent: ET.Element, tag: str, html: str) -> ET.Element:
        node = ET.SubElement(parent, tag, {"format": "html"})
        ET.SubElement(node, "text").text = cdata.mark(html)
        return node

    cat = ET.SubElement(root, "question", {"type": "category"})
    cat_node = ET.SubElement(cat, "category")
    ET.SubElement(cat_node, "text").text = category_path(quiz)
    html_text(cat, "info", markdown_html(quiz.description, links=False))
    ET.SubElement(cat, "idnumber").text = quiz.id
    for n, (case, q) in enumerate(iter_questions(quiz), start=1):
        node = ET.SubElement(root, "question", {"type": "multichoice"})
        name = ET.SubElement(node, "name")
        ET.SubElement(name, "text").text = plain_name(f"{n:02d}. {case.title}: {q.id}")
        html_text(node, "questiontext", question_html(case, q))
        html_text(node, "generalfeedback", general_feedback_html(q, registry))
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
            answer = ET.SubElement(node, "answer", {"fraction": percent(opt.credit), "format": "html"})
            ET.SubElement(answer, "text").text = cdata.mark(option_html(opt.text))
            html_text(answer, "feedback", markdown_html(opt.feedback, links=False))


def moodle_xml(quizzes: list[Quiz], registry: Registry) -> bytes:
    root = ET.Element("quiz")
    cdata = _Cdata()
    for quiz in quizzes:
        _add_quiz(root, quiz, registry, cdata)
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + cdata.restore(xml).encode("utf-8") + b"\n"
