"""The trial data of the course (book/data/trials.yaml) and the evidence explorer widget.

The YAML is written once; the chapters, the HAIP outcomes widget and the
explorer all read it through ``load_trials``. The filter and forest-plot
functions here are the Python reference for ``widgets/evidence.js``.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

import traitlets
import yaml

from quizzes import vocab
from quizzes.bib import keys_from_bib
from quizzes.paths import REFERENCES_BIB

from .base import CourseWidget
from .sources import TAG_LEGEND, bibliography_href, source_labels

ROOT = Path(__file__).resolve().parents[1]
TRIALS_YAML = ROOT / "book" / "data" / "trials.yaml"

# Reader-facing names are the course-wide ones (quizzes.vocab), so every page says "DEBIRI-TACE".
MODALITY_LABELS = vocab.MODALITY_NAMES
# "none" stands for studies cited for mechanism, toxicity or dosimetry (setting: null).
TRIAL_SETTINGS = {
    "adjuvant": "Adjuvant (after resection)",
    "first-line": "First line, unresectable",
    "conversion": "Conversion to resection",
    "after-progression": "After progression",
    "none": "Mechanism, toxicity or dosimetry",
}
REQUIRED = ("id", "name", "citation", "modality", "setting", "design", "arms", "n", "primary_endpoint",
            "results", "limits", "what_it_changed")
SOURCE_TAGS = {"V", "S"}


def bib_keys(path: Path = REFERENCES_BIB) -> set[str]:
    return keys_from_bib(path.read_text(encoding="utf-8"))


def check_trials(trials: list[dict], keys: set[str]) -> list[str]:
    """Every problem found in the trial list (empty when the data are sound)."""
    problems = []
    seen = set()
    for t in trials:
        tid = t.get("id", "?")
        missing = [f for f in REQUIRED if f not in t]
        if missing:
            problems.append(f"{tid}: missing {missing}")
            continue
        if tid in seen:
            problems.append(f"{tid}: duplicate id")
        seen.add(tid)
        if t["modality"] not in MODALITY_LABELS:
            problems.append(f"{tid}: unknown modality {t['modality']!r}")
        if (t["setting"] or "none") not in TRIAL_SETTINGS:
            problems.append(f"{tid}: unknown setting {t['setting']!r}")
        if t["citation"] not in keys:
            problems.append(f"{tid}: citation {t['citation']!r} not in references.bib")
        for r in t["results"] or []:
            where = f"{tid} / {r.get('endpoint')}"
            if r.get("source") not in SOURCE_TAGS:
                problems.append(f"{where}: source must be V or S, not {r.get('source')!r}")
            if r.get("citation") and r["citation"] not in keys:
                problems.append(f"{where}: citation {r['citation']!r} not in references.bib")
            lo, hi, hr = r.get("ci_low"), r.get("ci_high"), r.get("hr")
            if (lo is None) != (hi is None):
                problems.append(f"{where}: ci_low and ci_high go together")
            if lo is not None and (hr is None or not lo < hr < hi):
                problems.append(f"{where}: CI must surround the HR")
            if lo is not None and r.get("source") != "V":
                problems.append(f"{where}: a CI is shown only when verified (V)")
            values = r.get("values")
            if values is not None and len(t["arms"]) > 1 and len(values) not in (1, len(t["arms"])):
                problems.append(f"{where}: {len(values)} values for {len(t['arms'])} arms")
    return problems


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return tuple(data["trials"])


def load_trials(path: Path = TRIALS_YAML, check: bool = True) -> list[dict]:
    """The trial list; raises ValueError if it does not pass ``check_trials``."""
    path = Path(path)
    trials = [dict(t) for t in _load(str(path), path.stat().st_mtime)]
    if check:
        problems = check_trials(trials, bib_keys())
        if problems:
            raise ValueError(f"{path.name} has problems:\n" + "\n".join(problems))
    return trials


def cited_keys(trials: list[dict]) -> set[str]:
    """Every bibliography key the trials cite, for the trial itself or for one result."""
    keys = {t["citation"] for t in trials}
    return keys | {r["citation"] for t in trials for r in t["results"] or [] if r.get("citation")}


def setting_key(trial: dict) -> str:
    return trial["setting"] or "none"


def filter_trials(trials: list[dict], modalities: list[str], setting: str) -> list[str]:
    """Ids of the trials shown: modality among those ticked, setting equal to the choice ('all' = any)."""
    return [t["id"] for t in trials
            if t["modality"] in modalities and (setting == "all" or setting_key(t) == setting)]


def forest_rows(trials: list[dict]) -> list[dict]:
    """Every hazard ratio that has a verified confidence interval, in the order of the YAML."""
    rows = []
    for t in trials:
        for r in t["results"] or []:
            if r.get("hr") is not None and r.get("ci_low") is not None and r.get("ci_high") is not None:
                rows.append({"trial": t["id"], "name": t["name"], "endpoint": r["endpoint"], "hr": r["hr"],
                             "ci_low": r["ci_low"], "ci_high": r["ci_high"], "source": r["source"],
                             "citation": r.get("citation") or t["citation"]})
    return rows


def all_filter_combinations() -> list[tuple[list[str], str]]:
    """Every state of the controls: each subset of modalities times each setting choice."""
    subsets = [list(c) for k in range(len(MODALITY_LABELS) + 1) for c in itertools.combinations(MODALITY_LABELS, k)]
    return [(m, s) for m in subsets for s in ["all", *TRIAL_SETTINGS]]


class EvidenceExplorer(CourseWidget):
    """Every trial in trials.yaml, filterable by modality and setting, with a forest plot of verified HRs."""

    _front_end = "evidence"
    _repr_traits = ("modalities", "setting")

    modalities = traitlets.List(traitlets.Unicode(), default_value=list(MODALITY_LABELS)).tag(sync=True)
    setting = traitlets.Unicode("all").tag(sync=True)
    trials = traitlets.List().tag(sync=True)
    modality_labels = traitlets.Dict(MODALITY_LABELS).tag(sync=True)
    setting_labels = traitlets.Dict(TRIAL_SETTINGS).tag(sync=True)
    # Readable names for the citation keys in `trials`, and what the V/S tags mean.
    source_labels = traitlets.Dict().tag(sync=True)
    tag_legend = traitlets.Unicode(TAG_LEGEND).tag(sync=True)
    bibliography_url = traitlets.Unicode(bibliography_href("{key}")).tag(sync=True)

    def __init__(self, path: Path = TRIALS_YAML, **kwargs):
        trials = load_trials(path)
        super().__init__(trials=trials, source_labels=source_labels(cited_keys(trials)), **kwargs)

    @traitlets.validate("modalities")
    def _valid_modalities(self, proposal):
        unknown = [m for m in proposal["value"] if m not in MODALITY_LABELS]
        if unknown:
            raise traitlets.TraitError(f"unknown modalities {unknown}; known: {sorted(MODALITY_LABELS)}")
        return proposal["value"]

    @traitlets.validate("setting")
    def _valid_setting(self, proposal):
        if proposal["value"] != "all" and proposal["value"] not in TRIAL_SETTINGS:
            known = sorted(TRIAL_SETTINGS)
            raise traitlets.TraitError(f"setting must be 'all' or one of {known}, not {proposal['value']!r}")
        return proposal["value"]

    def shown(self) -> list[str]:
        return filter_trials(self.trials, self.modalities, self.setting)


def forest_axis(rows: list[dict]) -> dict:
    """Log axis limits (powers of 2 from 0.25 to 2, widened to fit) and its ticks."""
    lo, hi = 0.25, 2.0
    for r in rows:
        while r["ci_low"] < lo:
            lo /= 2
        while r["ci_high"] > hi:
            hi *= 2
    ticks, v = [], lo
    while v <= hi * 1.0001:
        ticks.append(float(f"{v:.6g}"))
        v *= 2
    return {"lo": lo, "hi": hi, "ticks": ticks}
