// Timed practice test on the review page: a random draw of questions from the quizzes the learner
// picks, a visible timer, flags to come back to a question, and feedback and the score only at
// the end (or when time runs out: it submits itself). It never touches a quiz page's answers;
// the answered questions join the review queue like any other check.
//
// Browser storage: "crlm-practice" holds the test in progress (so answers and flags survive a
// reload) as JSON {"v": 1, "items": [card ids], "answers": {card id: [option ids]},
//   "flags": [card ids], "ends": ms, "submitted_at": ms or null,
//   "asked": how many questions the learner asked for (more than items when the pick held fewer)}.

import { el } from "./dom.js";
import { PRACTICE_KEY, readItem, removeItem, writeItem } from "./storage.js";
import { isObj, percent, scoreQuestion } from "./quiz-data.js";
import { questionBlock, shuffled } from "./review-question.js";
import { recordCheck } from "./review-store.js";

// The weighted score of a drawn test: unanswered questions count as 0 (widgets/review.py
// practice_score is the reference).
export function practiceScore(items, answers) {
  let w = 0;
  let sum = 0;
  for (const { id, q } of items) {
    const chosen = answers[id];
    w += q.weight;
    sum += q.weight * (Array.isArray(chosen) && chosen.length ? scoreQuestion(q, chosen) : 0);
  }
  return w ? sum / w : 0;
}

export function loadPractice(index) {
  let value;
  try {
    value = JSON.parse(readItem(PRACTICE_KEY));
  } catch {
    return null;
  }
  if (!isObj(value) || !Array.isArray(value.items) || !Number.isFinite(value.ends)) return null;
  const items = value.items.filter((id) => typeof id === "string" && index.has(id));
  if (!items.length) return null;
  const answers = {};
  for (const id of items) {
    const ids = isObj(value.answers) && Array.isArray(value.answers[id]) ? value.answers[id] : [];
    const q = index.get(id).q;
    const keep = q.options.map((o) => o.id).filter((o) => ids.includes(o));
    if (keep.length) answers[id] = q.type === "single" ? keep.slice(0, 1) : keep;
  }
  const flags = Array.isArray(value.flags) ? value.flags.filter((id) => items.includes(id)) : [];
  return {
    v: 1,
    items,
    answers,
    flags,
    ends: value.ends,
    submitted_at: Number.isFinite(value.submitted_at) ? value.submitted_at : null,
    asked: Number.isInteger(value.asked) && value.asked > items.length ? value.asked : items.length,
  };
}

// The practice test's modality picks; a question concerns those widgets/review.py
// question_modalities() gives it.
export const PRACTICE_MODALITIES = [
  ["haip", "HAIP"],
  ["tace", "DEBIRI-TACE"],
  ["tare", "TARE"],
];

// Card ids to draw from: questions of the picked quizzes that, when any modality is picked,
// concern at least one of them. entries: [[card id, {quiz, q}]].
export function practicePool(entries, quizIds, modalities) {
  return entries
    .filter(
      ([, { quiz, q }]) =>
        quizIds.includes(quiz.id) &&
        (!modalities.length ||
          (isObj(quiz.modalities) &&
            Array.isArray(quiz.modalities[q.id]) &&
            quiz.modalities[q.id].some((m) => modalities.includes(m)))),
    )
    .map(([id]) => id);
}

const clock = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

