"""SCORM 1.2 package of one quiz chapter: the quiz widget inside a learning platform.

The zip holds
  imsmanifest.xml   SCORM 1.2 content aggregation: one organization, one item, one SCO resource
  index.html        the launch page: the chapter's payload (JSON) and no site chrome
  lms.js            widgets/lms.js: finds the platform's API and mounts the widget
  quiz.js ...       the site's own quiz widget modules, unchanged
  quiz.css          the widget's colours and layout
and nothing outside the package is ever requested. The widget scores with the same rules as
quizzes/rules/scoring.py; lms.js reports cmi.core.score.raw (0 to 100), cmi.core.lesson_status, one
cmi.interactions.n per checked question and cmi.suspend_data (see suspend_data() below).

An exam package (exam=True) carries the exam payload: no credit, no feedback, no key; it reports
responses and completion but no score (grade the answers with `python -m quizzes grade`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html import escape

from quizzes.exports.common import reproducible_zip
from quizzes.pages.payload import build_payload
from quizzes.parsing.model import Quiz, Registry, iter_questions
from widgets.base import HERE as WIDGETS
from widgets.base import LOCAL_IMPORT

CP_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    f"{CP_NS} imscp_rootv1p1p2.xsd "
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
    f"{ADLCP_NS} adlcp_rootv1p2.xsd"
)
SUSPEND_LIMIT = 4096  # SCORM 1.2 CMIString4096
LEARNER_MAX = 200  # widgets/quiz-data.js cleanSaved keeps 200 characters of a name
SEED_MAX = 64  # widgets/quiz-data.js SEED_PATTERN
ENTRY = "index.html"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="quiz.css">
</head>
<body>
<main class="lms-page">
<h1>{title}</h1>
<p id="lms-status" role="status" tabindex="-1">This quiz needs JavaScript, and it must be opened
from a learning platform or a web server (a file opened from disk cannot run it).</p>
<div id="quiz"></div>
<div id="lms-finish"></div>
</main>
<script type="application/json" id="quiz-payload">{payload}</script>
<script type="module" src="lms.js"></script>
</body>
</html>
"""

PAGE_CSS = """
/* Launch page of the SCORM package: the widget alone, readable from 320 px up. */
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: var(--cw-bg, #fff);
       color: var(--cw-fg, #1a1a1a); }
.lms-page { max-width: 52rem; margin: 0 auto; padding: 1rem; }
.lms-page h1 { font-size: 1.4rem; }
.lms-finish { margin: 1rem 0; }
/* No site theme here: lms.js sets data-theme="dark" when the system asks for dark. */
html[data-theme="dark"] { --cw-fg: #e8e8e8; --cw-muted: #c4c4c4; --cw-bg: #15181e; --cw-border: #8a8a8a;
                          --pst-color-surface: #29303a; color-scheme: dark; }  /* surface: button hover */
"""


def package_name(quiz_id: str, exam: bool = False) -> str:
    return f"{quiz_id}-scorm12{'-exam' if exam else ''}.zip"


def widget_modules() -> list[str]:
    """lms.js, quiz.js and every helper module they import (by name, in a stable order)."""
    names, todo = [], ["lms.js", "quiz.js"]
    while todo:
        name = todo.pop(0)
        if name in names:
            continue
        names.append(name)
        todo += [m["name"] for m in LOCAL_IMPORT.finditer((WIDGETS / name).read_text("utf-8"))]
    return names


def manifest_xml(quiz: Quiz, files: list[str], exam: bool = False) -> bytes:
    ET.register_namespace("", CP_NS)
    ET.register_namespace("adlcp", ADLCP_NS)
    ET.register_namespace("xsi", XSI_NS)
    base = f"crlm-{quiz.id}{'-exam' if exam else ''}"
    title = quiz.title + (" (exam)" if exam else "")
    root = ET.Element(
        f"{{{CP_NS}}}manifest",
        {"identifier": f"{base}-manifest", "version": quiz.hash[:12], f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION},
    )
    meta = ET.SubElement(root, f"{{{CP_NS}}}metadata")
    ET.SubElement(meta, f"{{{CP_NS}}}schema").text = "ADL SCORM"
    ET.SubElement(meta, f"{{{CP_NS}}}schemaversion").text = "1.2"
    orgs = ET.SubElement(root, f"{{{CP_NS}}}organizations", {"default": f"{base}-org"})
    org = ET.SubElement(orgs, f"{{{CP_NS}}}organization", {"identifier": f"{base}-org"})
    ET.SubElement(org, f"{{{CP_NS}}}title").text = title
    item = ET.SubElement(
        org, f"{{{CP_NS}}}item", {"identifier": f"{base}-item", "identifierref": f"{base}-sco", "isvisible": "true"}
    )
    ET.SubElement(item, f"{{{CP_NS}}}title").text = title
    # No adlcp:masteryscore: the banks set no pass mark, so the SCO reports "completed".
    resources = ET.SubElement(root, f"{{{CP_NS}}}resources")
    res = ET.SubElement(
        resources,
        f"{{{CP_NS}}}resource",
        {"identifier": f"{base}-sco", "type": "webcontent", f"{{{ADLCP_NS}}}scormtype": "sco", "href": ENTRY},
    )
    for name in files:
        ET.SubElement(res, f"{{{CP_NS}}}file", {"href": name})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def entry_page(quiz: Quiz, registry: Registry, exam: bool = False) -> bytes:
    payload = build_payload(quiz, registry, exam=exam, links=False)
    # JSON inside <script>: "<" written as \\u003c, so no text can close the element.
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    title = escape(quiz.title + (" (exam)" if exam else ""))
    return PAGE.format(title=title, payload=data).encode("utf-8")


def scorm_zip(quiz: Quiz, registry: Registry, exam: bool = False) -> bytes:
    files = {ENTRY: entry_page(quiz, registry, exam)}
    for name in widget_modules():
        files[name] = (WIDGETS / name).read_bytes()
    css = "".join((WIDGETS / n).read_text("utf-8") for n in ("theme.css", "quiz.css")) + PAGE_CSS
    files["quiz.css"] = css.encode("utf-8")
    return reproducible_zip({"imsmanifest.xml": manifest_xml(quiz, list(files), exam), **files})


# ---------------------------------------------------------------- cmi.suspend_data
def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def suspend_data(quiz: Quiz, answers: dict, checked, learner: str = "", seed: str = "") -> str:
    """What widgets/lms.js encodeSuspend() writes for this state (its header documents the format);
    the browser test holds the two to the same text."""
    tokens = []
    for _, q in iter_questions(quiz):
        ids = answers.get(q.id) or []
        mask = sum(2**i for i, o in enumerate(q.options) if o.id in ids)
        tokens.append(_base36(mask * 2 + (q.id in checked)) if mask else "")
    return "~".join(["1", quiz.hash[:12], seed, ".".join(tokens), learner])


def worst_suspend_length(quiz: Quiz) -> int:
    """Length of the longest suspend_data this quiz can produce: every question checked with its
    highest-numbered choice (every option of a multiple-response question), the longest seed and
    the longest name (200 characters)."""
    answers = {
        q.id: [o.id for o in q.options] if q.type == "multiple" else [q.options[-1].id] for _, q in iter_questions(quiz)
    }
    return len(suspend_data(quiz, answers, set(answers), "W" * LEARNER_MAX, "f" * SEED_MAX))
