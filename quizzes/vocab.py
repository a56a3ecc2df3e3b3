"""Controlled vocabularies shared by the registry, the banks and the decision logic.

Kept in one place so the checker, recommend() and the browser payload cannot drift apart.
"""

MODALITIES = ("haip", "tace", "tare")
RECORD_MODALITIES = MODALITIES + ("all",)
# An option may name "none" (no regional therapy now) when it answers a modality choice.
OPTION_MODALITIES = MODALITIES + ("none",)

RECORD_SETTINGS = ("adjuvant", "first-line", "after-progression", "conversion", "any")

# Stance of a registry record: what the statement does, not what the course concludes.
RECORD_STANCES = (
    "background",  # rationale or physiology; recommends nothing by itself
    "evidence-gap",  # says the evidence is thin
    "favourable",  # reports benefit, response or safety
    "unfavourable",  # reports absence of benefit
    "offer",  # says the modality can be offered or considered
    "not-recommended",  # says it should not be used (here: outside trials)
    "contraindication",  # a patient factor that rules the modality out
    "risk-factor",  # a factor that raises the risk of a named harm; calls for caution, rules nothing out
    "eligibility",  # a selection criterion that must be met
    "practice",  # how the therapy should be delivered
    "principle",  # decision-making principle (values, preferences)
)

# How firm the basis is. The review grades nothing itself, so these name the kind of evidence.
CERTAINTY = (
    "randomized",  # consistent findings from more than one randomized trial
    "limited-randomized",  # few/small randomized trials, or a benefit the review calls "potential"
    "nonrandomized",  # phase II or observational data
    "expert-consensus",  # consensus statement or expert panel
    "manufacturer",  # device or drug labelling, manufacturer pages
    "secondary",  # secondary account (thesis, review) of a rule
    "physiology",  # anatomical or pharmacological rationale
    "value-judgement",  # a statement about how to decide, not about outcomes
)

VERIFICATION = ("V", "S")  # fact-sheet levels we may use; U figures are never encoded

QUESTION_TYPES = ("single", "multiple")

# What a question asks the learner to do (its `task:`), for the progress page's credit by task.
# Tag by what the key turns on, not by the stem's framing: a patient's question answered with a
# trial result is "evidence".
TASKS = (
    "selection",  # choose the therapy (or none) for this patient, or judge whether they fit
    "contraindications",  # a factor that rules a therapy out or calls for caution, and what follows
    "toxicity",  # recognise, prevent or manage a therapy's harms
    "evidence",  # what a trial or the review shows, and how far it applies to this patient
    "counselling",  # what to tell the patient and how to respond to their values and choice
)

# Moodle's fixed list of grade fractions (question/engine/bank.php); banks may use only these.
_MOODLE_POSITIVE = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
MOODLE_FRACTIONS = frozenset(_MOODLE_POSITIVE + tuple(-f for f in _MOODLE_POSITIVE) + (0.0,))

# Positive credits of a multiple-response question must add up to 1; thirds from Moodle's list
# (3 x 0.3333333) fall 1e-7 short, so allow that much.
CREDIT_SUM_TOLERANCE = 1e-6

# Case features: exactly the decision vocabulary of decide.recommend().
SETTINGS = ("adjuvant", "first-line", "after-progression")
DISEASES = ("liver-limited", "liver-dominant", "extrahepatic")
GOALS = ("conversion", "regional-control", "survival", "quality-of-life", "avoid-procedures")
CONTRAINDICATIONS = (
    "portal-vein-thrombosis",
    "unfit-for-laparotomy",
    "hyperbilirubinemia",
    "lung-shunt-over-20pct",
    "liver-involvement-over-60pct",
)
FEATURE_KEYS = ("setting", "disease", "goal", "contraindications")
# Output of decide.recommend(): caution = the sources name a risk, disagree, or are silent on a
# listed factor; it is never a plain option and never a quiz key.
STANCES = ("option", "caution", "not-supported", "contraindicated")

# Reader-facing names, one place for the explorer, the chapters and recommend()'s sentences.
MODALITY_NAMES = {"haip": "HAIP", "tace": "DEBIRI-TACE", "tare": "TARE"}
CONTRAINDICATION_LABELS = {
    "portal-vein-thrombosis": "Portal vein thrombosis",
    "unfit-for-laparotomy": "Not fit for an abdominal operation",
    "hyperbilirubinemia": "Total bilirubin 1.5 mg/dL or more",
    "lung-shunt-over-20pct": "Lung shunt fraction above 20%",
    "liver-involvement-over-60pct": "Tumour involves more than 60% of the liver",
}

# Minimum number of questions that must examine each review record (error only with --strict).
MIN_QUESTIONS_PER_REVIEW_RECORD = 2

# Size limits of bank and registry data (checked by validate.py, bank.py and registry.py).
# Ids: the grader's own limit, so every id that passes `check` can be answered and graded.
from quizzes.grading.answers import MAX_TEXT as MAX_ID_CHARS  # noqa: E402, F401  (one number for both)

MAX_PLAIN_CHARS = 300  # titles, labels, locators, source names (longest today: 99)
MAX_MARKDOWN_CHARS = 5000  # vignette, stem, option text, feedback, paraphrase (longest: ~900)
MAX_LIST_ITEMS = 30  # follows, contradicts, evidence, contraindications, modality lists
MAX_CASES = 100  # cases in one bank
MAX_QUESTIONS_PER_CASE = 50
MIN_OPTIONS = 2  # a question with one option asks nothing (4 is a lint warning)
MAX_OPTIONS = 12
MAX_RECORDS = 1000  # registry records
MAX_SOURCES = 100  # registry sources