// The set-up form (in the overview). ctx: {uid, quizzes, index, announce, run(test)}.
export function practiceSetup(ctx) {
  const { uid, quizzes, index } = ctx;
  const section = el("section", { class: "rv-practice", "aria-labelledby": `${uid}-pt` });
  section.append(
    el("h2", { id: `${uid}-pt` }, "Timed practice test"),
    el(
      "p",
      { class: "rv-note" },
      "A random draw of questions against the clock. Feedback and your score come at the end; your quiz pages are not changed.",
    ),
  );
  const picks = el("fieldset", { class: "rv-picks" });
  picks.append(el("legend", {}, "Quizzes to draw from"));
  const boxes = quizzes.map((quiz, i) => {
    const id = `${uid}-pq${i}`;
    const input = el("input", { type: "checkbox", id, value: quiz.id });
    input.checked = true;
    const row = el("div", { class: "rv-toggle" });
    row.append(input, el("label", { for: id }, String(quiz.title || quiz.id)));
    picks.append(row);
    return input;
  });
  const mods = el("fieldset", { class: "rv-picks rv-modalities", "aria-describedby": `${uid}-pmn` });
  mods.append(
    el("legend", {}, "Modalities (optional)"),
    el(
      "p",
      { class: "rv-note", id: `${uid}-pmn` },
      "Tick one or more to draw only questions on them; tick none to draw from every question of the quizzes above.",
    ),
  );
  const modBoxes = PRACTICE_MODALITIES.map(([value, label]) => {
    const id = `${uid}-pmod-${value}`;
    const input = el("input", { type: "checkbox", id, value });
    const row = el("div", { class: "rv-toggle" });
    row.append(input, el("label", { for: id }, label));
    mods.append(row);
    return input;
  });
  const number = (label, id, value, max) => {
    const row = el("div", { class: "rv-number" });
    const input = el("input", {
      type: "number",
      id,
      min: "1",
      max: String(max),
      value: String(value),
      inputmode: "numeric",
    });
    row.append(el("label", { for: id }, label), input);
    return [row, input];
  };
  const [countRow, count] = number("Number of questions", `${uid}-pn`, 10, index.size);
  const [minutesRow, minutes] = number("Time limit in minutes", `${uid}-pm`, 15, 180);
  const hint = el("p", { class: "qz-hint", "aria-live": "polite" });
  const start = el("button", { type: "button", class: "qz-button rv-practice-start" }, "Start the practice test");
  start.addEventListener("click", () => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    const picked = modBoxes.filter((b) => b.checked).map((b) => b.value);
    const pool = practicePool([...index.entries()], chosen, picked);
    const n = Math.floor(Number(count.value));
    const m = Math.floor(Number(minutes.value));
    if (!chosen.length) return void (hint.textContent = "Pick at least one quiz.");
    if (!pool.length && !picked.length) return void (hint.textContent = "The quizzes you picked hold no questions.");
    if (!pool.length) {
      const names = PRACTICE_MODALITIES.filter(([v]) => picked.includes(v))
        .map(([, label]) => label)
        .join(" or ");
      return void (hint.textContent = `No question of the quizzes you picked is on ${names}: pick more quizzes or other modalities.`);
    }
    if (!(n >= 1)) return void (hint.textContent = "Enter a number of questions of 1 or more.");
    if (!(m >= 1 && m <= 180)) return void (hint.textContent = "Enter a time limit between 1 and 180 minutes.");
    const items = shuffled(pool).slice(0, n);
    ctx.run({ v: 1, items, answers: {}, flags: [], ends: Date.now() + m * 60000, submitted_at: null, asked: n });
  });
  section.append(picks, mods, countRow, minutesRow, start, hint);
  return section;
}

