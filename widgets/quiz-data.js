// @ts-check
// The quiz's pure logic: scoring (a step-for-step copy of quizzes/scoring.py), saved answers
// (cleaned, and merged across tabs) and the answer file of quizzes/answers.py. No DOM, no storage.

/**
 * The widget payload of quizzes/pages/payload.py, as far as these functions read it. An exam
 * build leaves the options' credit out (the key stays in Python); nothing scores such a payload.
 * @typedef {object} Payload
 * @property {string} id
 * @property {string} hash
 * @property {boolean} [exam]
 * @property {{ questions?: Question[] }[]} [cases]
 */
/**
 * @typedef {object} Question
 * @property {string} id
 * @property {"single" | "multiple"} type
 * @property {number} weight
 * @property {Option[]} options in bank order
 */
/**
 * @typedef {object} Option
 * @property {string} id
 * @property {number} credit 0 to 1
 * @property {string} [pin] "last": shown after the shuffled options
 */
/** Question id -> the chosen option ids.
 * @typedef {Record<string, string[]>} Answers */
/**
 * What the quiz saves for one quiz version (the header of quiz.js has the stored form).
 * @typedef {object} Saved
 * @property {Answers} answers
 * @property {string[]} checked question ids, bank order
 * @property {string} learner
 * @property {string} seed the display-order seed, or ""
 * @property {Record<string, number>} times question id -> ms of the last change or check
 * @property {number} learner_at ms of the last change of the name
 */

export const SEED_PATTERN = /^[0-9a-f]{8,64}$/;
export const FULL = 1 - 1e-6; // three credits of 0.3333333 make a full answer

// ---------------------------------------------------------------- scoring (pure)
/**
 * @param {Payload | null | undefined} payload
 * @returns {Question[]} every question, in bank order
 */
export function questionsOf(payload) {
  const out = [];
  for (const c of payload?.cases || []) for (const q of c.questions || []) out.push(q);
  return out;
}

/**
 * @param {Question} question
 * @param {string | string[] | null | undefined} chosenIds
 * @returns {number} the credit, 0 to 1
 */
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

/**
 * @param {Payload} payload
 * @param {Answers} answers
 * @returns {{ questions: Record<string, number>, score: number }}
 */
