// @ts-check
// FSRS-6 spaced-repetition scheduler: a line-for-line port of Scheduler.review_card() of the
// Python package `fsrs` 6.3.2 (py-fsrs, pinned in requirements.txt), which is the reference:
// tests/test_review_schedule.py replays scripted review histories through both and compares
// (replay() in tests/js/adapters.js drives this module).
// Differences, all deliberate: times are epoch milliseconds (not datetimes), steps are seconds,
// and there is no fuzzing (py-fsrs fuzzes with an unseeded random(); the course turns it off so
// the two agree and a learner's schedule can be explained).
//
// Port of py-fsrs, MIT License, Copyright (c) 2022 Open Spaced Repetition:
//   Permission is hereby granted, free of charge, to any person obtaining a copy of this software
//   and associated documentation files (the "Software"), to deal in the Software without
//   restriction, including without limitation the rights to use, copy, modify, merge, publish,
//   distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
//   Software is furnished to do so, subject to the following conditions: The above copyright
//   notice and this permission notice shall be included in all copies or substantial portions of
//   the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
//   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
//   PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
//   LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
//   OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
//   DEALINGS IN THE SOFTWARE.
//
// This file imports nothing, so a test can load it on its own.

/**
 * A card as py-fsrs keeps it, times in epoch ms. A new card has no stability or difficulty yet;
 * a learning or relearning card is on a step, a card in review on none.
 * @typedef {object} Card
 * @property {number} state one of STATE
 * @property {number | null} step
 * @property {number | null} stability
 * @property {number | null} difficulty
 * @property {number} due
 * @property {number | null} last_review
 */
/**
 * py-fsrs Scheduler's arguments (steps in seconds, the maximum interval in days).
 * @typedef {object} SchedulerConfig
 * @property {number[]} parameters the 21 FSRS-6 weights
 * @property {number} desired_retention
 * @property {number[]} learning_steps
 * @property {number[]} relearning_steps
 * @property {number} maximum_interval
 */
/**
 * @typedef {object} Scheduler
 * @property {(card: Card, rating: number, now: number) => Card} review the card after a review
 * @property {(card: Card, now: number) => number} retrievability
 */

export const FSRS_PARAMETERS = [
  0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483,
  0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];
export const RATING = { Again: 1, Hard: 2, Good: 3, Easy: 4 };
export const STATE = { Learning: 1, Review: 2, Relearning: 3 };
const DAY_MS = 86400000;
const STABILITY_MIN = 0.001;

// The course's settings: whole days only (a checked question comes back on a later day, not in
// ten minutes), the package's default weights and target retention.
/** @type {SchedulerConfig} */
export const COURSE_SCHEDULER = {
  parameters: FSRS_PARAMETERS,
  desired_retention: 0.9,
  learning_steps: [],
  relearning_steps: [],
  maximum_interval: 36500,
};

/**
 * @param {number} now
 * @returns {Card}
 */
export function newCard(now) {
  return { state: STATE.Learning, step: 0, stability: null, difficulty: null, due: now, last_review: null };
}

// Python's round(): halves go to the even neighbour.
/** @param {number} x */
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
// timedelta.days of a non-negative span: whole days, rounded down.
const wholeDays = (/** @type {number} */ ms) => Math.floor(ms / DAY_MS);
const pow = Math.pow;

// config: any of COURSE_SCHEDULER's fields (py-fsrs Scheduler's arguments; steps in seconds).
/**
 * @param {Partial<SchedulerConfig>} [settings]
 * @returns {Scheduler}
 */
