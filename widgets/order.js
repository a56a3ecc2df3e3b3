// The order a learner sees a question's options in: a port of quizzes/order.py (its docstring
// is the specification), so the browser and the engine agree exactly. Pure functions only.

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