export function scoreQuiz(payload, answers) {
  /** @type {Record<string, number>} */
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

// Python's round(x, 4): correctly rounded, ties to even. toFixed is correctly rounded but
// breaks ties upwards; exact ties at the 5th decimal are odd multiples of 1/32.
/**
 * @param {number} x
 * @returns {number}
 */
export function round4(x) {
  const t = x * 32;
  if (Number.isInteger(t) && Math.abs(t % 2) === 1) {
    const k = Math.floor(x * 10000);
    return (k % 2 === 0 ? k : k + 1) / 10000;
  }
  return Number(x.toFixed(4));
}

/**
 * @param {number} x
 * @returns {string}
 */
export function percent(x) {
  return `${(round4(x) * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

/**
 * @param {number} score
 * @returns {string}
 */
export function verdict(score) {
  if (score >= FULL) return "Correct";
  return score > 0 ? "Partly correct" : "Incorrect";
}

// ---------------------------------------------------------------- saved answers (pure)
/**
 * obj[key] when obj is an object with key as its own property (never an inherited one).
 * @template T
 * @param {Record<string, T> | null | undefined} obj
 * @param {string} key
 * @returns {T | undefined}
 */
export function own(obj, key) {
  return obj && typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>} a plain object (not null, not an array)
 */
export const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
/**
 * @param {unknown} v
 * @returns {v is number} Number.isFinite, as a type guard
 */
const isFiniteNumber = (v) => Number.isFinite(v);

// Keep only what fits this quiz: known questions, known options (bank order), one option for a
// single-answer question, checked only where something was chosen. Anything else is dropped.
/**
 * @param {Payload} payload
 * @param {unknown} text the stored JSON text, or an already parsed value
 * @returns {Saved}
 */
export function cleanSaved(payload, text) {
  /** @type {Saved} */
  const out = { answers: {}, checked: [], learner: "", seed: "", times: {}, learner_at: 0 };
  /** @type {unknown} */
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
  const times = isObj(data.times) ? data.times : {};
  for (const q of questionsOf(payload)) {
    const t = own(times, q.id);
    if (isFiniteNumber(t)) out.times[q.id] = t;
  }
  if (isFiniteNumber(data.learner_at)) out.learner_at = data.learner_at;
  if (typeof data.learner === "string") out.learner = data.learner.slice(0, 200);
  if (typeof data.seed === "string" && SEED_PATTERN.test(data.seed)) out.seed = data.seed;
  return out;
}

// Two saved states of the same quiz (this tab's and another's) as one. Per question: a checked
// answer beats an unchecked one (a check is final), otherwise the later change wins (ties: mine).
/**
 * @param {Payload} payload
 * @param {Saved} mine
 * @param {Saved} theirs
 * @returns {Saved}
 */
export function mergeSaved(payload, mine, theirs) {
  /** @type {Saved} */
  const out = { answers: {}, checked: [], times: {}, seed: mine.seed || theirs.seed || "", learner: "", learner_at: 0 };
  for (const q of questionsOf(payload)) {
    const side = (/** @type {Saved} */ st) => ({
      ids: own(st.answers, q.id),
      checked: st.checked.includes(q.id),
      t: own(st.times, q.id) || 0,
    });
    const a = side(mine);
    const b = side(theirs);
    const win = a.checked !== b.checked ? (a.checked ? a : b) : b.t > a.t ? b : a;
    if (win.ids?.length) out.answers[q.id] = [...win.ids];
    if (win.checked && win.ids?.length) out.checked.push(q.id);
    if (win.t) out.times[q.id] = win.t;
  }
  const later = (theirs.learner_at || 0) > (mine.learner_at || 0) ? theirs : mine;
  out.learner = later.learner || "";
  out.learner_at = later.learner_at || 0;
  return out;
}

// The answer file of quizzes/answers.py (version 3: with the display-order seed and the mode of
// the build, so that `grade --exam` can refuse a practice file). Only checked questions are included.
/**
 * @param {Payload} payload
 * @param {Answers} answers
 * @param {string[]} checked
 * @param {string | null | undefined} learner
 * @param {string} savedAt ISO 8601
 * @param {string} seed
 */
export function answerFile(payload, answers, checked, learner, savedAt, seed) {
  /** @type {Answers} */
  const chosen = {};
  for (const q of questionsOf(payload)) {
    const ids = own(answers, q.id);
    if (checked.includes(q.id) && ids?.length) chosen[q.id] = [...ids];
  }
  const name = (learner || "").trim().slice(0, 200);
  return {
    format: "crlm-quiz-answers",
    version: 3,
    mode: payload.exam === true ? "exam" : "practice",
    quiz: payload.id,
    hash: payload.hash,
    learner: name || null,
    order_seed: seed,
    answers: chosen,
    score_shown: payload.exam === true ? null : round4(scoreQuiz(payload, chosen).score),
    saved_at: savedAt,
  };
}

// The download's file name: quiz, learner and mode, so that a folder of collected files does not
// overwrite itself ("quiz-haip-ada-lovelace-answers.json", "quiz-haip-exam-ada-lovelace-answers.json").
// The learner part keeps letters and digits of any script (lower case), everything else becomes
// one "-"; it is only a name: the grader reads the learner from inside the file.
/**
 * @param {Payload} payload
 * @param {string | null | undefined} learner
 * @returns {string}
 */
export function downloadName(payload, learner) {
  const slug = (/** @type {unknown} */ text, /** @type {number} */ max) =>
    String(text || "")
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "");
  const who = slug(learner, 60) || "anonymous";
  const quiz = slug(payload.id, 60) || "quiz";
  return `${quiz}${payload.exam === true ? "-exam" : ""}-${who}-answers.json`;
}