export function makeScheduler(settings = {}) {
  const config = { ...COURSE_SCHEDULER, ...settings };
  const w = config.parameters;
  const retention = config.desired_retention;
  const learning = config.learning_steps.map((s) => s * 1000);
  const relearning = config.relearning_steps.map((s) => s * 1000);
  const maxInterval = config.maximum_interval;
  const DECAY = -w[20];
  const FACTOR = pow(0.9, 1 / DECAY) - 1;

  // d: difficulty, s: stability, r: retrievability, g: rating (as in py-fsrs).
  const clampD = (/** @type {number} */ d) => Math.min(Math.max(d, 1), 10);
  const clampS = (/** @type {number} */ s) => Math.max(s, STABILITY_MIN);
  const initialStability = (/** @type {number} */ g) => clampS(w[g - 1]);
  /**
   * @param {number} g
   * @param {boolean} clamp
   */
  const initialDifficulty = (g, clamp) => {
    const d = w[4] - pow(Math.E, w[5] * (g - 1)) + 1;
    return clamp ? clampD(d) : d;
  };
  /** @param {number} s */
  function nextIntervalDays(s) {
    let ivl = (s / FACTOR) * (pow(retention, 1 / DECAY) - 1);
    ivl = roundHalfEven(ivl);
    return Math.min(Math.max(ivl, 1), maxInterval);
  }
  /**
   * @param {number} s
   * @param {number} g
   */
  function shortTermStability(s, g) {
    let inc = pow(Math.E, w[17] * (g - 3 + w[18])) * pow(s, -w[19]);
    if (g >= RATING.Hard) inc = Math.max(inc, 1.0);
    return clampS(s * inc);
  }
  /**
   * @param {number} d
   * @param {number} g
   */
  function nextDifficulty(d, g) {
    const arg1 = initialDifficulty(RATING.Easy, false);
    const delta = -(w[6] * (g - 3));
    const arg2 = d + ((10.0 - d) * delta) / 9.0;
    return clampD(w[7] * arg1 + (1 - w[7]) * arg2);
  }
  /**
   * @param {Card} card
   * @param {number} now
   */
  function retrievability(card, now) {
    if (card.last_review == null || card.stability == null) return 0;
    const elapsed = Math.max(0, wholeDays(now - card.last_review));
    return pow(1 + (FACTOR * elapsed) / card.stability, DECAY);
  }
  /**
   * @param {number} d
   * @param {number} s
   * @param {number} r
   * @param {number} g
   */
  function nextStability(d, s, r, g) {
    let next;
    if (g === RATING.Again) {
      const longTerm = w[11] * pow(d, -w[12]) * (pow(s + 1, w[13]) - 1) * pow(Math.E, (1 - r) * w[14]);
      const shortTerm = s / pow(Math.E, w[17] * w[18]);
      next = Math.min(longTerm, shortTerm);
    } else {
      const hard = g === RATING.Hard ? w[15] : 1;
      const easy = g === RATING.Easy ? w[16] : 1;
      next = s * (1 + pow(Math.E, w[8]) * (11 - d) * pow(s, -w[9]) * (pow(Math.E, (1 - r) * w[10]) - 1) * hard * easy);
    }
    return clampS(next);
  }

  // The learning and relearning states share one step logic (py-fsrs repeats it for each).
  // The card has just been given its stability, and it is on a step.
  /**
   * @param {Card} card
   * @param {number} g
   * @param {number[]} steps
   * @returns {number} the interval in ms
   */
  function stepInterval(card, g, steps) {
    const step = /** @type {number} */ (card.step);
    const toReview = () => {
      card.state = STATE.Review;
      card.step = null;
      return nextIntervalDays(/** @type {number} */ (card.stability)) * DAY_MS;
    };
    if (steps.length === 0 || (step >= steps.length && g >= RATING.Hard)) return toReview();
    if (g === RATING.Again) {
      card.step = 0;
      return steps[0];
    }
    if (g === RATING.Hard) {
      if (step === 0 && steps.length === 1) return steps[0] * 1.5;
      if (step === 0 && steps.length >= 2) return (steps[0] + steps[1]) / 2.0;
      return steps[step];
    }
    if (g === RATING.Good) {
      if (step + 1 === steps.length) return toReview();
      card.step = step + 1;
      return steps[card.step];
    }
    return toReview(); // Easy
  }

  /**
   * @param {Card} previous
   * @param {number} g
   * @param {number} now
   * @returns {Card}
   */
  function review(previous, g, now) {
    if (![1, 2, 3, 4].includes(g)) throw new Error(`Unknown rating: ${g}`);
    const card = { ...previous };
    const sinceLast = card.last_review != null ? wholeDays(now - card.last_review) : null;
    const sameDay = sinceLast !== null && sinceLast < 1;
    let interval;
    if (card.state === STATE.Learning || card.state === STATE.Relearning) {
      if (card.stability == null || card.difficulty == null) {
        card.stability = initialStability(g);
        card.difficulty = initialDifficulty(g, true);
      } else if (sameDay) {
        card.stability = shortTermStability(card.stability, g);
        card.difficulty = nextDifficulty(card.difficulty, g);
      } else {
        card.stability = nextStability(card.difficulty, card.stability, retrievability(card, now), g);
        card.difficulty = nextDifficulty(card.difficulty, g);
      }
      interval = stepInterval(card, g, card.state === STATE.Learning ? learning : relearning);
    } else if (card.state === STATE.Review) {
      // A card that has been reviewed has a stability and a difficulty.
      const s = /** @type {number} */ (card.stability);
      const d = /** @type {number} */ (card.difficulty);
      card.stability = sameDay ? shortTermStability(s, g) : nextStability(d, s, retrievability(card, now), g);
      card.difficulty = nextDifficulty(d, g);
      if (g === RATING.Again && relearning.length) {
        card.state = STATE.Relearning;
        card.step = 0;
        interval = relearning[0];
      } else {
        interval = nextIntervalDays(card.stability) * DAY_MS;
      }
    } else {
      throw new Error(`Unknown card state: ${card.state}`);
    }
    card.due = now + interval;
    card.last_review = now;
    return card;
  }

  return { review, retrievability };
}
