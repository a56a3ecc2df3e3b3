"""The order in which a learner sees a question's options.

Position must never be a cue, so every question's options are shuffled, per learner and per
question, from a seed the browser keeps (with the answers) so that a reload shows the same order.
Options marked `pin: last` (e.g. "no regional therapy now") follow the shuffled ones in bank
order. Grading never depends on order: it is by option id.

Specified for a JavaScript port (widgets/quiz.js, displayOrder), which must agree exactly:
  h     = FNV-1a 32-bit hash of the UTF-8 bytes of  seed + "|" + quiz id + "|" + question id
  next  = mulberry32 step on a uint32 state starting at h, returning state / 2**32 in [0, 1)
  order = Fisher-Yates from the last index down: j = floor(next() * (i + 1)), swap i and j
"""

from __future__ import annotations

_M = 0xFFFFFFFF


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & _M
    return h


def mulberry32(state: int):
    """The generator's successive values in [0, 1)."""
    while True:
        state = (state + 0x6D2B79F5) & _M
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & _M
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & _M)) & _M)) & _M
        yield ((t ^ (t >> 14)) & _M) / 4294967296


def shuffled(items: list, key: str) -> list:
    items = list(items)
    rand = mulberry32(fnv1a32(key))
    for i in range(len(items) - 1, 0, -1):
        j = int(next(rand) * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def display_order(options, seed: str, quiz_id: str, question_id: str) -> list[str]:
    """Option ids in the order shown. `options` are model Options or payload dicts."""

    def get(o, name):
        return o.get(name) if isinstance(o, dict) else getattr(o, name)

    free = [get(o, "id") for o in options if get(o, "pin") != "last"]
    pinned = [get(o, "id") for o in options if get(o, "pin") == "last"]
    return shuffled(free, f"{seed}|{quiz_id}|{question_id}") + pinned