// The test itself, drawn into `host`. Returns a function that stops its timer.
export function runPractice(ctx, host, test, onClose) {
  const { uid, index, announce } = ctx;
  const save = () => writeItem(PRACTICE_KEY, JSON.stringify(test));
  save();
  const items = test.items.map((id) => ({ id, ...index.get(id) }));
  host.replaceChildren();
  const heading = el("h2", { id: `${uid}-q`, tabindex: "-1" }, "Practice test");
  const timer = el("p", { class: "rv-timer" });
  const flagNav = el("p", { class: "rv-flagged" });
  const result = el("div", { class: "rv-result" });
  host.append(
    heading,
    timer,
    el(
      "p",
      { class: "rv-note" },
      `${items.length} questions. Answer in any order and flag a question to come back to it. Feedback and the score appear when you submit, or when the time runs out.`,
    ),
    flagNav,
    result,
  );
  // An honest count: the pick may hold fewer questions than were asked for.
  const short =
    test.asked > items.length
      ? `You asked for ${test.asked} questions; the quizzes and modalities you picked hold only ${items.length}, so this test has ${items.length}.`
      : "";
  if (short) timer.after(el("p", { class: "rv-short", role: "note" }, short));
  const blocks = items.map((item, i) => {
    const part = el("section", { class: "rv-item", "aria-labelledby": `${uid}-p${i}` });
    part.append(el("h3", { id: `${uid}-p${i}`, tabindex: "-1" }, `Question ${i + 1} of ${items.length}`));
    const block = questionBlock(item, `${uid}-pi${i}`, () => {
      const chosen = block.chosen();
      if (chosen.length) test.answers[item.id] = chosen;
      else delete test.answers[item.id];
      save();
    });
    block.tick(test.answers[item.id] || []);
    const flagId = `${uid}-pf${i}`;
    const flag = el("input", { type: "checkbox", id: flagId, class: "rv-flag" });
    flag.checked = test.flags.includes(item.id);
    flag.addEventListener("change", () => {
      test.flags = items.map((x) => x.id).filter((id) => (id === item.id ? flag.checked : test.flags.includes(id)));
      save();
      showFlags();
    });
    const flagRow = el("div", { class: "rv-toggle" });
    flagRow.append(flag, el("label", { for: flagId }, `Flag question ${i + 1} to come back to it`));
    part.append(...block.nodes, flagRow);
    host.append(part);
    return { item, block, flag, part };
  });
  const submit = el("button", { type: "button", class: "qz-button rv-submit" }, "Submit the test");
  submit.addEventListener("click", () => finish(false));
  host.append(submit);

  function showFlags() {
    flagNav.replaceChildren("Flagged: ");
    const flagged = blocks.map((b, i) => [b, i]).filter(([b]) => test.flags.includes(b.item.id));
    if (!flagged.length) flagNav.append("none");
    flagged.forEach(([, i], k) => {
      if (k) flagNav.append(", ");
      flagNav.append(el("a", { href: `#${uid}-p${i}` }, `question ${i + 1}`));
    });
  }

  // Warnings at 5 and 1 minutes left, each once, and none the test starts inside of.
  const warned = new Set([5, 1].filter((mark) => test.ends - Date.now() <= mark * 60000));
  function tick() {
    const left = test.ends - Date.now();
    timer.textContent = `Time left: ${clock(left)}`;
    for (const mark of [5, 1]) {
      if (left <= mark * 60000 && left > 0 && !warned.has(mark)) {
        warned.add(mark);
        announce(`${mark} minute${mark > 1 ? "s" : ""} left.`);
      }
    }
    if (left <= 0) finish(true);
  }

  let timerId = null;
  function finish(timeUp) {
    if (timerId !== null) clearInterval(timerId);
    timerId = null;
    const first = test.submitted_at === null;
    if (first) test.submitted_at = Date.now();
    save();
    submit.hidden = true;
    timer.textContent = timeUp ? "Time is up: the test was submitted." : "Submitted.";
    for (const { item, block, flag, part } of blocks) {
      const chosen = test.answers[item.id] || [];
      flag.disabled = true;
      block.lock(chosen);
      const s = chosen.length ? scoreQuestion(item.q, chosen) : 0;
      if (first && chosen.length) recordCheck(item.quiz.id, item.q.id, s);
      const fb = el("div", { class: "qz-feedback" });
      if (chosen.length) fb.append(...block.feedback(s, chosen));
      else fb.append(el("p", { class: "qz-answer" }, "Not answered (counts as 0)."), ...block.feedback(0, []).slice(1));
      part.append(fb);
    }
    const answered = blocks.filter(({ item }) => (test.answers[item.id] || []).length).length;
    const score = practiceScore(items, test.answers);
    result.replaceChildren(
      el(
        "p",
        { class: "rv-practice-score" },
        `Practice test score: ${percent(score)} (${answered} of ${items.length} questions answered; unanswered questions count as 0).`,
      ),
    );
    const close = el("button", { type: "button", class: "qz-button rv-close" }, "Back to the overview");
    close.addEventListener("click", () => {
      removeItem(PRACTICE_KEY);
      onClose();
    });
    result.append(close);
    announce(`${timeUp ? "Time is up. " : ""}Practice test score: ${percent(score)}.`);
    heading.focus();
  }

  showFlags();
  if (test.submitted_at !== null) finish(false);
  else {
    tick();
    if (test.submitted_at === null) timerId = setInterval(tick, 1000);
  }
  heading.focus();
  if (short && test.submitted_at === null) announce(short);
  return () => timerId !== null && clearInterval(timerId);
}
