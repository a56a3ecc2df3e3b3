"""Item analysis of one quiz from the counted answer files (numpy; no plotting, no I/O).

For n learners and k questions, X[i, j] is learner i's credit on question j (0..1, unanswered 0)
and w_j the question's weight. Each learner's total is T_i = sum_j w_j X[i, j] (the quiz score
times sum(w), so it ranks learners exactly as the score does).

Per question
  difficulty     mean credit (the proportion correct when credit is 0 or 1); Moodle's
                 "facility index"
  corrected_r    Pearson correlation of X[:, j] with the rest of the total, T - w_j X[:, j]
                 (the corrected item-total / point-biserial correlation); None when either has
                 no variance
  upper_lower    mean credit in the top 27% of learners by total minus the bottom 27%
                 (Kelley's groups; ties at the boundary are split in file order)
Per option: the share of learners choosing it, and in the upper and lower groups.
Per quiz: mean and standard deviation (n - 1) of the score, Cronbach's alpha of the weighted
credits (KR-20 when every credit is 0 or 1) and the standard error of measurement
SD * sqrt(1 - alpha), on the score's 0..1 scale.

Flags (the readings Moodle's quiz statistics documentation gives for its facility and
discrimination indices): difficulty under 0.20 (very hard) or over 0.90 (very easy);
corrected_r under 0.20 (weak), or negative (stronger learners do worse: check the key);
a distractor (credit <= 0) that under 5% of learners choose, or that the upper group chooses
more often than the lower group.
Statistics from fewer than MIN_LEARNERS learners are computed but carry a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from quizzes.parsing.model import Quiz, Registry

GROUP_SHARE = 0.27
MIN_LEARNERS = 30
HARD, EASY = 0.20, 0.90
WEAK_R = 0.20
RARE_DISTRACTOR = 0.05


@dataclass
class OptionStats:
    id: str
    credit: float
    share: float
    upper: float | None
    lower: float | None
    flags: list[str] = field(default_factory=list)


@dataclass
class ItemStats:
    id: str
    type: str
    weight: float
    difficulty: float
    corrected_r: float | None
    upper_lower: float | None
    options: list[OptionStats]
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    quiz: str
    title: str
    n: int
    mean: float | None
    sd: float | None
    alpha: float | None
    sem: float | None
    scores: np.ndarray
    items: list[ItemStats]
    recommendations: list[tuple[str, str, int, float]]  # id, label, answers, share in line
    warnings: list[str] = field(default_factory=list)


def corrected_item_total(x: np.ndarray, weights: np.ndarray) -> list[float | None]:
    """Pearson r of each column with the weighted total of the other columns."""
    total = x @ weights
    out = []
    for j in range(x.shape[1]):
        rest = total - weights[j] * x[:, j]
        out.append(_pearson(x[:, j], rest))
    return out


def _pearson(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 2:
        return None
    da, db = a - a.mean(), b - b.mean()
    denom = math.sqrt(float(da @ da) * float(db @ db))
    # A column that is constant (to rounding) has no correlation, not a huge noisy one.
    if denom <= 1e-12 * max(1.0, len(a)):
        return None
    return float(da @ db) / denom


def groups(total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the upper and lower 27% by total (stable: ties keep file order)."""
    n = len(total)
    size = max(1, int(round(GROUP_SHARE * n))) if n >= 2 else 0
    order = np.argsort(-total, kind="stable")
    return order[:size], order[::-1][:size] if size else order[:0]


def upper_lower(x: np.ndarray, weights: np.ndarray) -> list[float | None]:
    upper, lower = groups(x @ weights)
    if not len(upper):
        return [None] * x.shape[1]
    return [float(x[upper, j].mean() - x[lower, j].mean()) for j in range(x.shape[1])]


