"""Grading speed: write N answer files for the first quiz and grade them all."""
from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

import quizzes
from quizzes.grade import grade_files, load_quizzes, write_csv_atomic


def grade_many(count: int = 10_000, quiz_id: str = "quiz-settings", seed: int = 1) -> tuple[float, int, int]:
    """Seconds to load the banks, grade `count` files and write the gradebook."""
    rng = random.Random(seed)
    data = quizzes.payload(quiz_id)
    questions = [q for case in data["cases"] for q in case["questions"]]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(count):
            answers = {}
            for q in questions:
                ids = [o["id"] for o in q["options"]]
                single = q["type"] == "single"
                answers[q["id"]] = [rng.choice(ids)] if single else rng.sample(ids, rng.randint(0, len(ids)))
            doc = {"format": "crlm-quiz-answers", "version": 1, "quiz": quiz_id, "hash": data["hash"],
                   "learner": f"learner-{i:05d}", "answers": answers, "score_shown": None,
                   "saved_at": "2026-11-26T12:00:00Z"}
            path = Path(tmp) / f"{i:05d}.json"
            path.write_text(json.dumps(doc), encoding="utf-8")
            files.append(path)
        start = time.perf_counter()
        rows = grade_files(files, load_quizzes())
        write_csv_atomic(rows, Path(tmp) / "gradebook.csv")
        seconds = time.perf_counter() - start
    graded = sum(r.status == "graded" for r in rows)
    return seconds, count, graded
