// @ts-check
// Browser storage for the course's widgets: localStorage behind functions that never throw (it
// may be blocked, full or corrupt), and every key the course stores under.
//
// The keys are defined here and nowhere else: widgets/storage_keys.py reads these lines for the
// Python side (keep each one a plain `export const NAME = "value";`), and
// tests/test_js_modules.py fails if another widget module spells a key out.
// The quiz writes per-quiz keys and an index the progress page reads (layout: the header of
// quiz.js); the review page keeps its queue and its practice test (layout: the headers of
// review-store.js and review-practice.js).

export const PREFIX = "crlm-quiz:"; // + "<quiz id>:<content hash>": practice answers
export const EXAM_PREFIX = "crlm-quiz-exam:"; // + "<quiz id>:<content hash>": exam answers
export const INDEX_KEY = "crlm-quiz-progress"; // index of the keys above (the progress page)
export const SEED_KEY = "crlm-quiz-seed"; // this browser's display-order seed
export const REVIEW_KEY = "crlm-review"; // the review queue (review-store.js)
export const CERTAINTY_KEY = "crlm-review-certainty"; // "on" when the learner rates certainty
export const PRACTICE_KEY = "crlm-practice"; // the timed practice test in progress (review-practice.js)
export const PROBE_KEY = "crlm-review-probe"; // written and removed at once: can this page store? (review and history pages)
// Every key above but the probe is the learner's history: widgets/history.js exports and imports
// them. A new key goes into one of its lists (tests/test_history.py fails until it does).
/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** The part of the Web Storage interface the course uses (localStorage, or lms.js's store).
 * @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">} Store */

// A SCORM package swaps in its own store (widgets/lms.js): inside a learning platform the
// platform keeps the answers, and a shared computer's localStorage must not leak them.
/** @type {Store | null} */
let replacement = null;
/** @param {Store | null} store */
export function useStore(store) {
  replacement = store;
}
/** @returns {Store | null} */
function storage() {
  try {
    return replacement || window.localStorage;
  } catch {
    return null;
  }
}
/**
 * @param {string} key
 * @returns {string | null}
 */
export function readItem(key) {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
/**
 * @param {string} key
 * @param {string} value
 * @returns {boolean} whether it was stored
 */
export function writeItem(key, value) {
  try {
    const s = storage();
    if (!s) return false;
    s.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}
/** @param {string} key */
export function removeItem(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing to clear */
  }
}
/**
 * @param {string} prefix
 * @returns {string[]}
 */
export function keysStartingWith(prefix) {
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
/**
 * Set (or, with no entry, delete) the index entry of one quiz key.
 * @param {string} key
 * @param {object | null} [entry]
 * @returns {boolean} whether it was stored
 */
export function updateIndex(key, entry) {
  /** @type {Record<string, unknown> | null} */
  let index;
  try {
    index = JSON.parse(/** @type {string} */ (readItem(INDEX_KEY))); // JSON.parse(null) is null
  } catch {
    index = null;
  }
  if (!isObject(index) || !isObject(index.quizzes)) index = { v: 1, quizzes: {} };
  const quizzes = /** @type {Record<string, unknown>} */ (index.quizzes); // checked, or just made
  if (entry) quizzes[key] = entry;
  else delete quizzes[key];
  return writeItem(INDEX_KEY, JSON.stringify(index));
}
