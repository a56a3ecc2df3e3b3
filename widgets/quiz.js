// Quiz widget: one quiz chapter of the case bank, checked and scored in the browser.
// The payload comes from quizzes.payload(); scoring copies quizzes/scoring.py step for step.
//
// Browser storage (localStorage; the progress page reads it; every access may fail):
//   "crlm-quiz:<quiz id>:<content hash>"       practice answers to one version of a quiz
//   "crlm-quiz-exam:<quiz id>:<content hash>"  exam-mode answers (kept apart from practice)
//     value: JSON {"v": 1, "quiz": id, "hash": hash, "exam": bool,
//                  "answers": {question id: [option ids in bank order]},
//                  "checked": [question ids checked (or confirmed in an exam), bank order],
//                  "learner": string, "seed": display-order seed, "saved_at": ISO 8601,
//                  "times": {question id: ms of the last change or check}, "learner_at": ms}
//     Two tabs share a key: each re-reads and merges before it writes, and merges on `storage`
//     events (mergeSaved: per question, a checked answer beats an unchecked one, else the later
//     change wins; the later name wins).
//     Only checked questions count for the score and the downloaded file.
//   "crlm-quiz-seed"  this browser's display-order seed (hex), shared by every quiz
//   "crlm-quiz-progress"  index of the keys above:
//     JSON {"v": 1, "quizzes": {<storage key>: {"quiz", "hash", "title", "exam": bool,
//           "checked": n, "total": n, "score": 0..1 rounded to 4 decimals or null, "saved_at"}}}
// A key for the same quiz id under another hash holds answers to an earlier version: it is
// kept aside (reported, never applied, never deleted here). "Start again" removes only the
// current key and its index entry.

import { el, keepKeysInWidget } from "./dom.js";
import { displayOrder, newSeed } from "./order.js";
import {
  EXAM_PREFIX,
  PREFIX,
  SEED_KEY,
  keysStartingWith,
  readItem,
  removeItem,
  updateIndex,
  writeItem,
} from "./storage.js";
import {
  SEED_PATTERN,
  answerFile,
  cleanSaved,
  downloadName,
  isObj,
  mergeSaved,
  percent,
  questionsOf,
  round4,
  scoreQuestion,
  scoreQuiz,
  verdict,
} from "./quiz-data.js";
import { answerFeedback, badge, optionVerdict, sourceWords, trusted } from "./quiz-view.js";
import { recordCheck } from "./review-store.js";

export function storageKey(payload) {
  return `${payload.exam === true ? EXAM_PREFIX : PREFIX}${payload.id}:${payload.hash}`;
}

// ---------------------------------------------------------------- DOM helpers
let counter = 0;

