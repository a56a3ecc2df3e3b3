"""The browser's scheduler (widgets/fsrs.js) against the Python `fsrs` package it ports.

Scripted review histories, each with its own clock (every review carries its own time), are
replayed through both (the browser side through replay() of tests/js/adapters.js); after every review the card's state, step, due time and last review must
be identical and stability and difficulty equal to floating-point noise.
"""

import random

import pytest
from browser_support import ADAPTERS, run_module_function

from widgets.review import COURSE_SCHEDULER, rating_for, replay

START = 1_780_000_000_000  # 2026-05-28, epoch ms
MINUTE, HOUR, DAY = 60_000, 3_600_000, 86_400_000

# The course's settings (whole days) and py-fsrs's own defaults (minute steps), so the port's
# learning and relearning steps are exercised too.
CONFIGS = [
    COURSE_SCHEDULER,
    {"learning_steps": [60, 600], "relearning_steps": [600], "desired_retention": 0.9, "maximum_interval": 36500},
    {"learning_steps": [300], "relearning_steps": [], "desired_retention": 0.85, "maximum_interval": 365},
    {"learning_steps": [], "relearning_steps": [120, 900, 3600], "desired_retention": 0.95, "maximum_interval": 36500},
]


def histories(count=160, seed=17):
    rng = random.Random(seed)
    out = []
    for i in range(count):
        config = CONFIGS[i % len(CONFIGS)]
        at = START + rng.randrange(0, 30) * DAY + rng.randrange(0, DAY)
        reviews = []
        for _ in range(rng.randint(1, 14)):
            # Gaps from a minute to three months: same-day reviews take the short-term formula.
            gap = rng.choice(
                [
                    rng.randrange(1, 59) * MINUTE,
                    rng.randrange(1, 23) * HOUR,
                    rng.randrange(1, 10) * DAY + rng.randrange(0, DAY),
                    rng.randrange(10, 90) * DAY,
                ]
            )
            at += gap
            reviews.append({"rating": rng.choices([1, 2, 3, 4], weights=[3, 2, 4, 1])[0], "at": at})
        out.append({"config": config, "start": START, "reviews": reviews})
    return out


def same_card(js, py):
    return (
        js["state"] == py["state"]
        and js["step"] == py["step"]
        and js["due"] == py["due"]
        and js["last_review"] == py["last_review"]
        and js["stability"] == pytest.approx(py["stability"], rel=1e-12)
        and js["difficulty"] == pytest.approx(py["difficulty"], rel=1e-12)
    )


@pytest.mark.browser
def test_browser_schedule_equals_python_fsrs_on_160_histories(browser):
    cases = histories()
    got = run_module_function(browser, ADAPTERS, "replay", cases)
    reviews = 0
    for case, js_cards in zip(cases, got):
        py_cards = replay(case["config"], case["start"], case["reviews"])
        assert len(js_cards) == len(py_cards) == len(case["reviews"])
        for step, (js, py) in enumerate(zip(js_cards, py_cards)):
            assert same_card(js, py), (case, step, js, py)
            reviews += 1
    assert len(cases) >= 100 and reviews > 800


def test_histories_reach_every_state_and_rating():
    """The scripted histories are varied enough to mean something: every rating, every state."""
    cases = histories()
    states = {c["state"] for case in cases for c in replay(case["config"], case["start"], case["reviews"])}
    assert states == {1, 2, 3}
    assert {r["rating"] for case in cases for r in case["reviews"]} == {1, 2, 3, 4}


def test_course_schedule_in_days():
    """Under the course's settings a first answer comes back on a later day, never the same one."""
    for rating, days in [(1, 1), (2, 1), (3, 2), (4, 8)]:
        (card,) = replay(None, START, [{"rating": rating, "at": START}])
        assert card["state"] == 2 and (card["due"] - START) == days * DAY


def test_rating_follows_the_quiz_verdict():
    assert [rating_for(s) for s in (0, 0.25, 0.9999, 0.3333333 * 3, 1)] == [1, 2, 2, 3, 3]
