"""Live in Jupyter, every widget's traits sync both ways over the widget comm.

The comm is ipywidgets' own test double: what Python sends is recorded, and an
"update" message is what a front end sends when the reader moves a control.
"""

import pytest
from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

from widgets import BloodSupply, DebiriSequencing, EvidenceExplorer, Quiz, TareActivity, TrialOutcomes
from widgets.decision import DecisionExplorer

# (class, constructor arguments, a reader-facing trait, a new valid value)
CASES = [
    (BloodSupply, {}, "flow", 450.0),
    (TrialOutcomes, {}, "endpoint", 1),
    (DebiriSequencing, {}, "rounds", 3),
    (TareActivity, {}, "weight", 82.0),
    (EvidenceExplorer, {}, "setting", "adjuvant"),
    (DecisionExplorer, {}, "setting", "adjuvant"),
    (Quiz, {"quiz_id": "quiz-settings"}, "learner", "Learner 7"),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.fixture
def test_comm():
    setup_test_comm()
    yield
    teardown_test_comm()


def sent_updates(widget):
    data = [kwargs.get("data") or (args[0] if args else {}) for args, kwargs in widget.comm.messages]
    return [d["state"] for d in data if d.get("method") == "update"]


@pytest.mark.parametrize("cls, kwargs, trait, value", CASES, ids=IDS)
def test_python_changes_reach_the_front_end(test_comm, cls, kwargs, trait, value):
    widget = cls(**kwargs)
    widget.comm.messages.clear()
    setattr(widget, trait, value)
    assert {trait: value} in [{k: v for k, v in state.items() if k == trait} for state in sent_updates(widget)]


@pytest.mark.parametrize("cls, kwargs, trait, value", CASES, ids=IDS)
def test_front_end_changes_reach_python(test_comm, cls, kwargs, trait, value):
    widget = cls(**kwargs)
    assert getattr(widget, trait) != value
    widget._handle_msg(
        {"content": {"data": {"method": "update", "state": {trait: value}, "buffer_paths": []}}, "buffers": []}
    )
    assert getattr(widget, trait) == value


def test_quiz_answers_given_in_the_browser_are_scored_in_python(test_comm):
    quiz = Quiz("quiz-settings")
    first = quiz.payload["cases"][0]["questions"][0]
    best = max(first["options"], key=lambda o: o["credit"])
    state = {"answers": {first["id"]: [best["id"]]}, "checked": [first["id"]]}
    quiz._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})
    assert quiz.result()["questions"][first["id"]] == best["credit"]
