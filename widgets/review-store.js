// The review queue kept in this browser: every checked quiz question is a card that the FSRS
// scheduler (fsrs.js) brings back. The quiz calls recordCheck() when a question is checked; the
// "Review what is due" page reads the cards and records its own reviews the same way.
//
// Browser storage: "crlm-review" holds JSON
//   {"v": 1, "cards": {"<quiz id>/<question id>": {"quiz", "question",
//       "card": {"state", "step", "stability", "difficulty", "due" (ms), "last_review" (ms)},
//       "log": [[at (ms), rating 1..4, score 0..1], ...]}}}
// When storage is blocked the queue lives in memory for this page view (cards() says which).

import { COURSE_SCHEDULER, RATING, STATE, makeScheduler, newCard } from "./fsrs.js";
import { readItem, writeItem } from "./storage.js";
import { FULL, isObj } from "./quiz-data.js";

export const REVIEW_KEY = "crlm-review";
export const LOG_LIMIT = 50; // reviews kept per card: enough to show a history, bounded in size
const scheduler = makeScheduler(COURSE_SCHEDULER);
let memory = null; // the queue when storage is blocked
let blocked = false;

// The rating a checked answer gives its card: full credit is "Good", part credit "Hard",
// none "Again" (widgets/review.py rating_for is the reference).
export function ratingFor(score) {
  if (score >= FULL) return RATING.Good;
  return score > 0 ? RATING.Hard : RATING.Again;
}

const finite = (v) => typeof v === "number" && Number.isFinite(v);

// Keep only well-formed cards; anything else in storage is ignored, never trusted.
export function cleanQueue(value) {
  const out = { v: 1, cards: {} };
  if (!isObj(value) || !isObj(value.cards)) return out;
  for (const [id, entry] of Object.entries(value.cards)) {
    if (!isObj(entry) || typeof entry.quiz !== "string" || typeof entry.question !== "string") continue;
    if (id !== `${entry.quiz}/${entry.question}`) continue;
    const c = entry.card;
    if (!isObj(c) || ![STATE.Learning, STATE.Review, STATE.Relearning].includes(c.state)) continue;
    if (!finite(c.due) || !(c.last_review === null || finite(c.last_review))) continue;
    if (!(c.stability === null || (finite(c.stability) && c.stability > 0))) continue;
    if (!(c.difficulty === null || finite(c.difficulty))) continue;
    if (!(c.step === null || Number.isInteger(c.step))) continue;
    const log = Array.isArray(entry.log) ? entry.log.filter((r) => Array.isArray(r) && finite(r[0]) && [1, 2, 3, 4].includes(r[1])) : [];
    out.cards[id] = { quiz: entry.quiz, question: entry.question,
      card: { state: c.state, step: c.step, stability: c.stability, difficulty: c.difficulty, due: c.due, last_review: c.last_review },
      log: log.slice(-LOG_LIMIT).map((r) => [r[0], r[1], finite(r[2]) ? r[2] : null]) };
  }
  return out;
}

export function loadQueue() {
  if (blocked && memory) return memory;
  const text = readItem(REVIEW_KEY);
  let value = null;
  try {
    value = text === null ? null : JSON.parse(text);
  } catch {
    value = null;
  }
  return cleanQueue(value);
}

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
export function recordCheck(quizId, questionId, score, now = Date.now()) {
  const queue = loadQueue();
  const id = `${quizId}/${questionId}`;
  const entry = queue.cards[id] || { quiz: quizId, question: questionId, card: newCard(now), log: [] };
  const rating = ratingFor(score);
  entry.card = scheduler.review(entry.card, rating, now);
  entry.log = [...entry.log, [now, rating, score]].slice(-LOG_LIMIT);
  queue.cards[id] = entry;
  saveQueue(queue);
  return entry;
}

// Local midnight at the end of the day holding `now`, and `days` later.
export function endOfDay(now, days = 0) {
  const d = new Date(now);
  d.setHours(24 * (days + 1), 0, 0, 0);
  return d.getTime();
}

// Cards due by the end of today, and how many more fall due in the next seven days.
export function dueSummary(queue, now = Date.now()) {
  const entries = Object.values(queue.cards);
  const today = entries.filter((e) => e.card.due < endOfDay(now));
  const week = entries.filter((e) => e.card.due >= endOfDay(now) && e.card.due < endOfDay(now, 7));
  return { today, week, total: entries.length };
}