def cronbach_alpha(items: np.ndarray) -> float | None:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the sum) (KR-20 for 0/1)."""
    n, k = items.shape
    if n < 2 or k < 2:
        return None
    total_var = float(items.sum(axis=1).var(ddof=1))
    if total_var <= 1e-15:
        return None
    return k / (k - 1) * (1 - float(items.var(axis=0, ddof=1).sum()) / total_var)


def analyse(quiz: Quiz, masks: np.ndarray, registry: Registry | None = None) -> QuizStats:
    """masks: n x k integers, one row per counted learner (quizzes.grading.choices.encode)."""
    from quizzes.rules.scoring import score_question

    questions = quiz.questions()
    n, k = masks.shape[0], len(questions)
    x = np.zeros((n, k))
    for j, q in enumerate(questions):
        # each distinct choice is scored once, by the engine's own rule
        unique, inverse = np.unique(masks[:, j], return_inverse=True)
        scores_j = [score_question(q, [o.id for m, o in enumerate(q.options) if int(u) >> m & 1]) for u in unique]
        x[:, j] = np.asarray(scores_j, dtype=float)[inverse.reshape(-1)] if n else 0.0
    weights = np.array([q.weight for q in questions], dtype=float)
    total = x @ weights
    scores = total / weights.sum() if weights.sum() else total
    r = corrected_item_total(x, weights) if n else [None] * k
    d = upper_lower(x, weights) if n else [None] * k
    upper, lower = groups(total) if n else (np.array([], int), np.array([], int))
    picks = [((masks[:, j : j + 1] >> np.arange(len(q.options))) & 1).astype(float) for j, q in enumerate(questions)]
    items = []
    for j, q in enumerate(questions):
        options = []
        for m, o in enumerate(q.options):
            picked = picks[j][:, m]
            opt = OptionStats(
                o.id,
                float(o.credit),
                float(picked.mean()) if n else 0.0,
                float(picked[upper].mean()) if len(upper) else None,
                float(picked[lower].mean()) if len(lower) else None,
            )
            if o.credit <= 0 and n:
                if opt.share < RARE_DISTRACTOR:
                    opt.flags.append("distractor chosen by under 5%")
                if opt.upper is not None and opt.lower is not None and opt.upper > opt.lower:
                    opt.flags.append("distractor chosen more by the upper group")
            options.append(opt)
        item = ItemStats(q.id, q.type, float(q.weight), float(x[:, j].mean()) if n else math.nan, r[j], d[j], options)
        if n:
            if item.difficulty < HARD:
                item.flags.append("very hard (difficulty < 0.20)")
            elif item.difficulty > EASY:
                item.flags.append("very easy (difficulty > 0.90)")
            if item.corrected_r is not None and item.corrected_r < 0:
                item.flags.append("negative discrimination: check the key")
            elif item.corrected_r is not None and item.corrected_r < WEAK_R:
                item.flags.append("weak discrimination (r < 0.20)")
            elif item.corrected_r is None and n >= 2:
                item.flags.append("no discrimination (everyone scored the same)")
        items.append(item)
    alpha = cronbach_alpha(x * weights)
    sd = float(scores.std(ddof=1)) if n >= 2 else None
    sem = sd * math.sqrt(max(0.0, 1 - alpha)) if sd is not None and alpha is not None else None
    warnings = []
    if n < MIN_LEARNERS:
        warnings.append(
            f"only {n} learner(s): with fewer than {MIN_LEARNERS}, discrimination, "
            "reliability and the flags are too unstable to act on"
        )
    return QuizStats(
        quiz.id,
        quiz.title,
        n,
        float(scores.mean()) if n else None,
        sd,
        alpha,
        sem,
        scores,
        items,
        recommendation_alignment(questions, picks, registry),
        warnings,
    )


def recommendation_alignment(questions, picks: list[np.ndarray], registry) -> list:
    """Per recommendation a question examines: over every answered (learner, question) pair,
    the share whose choice includes an option that follows it and none that contradicts it."""
    tally: dict[str, list[int]] = {}
    for q, picked in zip(questions, picks, strict=True):
        answered = picked.any(axis=1)
        for rid in sorted(q.examines):
            follows = np.array([rid in o.follows for o in q.options], dtype=float)
            contradicts = np.array([rid in o.contradicts for o in q.options], dtype=float)
            in_line = answered & (picked @ follows > 0) & (picked @ contradicts == 0)
            count = tally.setdefault(rid, [0, 0])
            count[0] += int(answered.sum())
            count[1] += int(in_line.sum())
    out = []
    for rid, (n_answered, n_in_line) in sorted(tally.items()):
        if not n_answered:
            continue
        label = registry.records[rid].label if registry and rid in registry.records else rid
        out.append((rid, label, n_answered, n_in_line / n_answered))
    return out
