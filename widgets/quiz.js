// Quiz widget: one quiz chapter of the case bank, checked and scored in the browser.
// The payload comes from quizzes.payload(); scoring copies quizzes/scoring.py step for step.
//
// Browser storage (localStorage; the progress page reads it; every access may fail):
//   "crlm-quiz:<quiz id>:<content hash>"       practice answers to one version of a quiz
//   "crlm-quiz-exam:<quiz id>:<content hash>"  exam-mode answers (kept apart from practice)
//     value: JSON {"v": 1, "quiz": id, "hash": hash, "exam": bool,
//                  "answers": {question id: [option ids in bank order]},
//                  "checked": [question ids checked (or confirmed in an exam), bank order],
//                  "learner": string, "seed": display-order seed, "saved_at": ISO 8601}
//     Only checked questions count for the score and the downloaded file.
//   "crlm-quiz-seed"  this browser's display-order seed (hex), shared by every quiz
//   "crlm-quiz-progress"  index of the keys above:
//     JSON {"v": 1, "quizzes": {<storage key>: {"quiz", "hash", "title", "exam": bool,
//           "checked": n, "total": n, "score": 0..1 rounded to 4 decimals or null, "saved_at"}}}
// A key for the same quiz id under another hash holds answers to an earlier version: it is
// kept aside (reported, never applied, never deleted here). "Start again" removes only the
// current key and its index entry.

import { el, keepKeysInWidget } from "./dom.js";

export const PREFIX = "crlm-quiz:";
export const EXAM_PREFIX = "crlm-quiz-exam:";
export const INDEX_KEY = "crlm-quiz-progress";
export const SEED_KEY = "crlm-quiz-seed";
const SEED_PATTERN = /^[0-9a-f]{8,64}$/;
const FULL = 1 - 1e-6; // three credits of 0.3333333 make a full answer

// ---------------------------------------------------------------- scoring (pure)
export function questionsOf(payload) {
  const out = [];
  for (const c of payload?.cases || []) for (const q of c.questions || []) out.push(q);
  return out;
}

export function scoreQuestion(question, chosenIds) {
  const chosen = new Set(typeof chosenIds === "string" ? [chosenIds] : chosenIds || []);
  if (question.type === "single") {
    for (const o of question.options) if (chosen.has(o.id)) return o.credit;
    return 0;
  }
  let total = 0;
  for (const o of question.options) if (chosen.has(o.id)) total += o.credit; // bank order
  return Math.min(1, Math.max(0, total));
}

export function scoreQuiz(payload, answers) {
  const questions = {};
  let weighted = 0;
  let weights = 0;
  for (const q of questionsOf(payload)) {
    const s = scoreQuestion(q, own(answers, q.id) || []);
    questions[q.id] = s;
    weighted += q.weight * s;
    weights += q.weight;
  }
  return { questions, score: weights ? weighted / weights : 0 };
}

// One-argument form for tests (run_module_function passes a single input).
export function scoreInput({ payload, answers }) {
  return scoreQuiz(payload, answers);
}

// Python's round(x, 4): correctly rounded, ties to even. toFixed is correctly rounded but
// breaks ties upwards; exact ties at the 5th decimal are odd multiples of 1/32.
export function round4(x) {
  const t = x * 32;
  if (Number.isInteger(t) && Math.abs(t % 2) === 1) {
    const k = Math.floor(x * 10000);
    return (k % 2 === 0 ? k : k + 1) / 10000;
  }
  return Number(x.toFixed(4));
}

