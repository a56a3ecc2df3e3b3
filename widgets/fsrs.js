// FSRS-6 spaced-repetition scheduler: a line-for-line port of Scheduler.review_card() of the
// Python package `fsrs` 6.3.2 (py-fsrs, pinned in requirements.txt), which is the reference:
// tests/test_review_schedule.py replays scripted review histories through both and compares.
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

export const FSRS_PARAMETERS = [
  0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
  0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];
export const RATING = { Again: 1, Hard: 2, Good: 3, Easy: 4 };
export const STATE = { Learning: 1, Review: 2, Relearning: 3 };
const DAY_MS = 86400000;
const STABILITY_MIN = 0.001;

// The course's settings: whole days only (a checked question comes back on a later day, not in
// ten minutes), the package's default weights and target retention.
export const COURSE_SCHEDULER = {
  parameters: FSRS_PARAMETERS, desired_retention: 0.9, learning_steps: [], relearning_steps: [],
  maximum_interval: 36500,
};

export function newCard(now) {
  return { state: STATE.Learning, step: 0, stability: null, difficulty: null, due: now, last_review: null };
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
// timedelta.days of a non-negative span: whole days, rounded down.
const wholeDays = (ms) => Math.floor(ms / DAY_MS);
const pow = Math.pow;

// config: any of COURSE_SCHEDULER's fields (py-fsrs Scheduler's arguments; steps in seconds).
export function makeScheduler(settings = {}) {
  const config = { ...COURSE_SCHEDULER, ...settings };
  const w = config.parameters;
  const retention = config.desired_retention;
  const learning = config.learning_steps.map((s) => s * 1000);
  const relearning = config.relearning_steps.map((s) => s * 1000);
  const maxInterval = config.maximum_interval;
  const DECAY = -w[20];
  const FACTOR = pow(0.9, 1 / DECAY) - 1;

  const clampD = (d) => Math.min(Math.max(d, 1), 10);
  const clampS = (s) => Math.max(s, STABILITY_MIN);
  const initialStability = (g) => clampS(w[g - 1]);
  const initialDifficulty = (g, clamp) => {
    const d = w[4] - pow(Math.E, w[5] * (g - 1)) + 1;
    return clamp ? clampD(d) : d;
  };
  function nextIntervalDays(s) {
    let ivl = (s / FACTOR) * (pow(retention, 1 / DECAY) - 1);
    ivl = roundHalfEven(ivl);
    return Math.min(Math.max(ivl, 1), maxInterval);
  }
  function shortTermStability(s, g) {
    let inc = pow(Math.E, w[17] * (g - 3 + w[18])) * pow(s, -w[19]);
    if (g >= RATING.Hard) inc = Math.max(inc, 1.0);
    return clampS(s * inc);
  }
  function nextDifficulty(d, g) {
    const arg1 = initialDifficulty(RATING.Easy, false);
    const delta = -(w[6] * (g - 3));
    const arg2 = d + ((10.0 - d) * delta) / 9.0;
    return clampD(w[7] * arg1 + (1 - w[7]) * arg2);
  }
  function retrievability(card, now) {
    if (card.last_review == null || card.stability == null) return 0;
    const elapsed = Math.max(0, wholeDays(now - card.last_review));
    return pow(1 + (FACTOR * elapsed) / card.stability, DECAY);
  }
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
  function stepInterval(card, g, steps) {
    const toReview = () => {
      card.state = STATE.Review;
      card.step = null;
      return nextIntervalDays(card.stability) * DAY_MS;
    };
    if (steps.length === 0 || (card.step >= steps.length && g >= RATING.Hard)) return toReview();
    if (g === RATING.Again) {
      card.step = 0;
      return steps[0];
    }
    if (g === RATING.Hard) {
      if (card.step === 0 && steps.length === 1) return steps[0] * 1.5;
      if (card.step === 0 && steps.length >= 2) return (steps[0] + steps[1]) / 2.0;
      return steps[card.step];
    }
    if (g === RATING.Good) {
      if (card.step + 1 === steps.length) return toReview();
      card.step += 1;
      return steps[card.step];
    }
    return toReview(); // Easy
  }

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
      card.stability = sameDay ? shortTermStability(card.stability, g)
        : nextStability(card.difficulty, card.stability, retrievability(card, now), g);
      card.difficulty = nextDifficulty(card.difficulty, g);
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

// One-argument form for tests: replay {config, start, reviews: [{rating, at}]} and return the
// card after each review.
export function replay({ config, start, reviews }) {
  const scheduler = makeScheduler(config || {});
  let card = newCard(start);
  return reviews.map(({ rating, at }) => (card = scheduler.review(card, rating, at)));
}
