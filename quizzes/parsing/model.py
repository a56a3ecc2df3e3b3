"""Plain, immutable data of the quiz engine: registry records and quiz banks.

Building these objects is the job of registry.py and bank.py (which validate as they go);
everything else (scoring, payload, grading, a future exporter) only reads them. iter_questions()
is the one walk over a bank that every consumer should use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    id: str
    label: str
    citation: str  # bibliography key
    kind: str  # review | consensus | manufacturer | expert-panel | secondary
    short: str = ""  # what a learner sees, e.g. "Review abstract"


@dataclass(frozen=True)
class Recommendation:
    id: str
    source: str  # key into Registry.sources; "review" for the spine article
    label: str
    modality: str  # haip | tace | tare | all
    settings: tuple[str, ...]
    stance: str
    paraphrase: str  # plain text in the course's words
    locator: str  # e.g. "abstract sentence 4"
    quote: str  # short quoted phrase from the source ("" if none)
    evidence: tuple[str, ...]  # bibliography keys
    certainty: str
    certainty_note: str
    verification: str  # V or S (fact-sheet level)

    @property
    def is_review(self) -> bool:
        return self.source == "review"


@dataclass(frozen=True)
class Registry:
    path: str
    sources: dict[str, Source]
    records: dict[str, Recommendation]  # insertion order = file order

    def citation(self, rec: Recommendation) -> str:
        src = self.sources[rec.source]
        text = f"{src.label} [{src.citation}], {rec.locator}"
        return f'{text}: "{rec.quote}"' if rec.quote else text


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    credit: float
    feedback: str
    follows: tuple[str, ...]
    contradicts: tuple[str, ...]
    modality: str | None = None
    pin: str | None = None  # "last": shown after the shuffled options (e.g. "no regional therapy")
    line: int = field(default=0, compare=False)  # where it stands in the bank, for messages


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # single | multiple
    stem: str
    options: tuple[Option, ...]
    weight: float = 1.0
    reveal_after: str | None = None
    modality: tuple[str, ...] = ()  # modalities the key concerns (empty: not a modality choice)
    task: str = ""  # vocab.TASKS: what the question asks (required in a bank; not in the hash)
    line: int = field(default=0, compare=False)
    path: str = field(default="", compare=False)

    @property
    def examines(self) -> set[str]:
        """Recommendation ids this question examines (any option follows or contradicts them)."""
        ids: set[str] = set()
        for opt in self.options:
            ids.update(opt.follows)
            ids.update(opt.contradicts)
        return ids

    def modalities_examined(self, records: dict) -> set[str]:
        """The modalities this question concerns: its own `modality` and those of the registry
        records (id -> record with .modality) it examines. The progress page's topic credits
        and the practice test's modality picks both tag questions by this one rule."""
        return set(self.modality) | {records[r].modality for r in self.examines if r in records}


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    vignette: str
    features: dict
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    description: str
    cases: tuple[Case, ...]
    path: str = ""
    hash: str = field(default="", compare=False)

    def questions(self) -> list[Question]:
        return [q for _, q in iter_questions(self)]

    def question(self, question_id: str) -> Question | None:
        for _, q in iter_questions(self):
            if q.id == question_id:
                return q
        return None


def iter_questions(quiz: Quiz) -> Iterator[tuple[Case, Question]]:
    """Every (case, question) in bank order: the order scoring and hashing depend on."""
    for case in quiz.cases:
        for question in case.questions:
            yield case, question
