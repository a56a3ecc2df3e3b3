"""Test-wise baseline: what content-free strategies score on a bank, next to uniform guessing.

A sound bank keeps every strategy close to chance. Each strategy picks options from what a
reader sees (option text, and the order the page shows for a learner's seed, quizzes/rules/order.py)
and never from the key; scores use the engine's own scoring (quizzes/rules/scoring.py). Strategies
are averaged over many learner seeds, since the order differs per learner.

  longest      single: the longest option; select-all: the longer half of the options
  hedging      single: the first option shown with a hedge word ("may", "potential", ...), else
               the first shown; select-all: every option with a hedge word, else the first shown
  caution      the same with caution wording ("weigh", "MDT", "multidisciplinary"): a reader who
               has learnt that the answer leaving something to the team is usually right
  first shown  single and select-all: the first option shown
  first half   single: the first option shown; select-all: the first half shown (rounded up)
  middle       "avoid the extremes": single: a uniformly random option that is neither the
               longest nor the shortest (expected score); select-all: all such options
  guessing     the expected score of a uniformly random answer: one option for a single
               answer, one of the non-empty subsets for a select-all
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from quizzes.checks.itemlint import CAUTION_WORDS, HEDGES, plain
from quizzes.parsing.model import Question, Quiz, iter_questions
from quizzes.rules.order import display_order
from quizzes.rules.scoring import score_question

STRATEGIES = ("longest", "hedging", "caution", "first shown", "first half", "middle")
# Strategies that take the options carrying certain words, else the first shown.
WORD_STRATEGIES = {"hedging": HEDGES, "caution": CAUTION_WORDS}
SEEDS = tuple(f"{n:016x}" for n in range(1, 201))


def _middle(q: Question) -> list[str]:
    by_length = sorted(q.options, key=lambda o: len(plain(o.text)))
    return [o.id for o in by_length[1:-1]] if len(by_length) > 2 else [o.id for o in by_length]


def _score(strategy: str, q: Question, shown: list) -> float:
    if strategy == "middle" and q.type == "single":  # an expectation, not one pick
        ids = _middle(q)
        return sum(score_question(q, [i]) for i in ids) / len(ids)
    if strategy == "middle":
        return score_question(q, _middle(q))
    return score_question(q, _pick(strategy, q, shown))


def _pick(strategy: str, q: Question, shown: list) -> list[str]:
    if strategy == "longest":
        by_length = sorted(shown, key=lambda o: -len(plain(o.text)))  # stable: ties as shown
        n = 1 if q.type == "single" else math.ceil(len(shown) / 2)
        return [o.id for o in by_length[:n]]
    if strategy in WORD_STRATEGIES:
        worded = [o.id for o in shown if WORD_STRATEGIES[strategy].search(plain(o.text))]
        if not worded:
            return [shown[0].id]
        return worded[:1] if q.type == "single" else worded
    if strategy == "first shown" or q.type == "single":
        return [shown[0].id]
    return [o.id for o in shown[: math.ceil(len(shown) / 2)]]  # first half


def guessing(q: Question) -> float:
    if q.type == "single":
        return sum(score_question(q, [o.id]) for o in q.options) / len(q.options)
    ids = [o.id for o in q.options]
    subsets = [c for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n)]
    return sum(score_question(q, s) for s in subsets) / len(subsets)


@dataclass(frozen=True)
class Baseline:
    quiz: str
    questions: int
    scores: dict  # strategy -> mean quiz score 0..1, plus "guessing"

    def worst_gap(self) -> float:
        """Points (0..100) by which the best content-free strategy beats guessing."""
        return 100 * max(self.scores[s] - self.scores["guessing"] for s in STRATEGIES)


def baseline(quiz: Quiz, seeds=SEEDS) -> Baseline:
    pairs = [q for _, q in iter_questions(quiz)]
    weights = sum(q.weight for q in pairs)
    scores = {}
    for strategy in STRATEGIES:
        total = 0.0
        for seed in seeds:
            for q in pairs:
                by_id = {o.id: o for o in q.options}
                shown = [by_id[i] for i in display_order(q.options, seed, quiz.id, q.id)]
                total += q.weight * _score(strategy, q, shown)
        scores[strategy] = total / (weights * len(seeds))
    scores["guessing"] = sum(q.weight * guessing(q) for q in pairs) / weights
    return Baseline(quiz.id, len(pairs), scores)
