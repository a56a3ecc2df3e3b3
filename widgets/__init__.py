"""The course's anywidgets. Each class sits beside its own .js and .css file."""

from .blood_supply import BloodSupply
from .debiri_sequencing import DebiriSequencing
from .decision import DecisionExplorer
from .evidence import EvidenceExplorer
from .progress import Progress
from .quiz import Quiz
from .tare_activity import TareActivity
from .trial_outcomes import TrialOutcomes

__all__ = [
    "BloodSupply",
    "DebiriSequencing",
    "DecisionExplorer",
    "EvidenceExplorer",
    "Progress",
    "Quiz",
    "TareActivity",
    "TrialOutcomes",
]
