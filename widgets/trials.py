"""The trial data of the course: book/data/trials.yaml, its checks and its one loader.

The YAML is written once; the chapters, the HAIP outcomes widget and the evidence explorer all
read it through ``load_trials``. No widget lives here, so any of them can import it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from quizzes import vocab
from quizzes.parsing.bib import keys_from_bib
from quizzes.paths import REFERENCES_BIB

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
REQUIRED = (
    "id",
    "name",
    "citation",
    "modality",
    "setting",
    "design",
    "arms",
    "n",
    "primary_endpoint",
    "results",
    "limits",
    "what_it_changed",
)
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
