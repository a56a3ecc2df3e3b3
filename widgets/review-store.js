// @ts-check
// The review queue kept in this browser: every checked quiz question is a card that the FSRS
// scheduler (fsrs.js) brings back. The quiz calls recordCheck() when a question is checked; the
// "Review what is due" page reads the cards and records its own reviews the same way.
//
// Browser storage (key names in storage.js): "crlm-review" holds JSON
//   {"v": 1, "cards": {"<quiz id>/<question id>": {"quiz", "question",
//       "card": {"state", "step", "stability", "difficulty", "due" (ms), "last_review" (ms)},
//       "log": [[at (ms), rating 1..4, score 0..1, certainty 1..3 or null], ...]}}}
//   "crlm-review-certainty": "on" when the learner rates certainty (off by default)
// When storage is blocked the queue lives in memory for this page view (cards() says which).

import { COURSE_SCHEDULER, RATING, STATE, makeScheduler, newCard } from "./fsrs.js";
import { REVIEW_KEY, readItem, writeItem } from "./storage.js";
import { FULL, isObj } from "./quiz-data.js";

/** @typedef {import("./fsrs.js").Card} Card */
/**
 * One review in a card's log: [at (ms), rating 1..4, score 0..1 or null, certainty 1..3 or null].
 * @typedef {[number, number, number | null, number | null]} LogEntry
 */
/**
 * @typedef {object} CardEntry
 * @property {string} quiz
 * @property {string} question
 * @property {Card} card
 * @property {LogEntry[]} log
 */
/** @typedef {{ v: number, cards: Record<string, CardEntry> }} Queue cards by "<quiz id>/<question id>" */

export const LOG_LIMIT = 50; // reviews kept per card: enough to show a history, bounded in size
const scheduler = makeScheduler(COURSE_SCHEDULER);
/** @type {Queue | null} */
let memory = null; // the queue when storage is blocked
let blocked = false;

// The rating a checked answer gives its card: full credit is "Good", part credit "Hard", none
// "Again". With a certainty (1 low, 2 medium, 3 high) a full answer given with high certainty is
// "Easy" and one given with low certainty "Hard". widgets/review.py rating_for is the reference.
export const CERTAINTY = { 1: "low", 2: "medium", 3: "high" };
/**
 * @param {number} score
 * @param {number | null} [certainty]
 * @returns {number} one of fsrs.js's RATING
 */
export function ratingFor(score, certainty = null) {
  if (score >= FULL) return certainty === 3 ? RATING.Easy : certainty === 1 ? RATING.Hard : RATING.Good;
  return score > 0 ? RATING.Hard : RATING.Again;
}

// Certainty-based marking (as Moodle's CBM): a fully correct answer earns 1, 2 or 3 for low,
// medium or high certainty, any other answer 0, -2 or -6. A calibration score, apart from the
// quiz's graded score. widgets/review.py cbm_mark is the reference.
/**
 * @param {number} score
 * @param {number} certainty 1, 2 or 3
 * @returns {number}
 */
export function cbmMark(score, certainty) {
  return score >= FULL ? [1, 2, 3][certainty - 1] : [0, -2, -6][certainty - 1];
}
// Average mark over the reviews rated with a certainty, or null before any.
/**
 * @param {Queue} queue
 * @returns {{ count: number, mean: number | null }}
 */