// ---------------------------------------------------------------- widget
function render({ model, el: root }) {
  keepKeysInWidget(root);
  const payload = model.get("payload") || {};
  const uid = `qz${++counter}`;
  if (!Array.isArray(payload.cases) || typeof payload.id !== "string") {
    root.replaceChildren(el("p", { class: "qz-notice" }, "This quiz could not be loaded."));
    return;
  }
  const exam = payload.exam === true;
  const recs = isObj(payload.recommendations) ? payload.recommendations : {};
  const all = questionsOf(payload);
  const number = new Map(all.map((q, i) => [q.id, i + 1]));
  const key = storageKey(payload);
  const older = keysStartingWith(`${exam ? EXAM_PREFIX : PREFIX}${payload.id}:`).filter((k) => k !== key);
  const stored = readItem(key);
  const initial = cleanSaved(
    payload,
    stored !== null
      ? stored
      : { answers: model.get("answers"), checked: model.get("checked"), learner: model.get("learner") },
  );
  // The order seed: kept with this quiz's answers (a reload shows the same order), else this
  // browser's seed, else a new one (storage blocked: the order holds for this page view only).
  let seed =
    initial.seed ||
    (typeof model.get("seed") === "string" && SEED_PATTERN.test(model.get("seed")) ? model.get("seed") : "");
  if (!seed) {
    const shared = readItem(SEED_KEY);
    seed = typeof shared === "string" && SEED_PATTERN.test(shared) ? shared : newSeed();
    if (shared !== seed) writeItem(SEED_KEY, seed);
  }
  const state = {
    answers: initial.answers,
    checked: initial.checked,
    learner: initial.learner,
    seed,
    times: initial.times,
    learner_at: initial.learner_at,
  };
  const shown = new Map(
    all.map((q) => {
      const byId = new Map(q.options.map((o) => [o.id, o]));
      return [q.id, displayOrder(q.options, seed, payload.id, q.id).map((id) => byId.get(id))];
    }),
  );
  let storageFailed = false;
  let views = new Map();
  let live, scoreLine, summary, storageNote, nameInput;

  const scored = () => scoreQuiz(payload, checkedAnswers());
  function checkedAnswers() {
    const out = {};
    for (const id of state.checked) out[id] = state.answers[id];
    return out;
  }

  // Another tab may have saved since this one read: merge, never overwrite.
  function mergeStored(text) {
    Object.assign(state, mergeSaved(payload, state, cleanSaved(payload, text)));
  }

  function persist() {
    const current = readItem(key);
    if (current !== null) mergeStored(current);
    const savedAt = new Date().toISOString();
    const ok = writeItem(
      key,
      JSON.stringify({
        v: 1,
        quiz: payload.id,
        hash: payload.hash,
        exam,
        answers: state.answers,
        checked: state.checked,
        learner: state.learner,
        seed: state.seed,
        times: state.times,
        learner_at: state.learner_at,
        saved_at: savedAt,
      }),
    );
    const indexed =
      ok &&
      updateIndex(key, {
        quiz: payload.id,
        hash: payload.hash,
        title: String(payload.title || ""),
        exam,
        checked: state.checked.length,
        total: all.length,
        score: exam || !state.checked.length ? null : round4(scored().score),
        saved_at: savedAt,
      });
    if (!(ok && indexed) && !storageFailed) {
      storageFailed = true;
      storageNote.hidden = false;
    }
    model.set("answers", { ...state.answers });
    model.set("checked", [...state.checked]);
    model.set("learner", state.learner);
    model.set("seed", state.seed);
    model.save_changes();
  }

  function announce(text) {
    live.textContent = text;
  }

  function build() {
    views = new Map();
    const widget = el("div", { class: "qz-widget cw-card" + (exam ? " qz-exam" : "") });
    if (payload.description_html) widget.append(trusted("div", "qz-description", payload.description_html));
    const intro = el(
      "p",
      { class: "qz-intro" },
      exam
        ? "Exam: there is no feedback and no score on this page. Answers are collected for grading: confirm each answer, then download your answers and give the file to your educator."
        : "Choose your answer, then press Check to see feedback. Your answers are kept in this browser.",
    );
    widget.append(intro);
    if (older.length) {
      widget.append(
        el(
          "p",
          { class: "qz-notice", role: "note" },
          "This quiz changed since you answered; your earlier answers were kept aside.",
        ),
      );
    }
    storageNote = el(
      "p",
      { class: "qz-notice" },
      "This browser is not keeping your answers (storage is blocked or full). Download them before you leave the page.",
    );
    storageNote.hidden = !storageFailed;
    widget.append(storageNote, buildCaseList());

    payload.cases.forEach((c, i) => {
      const section = el("section", { class: "qz-case", "aria-labelledby": `${uid}-c${i}` });
      // tabindex -1: a jump from the case list lands focus on the heading, and Tab goes on from there.
      section.append(el("h3", { id: `${uid}-c${i}`, tabindex: "-1" }, String(c.title || "Case")));
      section.append(trusted("div", "qz-vignette", c.vignette_html));
      for (const q of c.questions || []) section.append(buildQuestion(q));
      widget.append(section);
    });
    if (!exam) {
      summary = el("section", { class: "qz-summary", "aria-labelledby": `${uid}-sum` });
      widget.append(summary);
    }
    widget.append(buildTools());
    live = el("p", { class: "qz-live", "aria-live": "polite", "aria-atomic": "true" });
    widget.append(live);
    root.replaceChildren(widget);
    keysBuilt = false;
    if (printMedia.matches) addPrintKeys();
    for (const q of all) refreshQuestion(q);
    refreshTotals();
  }

  // Links to every case heading, each with how many of its questions are checked (refreshTotals
  // keeps that up to date). Folded behind one button: open, it is a screen of links on a phone
  // and a dozen Tab stops before question 1.
  let caseCounts = [];
  function buildCaseList() {
    const nav = el("nav", { class: "qz-cases", "aria-labelledby": `${uid}-cases` });
    const toggle = el(
      "button",
      {
        type: "button",
        class: "qz-button qz-cases-toggle",
        id: `${uid}-cases`,
        "aria-controls": `${uid}-case-list`,
        "data-safe-to-press": "",
      },
      `Cases in this quiz (${payload.cases.length})`,
    );
    const list = el("ol", { class: "qz-case-list", id: `${uid}-case-list` });
    const show = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
    };
    show(false);
    toggle.addEventListener("click", () => show(list.hidden));
    caseCounts = payload.cases.map((c, i) => {
      const li = el("li");
      const count = el("span", { class: "qz-case-count" });
      li.append(el("a", { href: `#${uid}-c${i}` }, String(c.title || "Case")), count);
      list.append(li);
      return { count, ids: (c.questions || []).map((q) => q.id) };
    });
    nav.append(toggle, list);
    return nav;
  }

  function buildQuestion(q) {
    const n = number.get(q.id);
    const base = `${uid}-q${n}`;
    const box = el("div", { class: "qz-question", id: base });
    const fieldset = el("fieldset", { "aria-describedby": `${base}-stem` });
    fieldset.append(
      el(
        "legend",
        {},
        `Question ${n} of ${all.length}: ${q.type === "single" ? "choose one answer" : "choose all that apply"}`,
      ),
    );
    const stem = trusted("div", "qz-stem", q.stem_html);
    stem.id = `${base}-stem`;
    fieldset.append(stem);
    const inputs = [];
    const options = shown.get(q.id);
    options.forEach((o, j) => {
      const row = el("div", { class: "qz-option", "data-option": o.id });
      const input = el("input", { type: q.type === "single" ? "radio" : "checkbox", name: base, id: `${base}-o${j}` });
      input.addEventListener("change", () => {
        const ticked = new Set(options.filter((_, k) => inputs[k].checked).map((x) => x.id));
        state.answers[q.id] = q.options.filter((x) => ticked.has(x.id)).map((x) => x.id); // bank order
        if (!state.answers[q.id].length) delete state.answers[q.id];
        state.times[q.id] = Date.now();
        hint.textContent = "";
        persist();
      });
      inputs.push(input);
      const label = trusted("label", "qz-option-text", o.text_html, true);
      label.setAttribute("for", input.id);
      label.append(el("span", { class: "qz-mine", "aria-hidden": "true" }, "your choice"));
      row.append(input, label);
      fieldset.append(row);
    });
    const check = el(
      "button",
      { type: "button", class: "qz-button qz-check" },
      exam ? "Confirm answer" : "Check answer",
    );
    const hint = el("p", { class: "qz-hint" });
    const feedback = el("div", { class: "qz-feedback" });
    check.addEventListener("click", () => onCheck(q));
    box.append(fieldset, check, hint, feedback);
    views.set(q.id, { box, inputs, check, hint, feedback });
    return box;
  }

  // Every option's explanation, shown only on paper. The keys are built when the page is about to
  // print (or print media is emulated), not on load: they are about half of a quiz's elements and
  // nobody reads them on screen. The exam has no key.
  let keysBuilt = false;
  function addPrintKeys() {
    if (exam || keysBuilt) return;
    keysBuilt = true;
    for (const q of all) views.get(q.id)?.box.append(printKey(q));
  }
  const printMedia = window.matchMedia("print");
  const onPrintMedia = (/** @type {MediaQueryListEvent} */ event) => event.matches && addPrintKeys();

  function printKey(q) {
    const key = el("div", { class: "qz-print-key" });
    key.append(el("p", { class: "qz-print-title" }, "Explanations"));
    const list = el("ul");
    for (const o of shown.get(q.id)) {
      const li = el("li");
      li.append(badge(optionVerdict(q, o)), ": ", trusted("span", "qz-option-text", o.text_html, true));
      li.append(trusted("div", "qz-fb", o.feedback_html));
      list.append(li);
    }
    key.append(list);
    return key;
  }

  function onCheck(q) {
    const v = views.get(q.id);
    if (!state.answers[q.id]?.length) {
      v.hint.textContent = "Choose an answer first.";
      announce(`Question ${number.get(q.id)}: choose an answer first.`);
      return;
    }
    if (!state.checked.includes(q.id))
      state.checked = all.map((x) => x.id).filter((id) => id === q.id || state.checked.includes(id));
    state.times[q.id] = Date.now();
    persist();
    refreshQuestion(q);
    refreshTotals();
    const n = number.get(q.id);
    const done = state.checked.length === all.length ? " All questions are answered." : "";
    if (exam) announce(`Question ${n}: answer recorded.${done}`);
    else {
      const s = scoreQuestion(q, state.answers[q.id]);
      recordCheck(payload.id, q.id, s); // the question joins the review queue (review-store.js)
      announce(`Question ${n}: ${verdict(s)}, ${percent(s)}. Score so far ${percent(scored().score)}.${done}`);
    }
    v.feedback.querySelector("[tabindex='-1']")?.focus();
  }

  function refreshQuestion(q) {
    const v = views.get(q.id);
    const chosen = state.answers[q.id] || [];
    const isChecked = state.checked.includes(q.id);
    v.box.hidden = !!q.reveal_after && !state.checked.includes(q.reveal_after);
    shown.get(q.id).forEach((o, j) => {
      v.inputs[j].checked = chosen.includes(o.id);
      v.inputs[j].disabled = isChecked;
      v.inputs[j].parentNode.classList.toggle("qz-picked", isChecked && chosen.includes(o.id));
    });
    v.check.hidden = isChecked;
    v.feedback.replaceChildren();
    v.box.classList.toggle("qz-done", isChecked);
    if (!isChecked) return;
    const n = number.get(q.id);
    const heading = el("h4", { class: "qz-verdict", tabindex: "-1" });
    v.feedback.append(heading);
    if (exam) {
      heading.textContent = `Question ${n}: answer recorded`;
      return;
    }
    const s = scoreQuestion(q, chosen);
    heading.append(`Question ${n}: `, badge(verdict(s)), ` (${percent(s)} of this question)`);
    v.feedback.append(...answerFeedback(q, shown.get(q.id), chosen, s, recs));
  }

  function refreshTotals() {
    for (const q of all) {
      const v = views.get(q.id);
      v.box.hidden = !!q.reveal_after && !state.checked.includes(q.reveal_after);
    }
    for (const { count, ids } of caseCounts) {
      const done = ids.filter((id) => state.checked.includes(id)).length;
      count.textContent = done ? ` (${done} of ${ids.length} ${exam ? "confirmed" : "checked"})` : "";
    }
    if (exam) {
      scoreLine.textContent = `${state.checked.length} of ${all.length} answers confirmed.`;
      return;
    }
    const result = scored();
    scoreLine.dataset.score = String(result.score);
    scoreLine.textContent = `Score so far: ${percent(result.score)} of the whole quiz (${state.checked.length} of ${all.length} questions checked).`;
    refreshSummary(result);
  }

  function refreshSummary(result) {
    summary.replaceChildren();
    summary.hidden = !state.checked.length;
    summary.append(el("h3", { id: `${uid}-sum` }, "Summary"));
    summary.append(
      el(
        "p",
        {},
        state.checked.length === all.length
          ? `All ${all.length} questions checked. Your score: ${percent(result.score)}.`
          : `${state.checked.length} of ${all.length} questions checked so far. Score: ${percent(result.score)}.`,
      ),
    );
    summary.append(el("h4", {}, "By question"));
    const byQ = el("ul", { class: "qz-sum-questions" });
    for (const q of all) {
      const s = result.questions[q.id];
      const li = el("li", {}, `Question ${number.get(q.id)}: `);
      if (state.checked.includes(q.id)) li.append(badge(verdict(s)), `, ${percent(s)}`);
      else li.append("not checked yet");
      byQ.append(li);
    }
    summary.append(byQ, el("h4", {}, "By recommendation"));
    const byR = el("ul", { class: "qz-sum-recs" });
    for (const [id, r] of Object.entries(recs)) {
      const examining = all.filter((q) =>
        q.options.some((o) => (o.follows || []).includes(id) || (o.contradicts || []).includes(id)),
      );
      if (!examining.length || !isObj(r)) continue;
      const done = examining.filter((q) => state.checked.includes(q.id));
      const li = el("li");
      li.append(el("strong", {}, String(r.label || id)), ` (${sourceWords(r)}): `);
      const nums = `question${examining.length > 1 ? "s" : ""} ${examining.map((q) => number.get(q.id)).join(", ")}`;
      if (!done.length) li.append(`${nums}; none checked yet.`);
      else {
        let w = 0,
          ws = 0;
        for (const q of done) {
          w += q.weight * result.questions[q.id];
          ws += q.weight;
        }
        li.append(`${nums}; ${percent(w / ws)} on the ${done.length} checked.`);
      }
      byR.append(li);
    }
    summary.append(byR);
  }

  function buildTools() {
    const tools = el("div", { class: "qz-tools" });
    scoreLine = el("p", { class: "qz-score" });
    tools.append(scoreLine);
    const nameId = `${uid}-learner`;
    const nameRow = el("div", { class: "qz-learner" });
    const name = el("input", { type: "text", id: nameId, autocomplete: "off", maxlength: "200" });
    name.value = state.learner;
    nameInput = name;
    name.addEventListener("input", () => {
      state.learner = name.value.slice(0, 200);
      state.learner_at = Date.now();
      persist();
    });
    nameRow.append(el("label", { for: nameId }, "Your name or ID (optional; it goes into the downloaded file)"), name);
    const download = el("button", { type: "button", class: "qz-button qz-download" }, "Download my answers");
    download.addEventListener("click", () => {
      const file = answerFile(
        payload,
        state.answers,
        state.checked,
        state.learner,
        new Date().toISOString(),
        state.seed,
      );
      const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }));
      const fileName = downloadName(payload, state.learner);
      const a = el("a", { href: url, download: fileName, hidden: "" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      const held = Object.keys(file.answers).length;
      announce(`Downloaded ${fileName} with ${held} of ${all.length} answers.`);
    });
    const note = el(
      "p",
      { class: "qz-download-note" },
      `The file holds the questions you have ${exam ? "confirmed" : "checked"}${exam ? "" : " and the score shown here"}; your educator can grade it.`,
    );
    tools.append(nameRow, download, note);

    const reset = el("div", { class: "qz-reset" });
    const start = el("button", { type: "button", class: "qz-button qz-start" }, "Start again");
    const confirm = el("div", { class: "qz-confirm", role: "group", "aria-labelledby": `${uid}-confirm` });
    confirm.hidden = true;
    const yes = el("button", { type: "button", class: "qz-button qz-yes" }, "Yes, clear my answers");
    const no = el("button", { type: "button", class: "qz-button" }, "Cancel");
    confirm.append(el("p", { id: `${uid}-confirm` }, "Clear every answer to this quiz from this browser?"), yes, no);
    start.addEventListener("click", () => {
      confirm.hidden = false;
      no.focus();
    });
    no.addEventListener("click", () => {
      confirm.hidden = true;
      start.focus();
    });
    yes.addEventListener("click", () => {
      removeItem(key);
      updateIndex(key, null);
      Object.assign(state, { answers: {}, checked: [], learner: "", times: {}, learner_at: 0 });
      model.set("answers", {});
      model.set("checked", []);
      model.set("learner", "");
      model.save_changes();
      build();
      announce("Your answers to this quiz were cleared.");
      views.get(all[0]?.id)?.inputs[0]?.focus();
    });
    reset.append(start, confirm);
    tools.append(reset);
    return tools;
  }

  build();
  // Answers given in another tab of this browser appear here too (and are kept on the next write).
  function onStorage(event) {
    if (event.key !== key) return;
    if (event.newValue === null)
      Object.assign(state, { answers: {}, checked: [], learner: "", times: {}, learner_at: 0 });
    else mergeStored(event.newValue);
    for (const q of all) refreshQuestion(q);
    refreshTotals();
    if (nameInput && document.activeElement !== nameInput) nameInput.value = state.learner;
  }
  window.addEventListener("storage", onStorage);
  window.addEventListener("beforeprint", addPrintKeys);
  printMedia.addEventListener("change", onPrintMedia);
  if (stored !== null || state.checked.length || Object.keys(state.answers).length) {
    model.set("answers", { ...state.answers });
    model.set("checked", [...state.checked]);
    model.set("learner", state.learner);
    model.set("seed", state.seed);
    model.save_changes();
  }
  return () => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener("beforeprint", addPrintKeys);
    printMedia.removeEventListener("change", onPrintMedia);
  };
}

export default { render };
