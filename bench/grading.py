"""Grading speed: write N answer files for one quiz and grade them all (gradebook, and the item
analysis report). Learners have an ability: the stronger choose the keyed option more often, so
the report's statistics look like a class's rather than noise."""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

import quizzes
from quizzes.grading import grade
from quizzes.grading.grade import grade_files, load_quizzes, write_csv_atomic


def write_class(folder: Path, count: int, quiz_id: str, seed: int) -> None:
    rng = random.Random(seed)
    data = quizzes.payload(quiz_id)
    questions = [q for case in data["cases"] for q in case["questions"]]
    for i in range(count):
        ability = rng.random()
        answers = {}
        for q in questions:
            ids = [o["id"] for o in q["options"]]
            keyed = [o["id"] for o in q["options"] if o["credit"] > 0]
            if q["type"] == "single":
                answers[q["id"]] = [keyed[0] if keyed and rng.random() < 0.25 + 0.7 * ability else rng.choice(ids)]
            else:
                answers[q["id"]] = list(keyed) if rng.random() < ability else rng.sample(ids, rng.randint(0, len(ids)))
        doc = {
            "format": "crlm-quiz-answers",
            "version": 3,
            "mode": "exam",
            "quiz": quiz_id,
            "hash": data["hash"],
            "learner": f"learner-{i:05d}",
            "answers": answers,
            "score_shown": None,
            "saved_at": "2026-11-26T12:00:00Z",
        }
        (folder / f"{i:05d}.json").write_text(json.dumps(doc), encoding="utf-8")


def grade_many(count: int = 10_000, quiz_id: str = "quiz-settings", seed: int = 1) -> tuple[float, int, int]:
    """Seconds to load the banks, grade `count` files and write the per-file CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        write_class(Path(tmp), count, quiz_id, seed)
        start = time.perf_counter()
        rows = grade_files([tmp], load_quizzes())
        write_csv_atomic(rows, Path(tmp) / "files.csv")
        seconds = time.perf_counter() - start
    graded = sum(r.status == "graded" for r in rows)
    return seconds, count, graded


def report_many(count: int = 10_000, quiz_id: str = "quiz-settings", seed: int = 1) -> tuple[float, int]:
    """Seconds for `grade FOLDER --exam --gradebook --items --report` (in process, output
    discarded): grading, the per-question gradebook, the statistics and the HTML with its plots."""
    import io

    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as out:
        write_class(Path(tmp), count, quiz_id, seed)
        start = time.perf_counter()
        code = grade.command(
            [tmp],
            banks=None,
            out=io.StringIO(),
            err=io.StringIO(),
            exam=True,
            gradebook=Path(out) / "gradebook.csv",
            items=Path(out) / "items.csv",
            report=Path(out) / "report.html",
        )
        seconds = time.perf_counter() - start
        size = (Path(out) / "report.html").stat().st_size if code == 0 else 0
    return seconds, size
