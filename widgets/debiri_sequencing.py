"""The DEBIRI session planner: lobar sequencing, supportive care and eligibility reminders.

It shows one finding of FFCD-1201 (grade 3-5 toxicity 90.5% when both lobes
were treated in one session vs 52.8% when lobes were alternated [ffcd1201, V]),
the premedication and supportive care of Fiorentini 2008 and the lidocaine
study, and the eligibility thresholds of the technical recommendations.

The functions below are the Python reference for every value the front end
computes (``widgets/debiri_sequencing.js``); a browser test compares them.
The session timeline is schematic: it draws sessions, not dates. The note
under it gives the schedules the sources report (FFCD-1201; Szemitko 2020).
"""

from __future__ import annotations

import math
from typing import Any

import traitlets

from .base import CourseWidget
from .sources import TAG_LEGEND, readable_citations, source_labels

STRATEGIES: dict[str, dict[str, Any]] = {
    "both": {
        "label": "Both lobes in one session",
        "rate": 90.5,
        "key": "ffcd1201",
        "tag": "V",
    },
    "alternate": {
        "label": "One lobe per session, alternating",
        "rate": 52.8,
        "key": "ffcd1201",
        "tag": "V",
    },
}

# What the numbers do and do not show (the abstract gives no group sizes).
STRATEGY_NOTE = (
    "FFCD-1201 was a single-arm phase II trial of 57 patients (DEBIRI plus mFOLFOX6, first line). "
    "The two rates compare patients within that trial; the sequencing was not randomised, so other "
    "differences between the groups may contribute [ffcd1201, V]."
)

# Under the timeline: the schedules the sources report, so the drawing implies no other.
TIMELINE_NOTE = (
    "Schematic: R = right lobe, L = left lobe, ✓ = treated in that session, S = session; sessions are "
    "drawn without dates. In FFCD-1201, disease in both lobes was treated in four alternating sessions "
    "2 weeks apart or in two sessions covering both lobes [ffcd1201, V]; one series "
    "alternated the lobes at 3-week intervals [szemitko2020, V]."
)

CHECKLIST = [
    {
        "id": "lidocaine",
        "label": "Intra-arterial lidocaine before the beads are delivered",
        "note": "In two compared groups of patients having hepatic chemoembolization (not DEBIRI), "
        "intra-arterial lidocaine cut the need for extra intravenous analgesia from 69% to 19% "
        "[cvirlidocaine, V]. The DEBIRI series used it as part of its premedication.",
        "keys": ["fiorentini2008", "cvirlidocaine"],
        "tag": "V",
    },
    {
        "id": "morphine",
        "label": "A major analgesic (morphine) before the beads are delivered",
        "note": "",
        "keys": ["fiorentini2008"],
        "tag": "V",
    },
    {"id": "antibiotic", "label": "Antibiotic prophylaxis", "note": "", "keys": ["fiorentini2008"], "tag": "V"},
    {"id": "antiemetic", "label": "Antiemetic prophylaxis", "note": "", "keys": ["fiorentini2008"], "tag": "V"},
    {
        "id": "hydration",
        "label": "Intravenous hydration until transaminases stabilise",
        "note": "",
        "keys": ["fiorentini2008"],
        "tag": "V",
    },
]

# Technical recommendations [jvir2014debiri, V]: liver-dominant means at least
# 80% of the total tumour burden in the liver; parenchymal involvement at most 60%.
ELIGIBILITY: dict[str, Any] = {"liver_share_min": 80.0, "involvement_max": 60.0, "key": "jvir2014debiri", "tag": "V"}

LOBES = ("right", "left")
ROUNDS = (1, 2, 3)  # treatments of each lobe drawn on the schematic timeline


