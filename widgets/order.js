// @ts-check
// The order a learner sees a question's options in: a port of quizzes/order.py (its docstring
// is the specification), so the browser and the engine agree exactly. Pure functions only.

/**
 * FNV-1a (32 bits) of the text's UTF-8 bytes.
 * @param {string} text
 * @returns {number} an unsigned 32-bit integer
 */
export function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/**
 * @param {number} state a 32-bit seed
 * @returns {() => number} the next number in [0, 1) at each call
 */
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

/**
 * The option ids in the order this seed shows them: shuffled, then the ones pinned "last".
 * @param {{ id: string, pin?: string | null }[]} options in bank order
 * @param {string} seed
 * @param {string} quizId
 * @param {string} questionId
 * @returns {string[]}
 */
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

/** @returns {string} 16 hex digits, from the browser's random source when it has one */
export function newSeed() {
  const bytes = new Uint8Array(8);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
