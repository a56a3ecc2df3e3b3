// @ts-check
// One-argument forms of the widgets' pure functions, for the parity tests: run_module_function
// (tests/browser_support.py) imports a module in the test browser and calls fn(input) on each
// input, while the production functions take several arguments. Kept here, beside the tests, so
// that no widget bundle carries code only the tests call.

import { comboKey, lookup } from "../../widgets/decision.js";
import { makeScheduler, newCard } from "../../widgets/fsrs.js";
import { displayOrder } from "../../widgets/order.js";
import { scoreQuiz } from "../../widgets/quiz-data.js";
import { cbmMark, ratingFor, reviewPriority } from "../../widgets/review-store.js";

/** @typedef {import("../../widgets/quiz-data.js").Payload} Payload */
/** @typedef {import("../../widgets/quiz-data.js").Answers} Answers */
/** @typedef {import("../../widgets/fsrs.js").SchedulerConfig} SchedulerConfig */
/** @typedef {import("../../widgets/fsrs.js").Card} Card */
/** The choices of decision.js: the situation a learner describes.
 * @typedef {{ setting: string, disease: string, goal: string, contraindications: string[] }} Situation */

// quiz-data.js: scoreQuiz(payload, answers).
/** @param {{ payload: Payload, answers: Answers }} input */
export function scoreInput({ payload, answers }) {
  return scoreQuiz(payload, answers);
}

// decision.js, in bulk: every input against one copy of the table (sent to the browser once).
/** @param {{ table: object, inputs: Situation[] }} input the table of widgets/decision.py compact_table() */
export function lookupAll({ table, inputs }) {
  return inputs.map((input) => lookup(table, input));
}

/** @param {{ order: Record<string, string[]>, inputs: Situation[] }} input */
export function comboKeyAll({ order, inputs }) {
  return inputs.map((input) => comboKey(order, input));
}

// order.js, in bulk: [{options, seed, quiz, question}] -> the display order of each.
/** @param {{ options: { id: string, pin?: string | null }[], seed: string, quiz: string, question: string }[]} cases */
export function displayOrders(cases) {
  return cases.map(({ options, seed, quiz, question }) => displayOrder(options, seed, quiz, question));
}

// review-store.js, in bulk: [[score, certainty]] -> [[rating, certainty mark or null]].
/** @param {[number, number | null][]} cases */
export function ratingsFor(cases) {
  return cases.map(([score, certainty]) => [ratingFor(score, certainty), certainty ? cbmMark(score, certainty) : null]);
}

// fsrs.js: replay {config, start, reviews: [{rating, at}]} and return the card after each review
// (the same input and output as replay() in widgets/review.py).
/**
 * @param {{ config: Partial<SchedulerConfig> | null, start: number, reviews: { rating: number, at: number }[] }} history
 * @returns {Card[]}
 */
export function replay({ config, start, reviews }) {
  const scheduler = makeScheduler(config || {});
  let card = newCard(start);
  return reviews.map(({ rating, at }) => (card = scheduler.review(card, rating, at)));
}

// review-store.js: the priority group of each of a list of card logs.
/** @param {import("../../widgets/review-store.js").LogEntry[][]} logs */
export function priorities(logs) {
  return logs.map((log) => reviewPriority({ log }));
}
