// Browser storage for the course's widgets: localStorage behind functions that never throw (it
// may be blocked, full or corrupt). The quiz writes per-quiz keys and an index the progress page
// reads (the key layout is documented at the top of quiz.js).

export const PREFIX = "crlm-quiz:";             // + "<quiz id>:<content hash>": practice answers
export const EXAM_PREFIX = "crlm-quiz-exam:";   // + "<quiz id>:<content hash>": exam answers
export const INDEX_KEY = "crlm-quiz-progress";  // index of the keys above (the progress page)
export const SEED_KEY = "crlm-quiz-seed";       // this browser's display-order seed
export const REVIEW_KEY = "crlm-review";        // the review queue (widgets/review-store.js)
export const CERTAINTY_KEY = "crlm-review-certainty"; // "on": rate certainty (review-store.js)
export const PRACTICE_KEY = "crlm-practice";    // a practice test in progress (review-practice.js)
// Every key above is the learner's history: widgets/history.js exports and imports exactly these.
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// A SCORM package swaps in its own store (widgets/lms.js): inside a learning platform the
// platform keeps the answers, and a shared computer's localStorage must not leak them.
let replacement = null;
export function useStore(store) {
  replacement = store;
}
function storage() {
  try {
    return replacement || window.localStorage;
  } catch {
    return null;
  }
}
export function readItem(key) {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
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
export function removeItem(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing to clear */
  }
}
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
export function updateIndex(key, entry) {
  let index;
  try {
    index = JSON.parse(readItem(INDEX_KEY));
  } catch {
    index = null;
  }
  if (!isObject(index) || !isObject(index.quizzes)) index = { v: 1, quizzes: {} };
  if (entry) index.quizzes[key] = entry;
  else delete index.quizzes[key];
  return writeItem(INDEX_KEY, JSON.stringify(index));
}