def schedule(strategy: str, rounds: int) -> list[list[str]]:
    """Sessions in order, each a list of the lobes treated in it (schematic)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {sorted(STRATEGIES)}, not {strategy!r}")
    if rounds not in ROUNDS:
        raise ValueError(f"rounds must be one of {ROUNDS}, not {rounds!r}")
    if strategy == "both":
        return [list(LOBES) for _ in range(rounds)]
    return [[LOBES[i % 2]] for i in range(2 * rounds)]


def per_hundred(rate: float) -> int:
    """A percentage as 'about N in 100', rounding halves up (as the JavaScript does)."""
    return math.floor(rate + 0.5)


def difference() -> float:
    """Derived: percentage-point gap between the two strategies (one decimal)."""
    return round(STRATEGIES["both"]["rate"] - STRATEGIES["alternate"]["rate"], 1)


def eligibility(liver_share: float, involvement: float) -> dict:
    """Which of the two thresholds a case meets; inputs are percentages."""
    for name, value in (("liver_share", liver_share), ("involvement", involvement)):
        if not 0 <= value <= 100:
            raise ValueError(f"{name} must be between 0 and 100, got {value!r}")
    liver_dominant = liver_share >= ELIGIBILITY["liver_share_min"]
    involvement_ok = involvement <= ELIGIBILITY["involvement_max"]
    return {
        "liver_dominant": liver_dominant,
        "involvement_ok": involvement_ok,
        "meets": liver_dominant and involvement_ok,
    }


class DebiriSequencing(CourseWidget):
    """Choose a lobar strategy; see the session timeline, the observed toxicity and a care checklist."""

    _front_end = "debiri_sequencing"
    _repr_traits = ("strategy", "rounds", "checked", "liver_share", "involvement")

    strategy = traitlets.Unicode("both").tag(sync=True)
    rounds = traitlets.Int(2).tag(sync=True)
    checked = traitlets.List(traitlets.Unicode()).tag(sync=True)
    liver_share = traitlets.Float(100.0).tag(sync=True)
    involvement = traitlets.Float(30.0).tag(sync=True)
    strategies = traitlets.Dict().tag(sync=True)
    strategy_note = traitlets.Unicode().tag(sync=True)
    timeline_note = traitlets.Unicode().tag(sync=True)
    checklist = traitlets.List().tag(sync=True)
    thresholds = traitlets.Dict().tag(sync=True)
    # Readable names for the keys above (readers never see a key), and what V and S mean.
    source_labels = traitlets.Dict().tag(sync=True)
    tag_legend = traitlets.Unicode(TAG_LEGEND).tag(sync=True)

    def __init__(self, **kwargs):
        keys = [s["key"] for s in STRATEGIES.values()] + [k for item in CHECKLIST for k in item["keys"]]
        super().__init__(
            strategies=STRATEGIES,
            checklist=[{**item, "note": readable_citations(item["note"])} for item in CHECKLIST],
            thresholds=ELIGIBILITY,
            strategy_note=readable_citations(STRATEGY_NOTE),
            timeline_note=readable_citations(TIMELINE_NOTE),
            source_labels=source_labels([*keys, ELIGIBILITY["key"]]),
            **kwargs,
        )

    @traitlets.validate("strategy")
    def _valid_strategy(self, proposal):
        if proposal["value"] not in STRATEGIES:
            raise traitlets.TraitError(f"strategy must be one of {sorted(STRATEGIES)}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("rounds")
    def _valid_rounds(self, proposal):
        if proposal["value"] not in ROUNDS:
            raise traitlets.TraitError(f"rounds must be one of {ROUNDS}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("checked")
    def _valid_checked(self, proposal):
        known = {item["id"] for item in CHECKLIST}
        unknown = [c for c in proposal["value"] if c not in known]
        if unknown:
            raise traitlets.TraitError(f"unknown checklist items {unknown}; known: {sorted(known)}")
        return proposal["value"]

    @traitlets.validate("liver_share", "involvement")
    def _valid_percent(self, proposal):
        if not 0 <= proposal["value"] <= 100:
            raise traitlets.TraitError(f"{proposal['trait'].name} must be between 0 and 100, got {proposal['value']!r}")
        return proposal["value"]

    def result(self) -> dict:
        """What the front end shows, computed by the Python reference."""
        rate = STRATEGIES[self.strategy]["rate"]
        return {
            "sessions": schedule(self.strategy, self.rounds),
            "rate": rate,
            "per_hundred": per_hundred(rate),
            "difference": difference(),
            "eligibility": eligibility(self.liver_share, self.involvement),
        }