export function percent(x) {
  return `${(round4(x) * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

export function verdict(score) {
  if (score >= FULL) return "Correct";
  return score > 0 ? "Partly correct" : "Incorrect";
}

// ---------------------------------------------------------------- display order (pure)
// Port of quizzes/order.py: options shuffled per learner seed and question, pinned ones last.
export function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

export function mulberry32(state) {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
    t = (t ^ ((t + (Math.imul(t ^ (t >>> 7), t | 61) >>> 0)) >>> 0)) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function displayOrder(options, seed, quizId, questionId) {
  const free = options.filter((o) => o.pin !== "last").map((o) => o.id);
  const pinned = options.filter((o) => o.pin === "last").map((o) => o.id);
  const next = mulberry32(fnv1a32(`${seed}|${quizId}|${questionId}`));
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [free[i], free[j]] = [free[j], free[i]];
  }
  return [...free, ...pinned];
}

// One-argument form for tests.
export function displayOrders(cases) {
  return cases.map(({ options, seed, quiz, question }) => displayOrder(options, seed, quiz, question));
}

export function newSeed() {
  const bytes = new Uint8Array(8);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// ---------------------------------------------------------------- saved answers (pure)
function own(obj, key) {
  return obj && typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function storageKey(payload) {
  return `${payload.exam === true ? EXAM_PREFIX : PREFIX}${payload.id}:${payload.hash}`;
}

// Keep only what fits this quiz: known questions, known options (bank order), one option for a
// single-answer question, checked only where something was chosen. Anything else is dropped.
export function cleanSaved(payload, text) {
  const out = { answers: {}, checked: [], learner: "", seed: "" };
  let data;
  try {
    data = typeof text === "string" ? JSON.parse(text) : text;
  } catch {
    return out;
  }
  if (!isObj(data)) return out;
  const saved = isObj(data.answers) ? data.answers : {};
  const checked = Array.isArray(data.checked) ? data.checked : [];
  for (const q of questionsOf(payload)) {
    const ids = own(saved, q.id);
    if (!Array.isArray(ids)) continue;
    let keep = q.options.map((o) => o.id).filter((id) => ids.includes(id));
    if (q.type === "single") keep = keep.slice(0, 1);
    if (!keep.length) continue;
    out.answers[q.id] = keep;
    if (checked.includes(q.id)) out.checked.push(q.id);
  }
  if (typeof data.learner === "string") out.learner = data.learner.slice(0, 200);
  if (typeof data.seed === "string" && SEED_PATTERN.test(data.seed)) out.seed = data.seed;
  return out;
}

// The answer file of quizzes/answers.py (version 2: with the display-order seed). Only checked
// questions are included.
export function answerFile(payload, answers, checked, learner, savedAt, seed) {
  const chosen = {};
  for (const q of questionsOf(payload)) {
    const ids = own(answers, q.id);
    if (checked.includes(q.id) && ids?.length) chosen[q.id] = [...ids];
  }
  const name = (learner || "").trim().slice(0, 200);
  return {
    format: "crlm-quiz-answers", version: 2, quiz: payload.id, hash: payload.hash,
    learner: name || null, order_seed: seed, answers: chosen,
    score_shown: payload.exam === true ? null : round4(scoreQuiz(payload, chosen).score),
    saved_at: savedAt,
  };
}

// ---------------------------------------------------------------- storage (never throws)
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
function readItem(key) {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function writeItem(key, value) {
  try {
    const s = storage();
    if (!s) return false;
    s.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}
function removeItem(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing to clear */
  }
}
function keysStartingWith(prefix) {
  const out = [];
  try {
    const s = storage();
    for (let i = 0; s && i < s.length; i++) {
      const k = s.key(i);
      if (typeof k === "string" && k.startsWith(prefix)) out.push(k);
    }
  } catch {
    /* storage unavailable */
  }
  return out;
}
function updateIndex(key, entry) {
  let index;
  try {
    index = JSON.parse(readItem(INDEX_KEY));
  } catch {
    index = null;
  }
  if (!isObj(index) || !isObj(index.quizzes)) index = { v: 1, quizzes: {} };
  if (entry) index.quizzes[key] = entry;
  else delete index.quizzes[key];
  return writeItem(INDEX_KEY, JSON.stringify(index));
}

// ---------------------------------------------------------------- DOM helpers
let counter = 0;
// The only innerHTML in this file: *_html fields, sanitized at build time (markdown-it + nh3).
function trusted(tag, cls, sanitizedHtml, inline = false) {
  const node = el(tag, { class: cls });
  let html = typeof sanitizedHtml === "string" ? sanitizedHtml : "";
  // A one-paragraph text becomes phrasing content, so it may sit inside a <label>.
  if (inline && /^<p>/.test(html) && html.endsWith("</p>") && html.indexOf("<p>", 1) < 0) html = html.slice(3, -4);
  node.innerHTML = html;
  return node;
}
const ICON = { Correct: "✓", "Partly correct": "◐", Incorrect: "✗" };
function badge(word) {
  const span = el("span", { class: `qz-badge qz-${word.split(" ")[0].toLowerCase()}` });
  span.append(el("span", { class: "qz-icon", "aria-hidden": "true" }, ICON[word]), ` ${word}`);
  return span;
}

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
  const initial = cleanSaved(payload, stored !== null ? stored
    : { answers: model.get("answers"), checked: model.get("checked"), learner: model.get("learner") });
  // The order seed: kept with this quiz's answers (a reload shows the same order), else this
  // browser's seed, else a new one (storage blocked: the order holds for this page view only).
  let seed = initial.seed || (typeof model.get("seed") === "string" && SEED_PATTERN.test(model.get("seed")) ? model.get("seed") : "");
  if (!seed) {
    const shared = readItem(SEED_KEY);
    seed = typeof shared === "string" && SEED_PATTERN.test(shared) ? shared : newSeed();
    if (shared !== seed) writeItem(SEED_KEY, seed);
  }
  const state = { answers: initial.answers, checked: initial.checked, learner: initial.learner, seed };
  const shown = new Map(all.map((q) => {
    const byId = new Map(q.options.map((o) => [o.id, o]));
    return [q.id, displayOrder(q.options, seed, payload.id, q.id).map((id) => byId.get(id))];
  }));
  let storageFailed = false;
  let views = new Map();
  let live, scoreLine, summary, storageNote;

  const scored = () => scoreQuiz(payload, checkedAnswers());
  function checkedAnswers() {
    const out = {};
    for (const id of state.checked) out[id] = state.answers[id];
    return out;
  }

  function persist() {
    const savedAt = new Date().toISOString();
    const ok = writeItem(key, JSON.stringify({ v: 1, quiz: payload.id, hash: payload.hash, exam,
      answers: state.answers, checked: state.checked, learner: state.learner, seed: state.seed, saved_at: savedAt }));
    const indexed = ok && updateIndex(key, { quiz: payload.id, hash: payload.hash, title: String(payload.title || ""),
      exam, checked: state.checked.length, total: all.length,
      score: exam || !state.checked.length ? null : round4(scored().score), saved_at: savedAt });
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
    const intro = el("p", { class: "qz-intro" }, exam
      ? "Exam: there is no feedback and no score on this page. Answers are collected for grading: confirm each answer, then download your answers and give the file to your educator."
      : "Choose your answer, then press Check to see feedback. Your answers are kept in this browser.");
    widget.append(intro);
    if (older.length) {
      widget.append(el("p", { class: "qz-notice", role: "note" },
        "This quiz changed since you answered; your earlier answers were kept aside."));
    }
    storageNote = el("p", { class: "qz-notice" },
      "This browser is not keeping your answers (storage is blocked or full). Download them before you leave the page.");
    storageNote.hidden = !storageFailed;
    widget.append(storageNote);

    payload.cases.forEach((c, i) => {
      const section = el("section", { class: "qz-case", "aria-labelledby": `${uid}-c${i}` });
      section.append(el("h3", { id: `${uid}-c${i}` }, String(c.title || "Case")));
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
    for (const q of all) refreshQuestion(q);
    refreshTotals();
  }

  function buildQuestion(q) {
    const n = number.get(q.id);
    const base = `${uid}-q${n}`;
    const box = el("div", { class: "qz-question", id: base });
    const fieldset = el("fieldset", { "aria-describedby": `${base}-stem` });
    fieldset.append(el("legend", {}, `Question ${n} of ${all.length}: ${q.type === "single" ? "choose one answer" : "choose all that apply"}`));
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
    const check = el("button", { type: "button", class: "qz-button qz-check" }, exam ? "Confirm answer" : "Check answer");
    const hint = el("p", { class: "qz-hint" });
    const feedback = el("div", { class: "qz-feedback" });
    check.addEventListener("click", () => onCheck(q));
    box.append(fieldset, check, hint, feedback);
    if (!exam) box.append(printKey(q));
    views.set(q.id, { box, inputs, check, hint, feedback });
    return box;
  }

  // Every option's explanation, shown only on paper.
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

  function optionVerdict(q, o) {
    if (q.type === "single") return verdict(o.credit);
    return o.credit > 0 ? "Correct" : "Incorrect";
  }

  function onCheck(q) {
    const v = views.get(q.id);
    if (!state.answers[q.id]?.length) {
      v.hint.textContent = "Choose an answer first.";
      announce(`Question ${number.get(q.id)}: choose an answer first.`);
      return;
    }
    if (!state.checked.includes(q.id)) state.checked = all.map((x) => x.id).filter((id) => id === q.id || state.checked.includes(id));
    persist();
    refreshQuestion(q);
    refreshTotals();
    const n = number.get(q.id);
    const done = state.checked.length === all.length ? " All questions are answered." : "";
    if (exam) announce(`Question ${n}: answer recorded.${done}`);
    else {
      const s = scoreQuestion(q, state.answers[q.id]);
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
    const list = el("ul", { class: "qz-chosen", "aria-label": "Your choices" });
    for (const o of shown.get(q.id).filter((x) => chosen.includes(x.id))) list.append(optionFeedback(q, o));
    v.feedback.append(list);
    const keyed = shown.get(q.id).filter((o) => (q.type === "single" ? o.credit >= FULL : o.credit > 0));
    if (s < FULL && keyed.length) {
      v.feedback.append(el("p", { class: "qz-answer" }, keyed.length > 1 ? "Answers that earn credit:" : "Best answer:"));
      const ul = el("ul", { class: "qz-keyed" });
      for (const o of keyed) ul.append(trusted("li", "qz-option-text", o.text_html, true));
      v.feedback.append(ul);
    }
  }

  function optionFeedback(q, o) {
    const li = el("li", { class: "qz-choice" });
    const head = el("p", { class: "qz-choice-head" });
    head.append(badge(optionVerdict(q, o)), ": ", trusted("span", "qz-option-text", o.text_html, true));
    li.append(head, trusted("div", "qz-fb", o.feedback_html));
    const links = [...(o.follows || []).map((id) => ["Follows", id]), ...(o.contradicts || []).map((id) => ["Contradicts", id])];
    if (links.length) {
      const ul = el("ul", { class: "qz-recs" });
      for (const [how, id] of links) {
        const r = own(recs, id);
        if (!isObj(r)) continue;
        const item = el("li");
        item.append(el("span", { class: `qz-rel qz-${how.toLowerCase()}` }, `${how}:`), " ",
          el("strong", {}, String(r.label || id)), ` (${r.source === "review" ? "the review" : "another source, not the review"}). `,
          el("cite", { class: "qz-cite" }, String(r.citation || "")));
        ul.append(item);
      }
      li.append(ul);
    }
    return li;
  }

  function refreshTotals() {
    for (const q of all) {
      const v = views.get(q.id);
      v.box.hidden = !!q.reveal_after && !state.checked.includes(q.reveal_after);
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
    summary.append(el("p", {}, state.checked.length === all.length
      ? `All ${all.length} questions checked. Your score: ${percent(result.score)}.`
      : `${state.checked.length} of ${all.length} questions checked so far. Score: ${percent(result.score)}.`));
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
      const examining = all.filter((q) => q.options.some((o) => (o.follows || []).includes(id) || (o.contradicts || []).includes(id)));
      if (!examining.length || !isObj(r)) continue;
      const done = examining.filter((q) => state.checked.includes(q.id));
      const li = el("li");
      li.append(el("strong", {}, String(r.label || id)), ` (${r.source === "review" ? "the review" : "another source"}): `);
      const nums = `question${examining.length > 1 ? "s" : ""} ${examining.map((q) => number.get(q.id)).join(", ")}`;
      if (!done.length) li.append(`${nums}; none checked yet.`);
      else {
        let w = 0, ws = 0;
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
    name.addEventListener("input", () => {
      state.learner = name.value.slice(0, 200);
      persist();
    });
    nameRow.append(el("label", { for: nameId }, "Your name or ID (optional; it goes into the downloaded file)"), name);
    const download = el("button", { type: "button", class: "qz-button qz-download" }, "Download my answers");
    download.addEventListener("click", () => {
      const file = answerFile(payload, state.answers, state.checked, state.learner, new Date().toISOString(), state.seed);
      const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }));
      const a = el("a", { href: url, download: `${payload.id}-answers.json`, hidden: "" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      const held = Object.keys(file.answers).length;
      announce(`Downloaded ${payload.id}-answers.json with ${held} of ${all.length} answers.`);
    });
    const note = el("p", { class: "qz-download-note" }, `The file holds the questions you have ${exam ? "confirmed" : "checked"}${exam ? "" : " and the score shown here"}; your educator can grade it.`);
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
      state.answers = {};
      state.checked = [];
      state.learner = "";
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
  if (stored !== null || state.checked.length || Object.keys(state.answers).length) {
    model.set("answers", { ...state.answers });
    model.set("checked", [...state.checked]);
    model.set("learner", state.learner);
    model.set("seed", state.seed);
    model.save_changes();
  }
}

export default { render };