export function calibration(queue) {
  const marks = [];
  for (const e of Object.values(queue.cards))
    for (const r of e.log) if (oneOf([1, 2, 3], r[3]) && finite(r[2])) marks.push(cbmMark(r[2], r[3]));
  return { count: marks.length, mean: marks.length ? marks.reduce((a, b) => a + b, 0) / marks.length : null };
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
const finite = (v) => typeof v === "number" && Number.isFinite(v);
/**
 * @template T
 * @param {readonly T[]} values
 * @param {unknown} v
 * @returns {v is T} v is one of the values
 */
const oneOf = (values, v) => values.includes(/** @type {T} */ (v));

/**
 * A card as fsrs.js makes them: a known state, finite times, a positive stability or none.
 * @param {unknown} c
 * @returns {c is Card}
 */
function isCard(c) {
  if (!isObj(c) || !oneOf([STATE.Learning, STATE.Review, STATE.Relearning], c.state)) return false;
  if (!finite(c.due) || !(c.last_review === null || finite(c.last_review))) return false;
  if (!(c.stability === null || (finite(c.stability) && c.stability > 0))) return false;
  if (!(c.difficulty === null || finite(c.difficulty))) return false;
  return c.step === null || Number.isInteger(c.step);
}

// Keep only well-formed cards; anything else in storage is ignored, never trusted.
/**
 * @param {unknown} value the parsed storage
 * @returns {Queue}
 */
export function cleanQueue(value) {
  /** @type {Queue} */
  const out = { v: 1, cards: {} };
  if (!isObj(value) || !isObj(value.cards)) return out;
  for (const [id, entry] of Object.entries(value.cards)) {
    if (!isObj(entry) || typeof entry.quiz !== "string" || typeof entry.question !== "string") continue;
    if (id !== `${entry.quiz}/${entry.question}`) continue;
    const c = entry.card;
    if (!isCard(c)) continue;
    const log = Array.isArray(entry.log)
      ? entry.log.filter((r) => Array.isArray(r) && finite(r[0]) && [1, 2, 3, 4].includes(r[1]))
      : [];
    out.cards[id] = {
      quiz: entry.quiz,
      question: entry.question,
      card: {
        state: c.state,
        step: c.step,
        stability: c.stability,
        difficulty: c.difficulty,
        due: c.due,
        last_review: c.last_review,
      },
      log: log
        .slice(-LOG_LIMIT)
        .map((r) => [r[0], r[1], finite(r[2]) ? r[2] : null, [1, 2, 3].includes(r[3]) ? r[3] : null]),
    };
  }
  return out;
}

/** @returns {Queue} */
export function loadQueue() {
  if (blocked && memory) return memory;
  const text = readItem(REVIEW_KEY);
  let value;
  try {
    value = text === null ? null : JSON.parse(text);
  } catch {
    value = null; // damaged storage starts an empty queue
  }
  return cleanQueue(value);
}

/**
 * @param {Queue} queue
 * @returns {boolean} whether it was stored
 */
function saveQueue(queue) {
  if (writeItem(REVIEW_KEY, JSON.stringify(queue))) {
    blocked = false;
    memory = null;
    return true;
  }
  blocked = true;
  memory = queue;
  return false;
}

export function storageBlocked() {
  return blocked;
}

// One checked answer: schedule the card from its rating and keep the review in its log.
// Re-reads storage first, so another tab's reviews are kept. Returns the card's new entry.
/**
 * @param {string} quizId
 * @param {string} questionId
 * @param {number} score 0 to 1
 * @param {number} [now] ms
 * @param {number | null} [certainty] 1..3
 * @returns {CardEntry}
 */
export function recordCheck(quizId, questionId, score, now = Date.now(), certainty = null) {
  const queue = loadQueue();
  const id = `${quizId}/${questionId}`;
  const entry = queue.cards[id] || { quiz: quizId, question: questionId, card: newCard(now), log: [] };
  const rating = ratingFor(score, certainty);
  entry.card = scheduler.review(entry.card, rating, now);
  /** @type {LogEntry} */
  const logged = [now, rating, score, certainty];
  entry.log = [...entry.log, logged].slice(-LOG_LIMIT);
  queue.cards[id] = entry;
  saveQueue(queue);
  return entry;
}

// The schedule is in whole days, so a wrong answer given with high certainty falls due the same
// day as any wrong answer; within a session it comes first. Group 0: last answered not fully
// right with high certainty; 1: with medium certainty; 2: everything else. The order only; the
// cards' schedule is untouched (it stays equal to py-fsrs).
/**
 * @param {Pick<CardEntry, "log">} entry
 * @returns {number} 0, 1 or 2
 */
export function reviewPriority(entry) {
  const last = entry.log[entry.log.length - 1];
  if (!last || !(finite(last[2]) && last[2] < FULL)) return 2;
  return last[3] === 3 ? 0 : last[3] === 2 ? 1 : 2;
}
// Due entries in session order: by group, each group in the order `shuffle` gives it.
/**
 * @template {Pick<CardEntry, "log">} T
 * @param {T[]} entries
 * @param {(xs: T[]) => T[]} [shuffle]
 * @returns {T[]}
 */
export function reviewOrder(entries, shuffle = (xs) => xs) {
  return [0, 1, 2].flatMap((g) => shuffle(entries.filter((e) => reviewPriority(e) === g)));
}

// Local midnight at the end of the day holding `now`, and `days` later.
/**
 * @param {number} now ms
 * @param {number} [days]
 * @returns {number} ms
 */
export function endOfDay(now, days = 0) {
  const d = new Date(now);
  d.setHours(24 * (days + 1), 0, 0, 0);
  return d.getTime();
}

// Cards due by the end of today, and how many more fall due in the next seven days.
/**
 * @param {Queue} queue
 * @param {number} [now] ms
 * @returns {{ today: CardEntry[], week: CardEntry[], total: number }}
 */
export function dueSummary(queue, now = Date.now()) {
  const entries = Object.values(queue.cards);
  const today = entries.filter((e) => e.card.due < endOfDay(now));
  const week = entries.filter((e) => e.card.due >= endOfDay(now) && e.card.due < endOfDay(now, 7));
  return { today, week, total: entries.length };
}
