"""The course's browser JavaScript and CSS under ESLint, Prettier and TypeScript's type checker.

- ESLint (rules in tests/eslint-rules.mjs) over widgets/, book/_static/ and tests/js/.
- Prettier (settings in .prettierrc.json; the files it formats are those .prettierignore lets through).
- TypeScript's checker (tsconfig.json) over the JSDoc types of the modules that start with
  `// @ts-check`; nothing is compiled.

The npm packages are pinned here and installed from npm once, into a cache folder outside the
repository (tests/npm_cache.py: skipped without Node on a laptop, failed in CI). The site build
never needs Node.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from npm_cache import npm_packages

ROOT = Path(__file__).resolve().parents[1]
RULES = Path(__file__).with_name("eslint-rules.mjs")
PACKAGES = {"eslint": "10.15.0", "@eslint/js": "10.0.1", "globals": "17.14.0"}
PRETTIER = "prettier@3.10.1"
TYPESCRIPT = "typescript@7.0.2"
# Folders never handed to Prettier (the ignore file leaves them out too; this only saves a walk).
NOT_SOURCE = {".git", ".venv", "_build", "node_modules", "__pycache__"}

# Runs ESLint through its Node API with the repository as the base folder and our rules only
# (no config-file lookup), and prints one JSON list of {file, line, rule, message}.
RUNNER = """
import { ESLint } from "eslint";
import js from "@eslint/js";
import globals from "globals";
const [root, rules] = process.argv.slice(2);
const config = (await import(rules)).default({ js, globals });
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config,
                           errorOnUnmatchedPattern: false });
const results = await eslint.lintFiles(["widgets/**/*.js", "book/_static/**/*.js", "tests/js/**/*.js"]);
const problems = results.flatMap(r => r.messages.map(m => ({
  file: r.filePath.slice(root.length + 1), line: m.line, rule: m.ruleId, message: m.message,
  severity: m.severity })));
console.log(JSON.stringify({ files: results.length, problems }));
"""

# Asks Prettier, for each candidate file (one per line on stdin), whether .prettierignore lets it
# through and, if so, whether it is formatted; prints {checked: [...], unformatted: [...]}.
PRETTIER_RUNNER = """
import * as prettier from "prettier";
import { readFileSync } from "node:fs";
import { join } from "node:path";
const [root] = process.argv.slice(2);
const ignorePath = join(root, ".prettierignore");
const checked = [];
const unformatted = [];
for (const file of readFileSync(0, "utf8").split("\\n").filter(Boolean)) {
  const path = join(root, file);
  const info = await prettier.getFileInfo(path, { ignorePath });
  if (info.ignored || !info.inferredParser) continue;
  const options = { ...(await prettier.resolveConfig(path, { editorconfig: false })), filepath: path };
  checked.push(file);
  if (!(await prettier.check(readFileSync(path, "utf8"), options))) unformatted.push(file);
}
console.log(JSON.stringify({ checked, unformatted }));
"""


def eslint_folder() -> Path:
    folder = npm_packages(
        "eslint", [f"{name}@{version}" for name, version in PACKAGES.items()], "the JavaScript lint needs them"
    )
    (folder / "run-eslint.mjs").write_text(RUNNER)
    return folder


def lint() -> dict:
    folder = eslint_folder()
    done = subprocess.run(
        ["node", str(folder / "run-eslint.mjs"), str(ROOT), RULES.as_uri()], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"ESLint did not run:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def test_browser_javascript_passes_eslint():
    report = lint()
    assert report["files"] >= 10, f"ESLint saw only {report['files']} files"
    problems = [f"{p['file']}:{p['line']}: {p['rule']}: {p['message']}" for p in report["problems"]]
    assert problems == [], "\n".join(problems)


def candidate_files() -> list[str]:
    """Every .js and .css file of the repository (Prettier's ignore file then chooses)."""
    out = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_SOURCE)
        out += [(Path(folder) / f).relative_to(ROOT).as_posix() for f in sorted(files) if f.endswith((".js", ".css"))]
    return out


def prettier_report() -> dict:
    folder = npm_packages("prettier", [PRETTIER], "the format check needs it")
    (folder / "check-format.mjs").write_text(PRETTIER_RUNNER)
    done = subprocess.run(
        ["node", str(folder / "check-format.mjs"), str(ROOT)],
        input="\n".join(candidate_files()),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"Prettier did not run:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def test_browser_javascript_and_css_are_formatted_by_prettier():
    report = prettier_report()
    checked = set(report["checked"])
    # What the ignore file must let through: every widget module and style sheet, the book's own
    # scripts and styles; and never the built site.
    assert {
        "widgets/quiz.js",
        "widgets/storage.js",
        "widgets/quiz.css",
        "widgets/theme.css",
        "book/_static/course-offline.js",
        "book/_static/course.css",
        "tests/js/adapters.js",
    } <= checked, checked
    assert not any(f.startswith(("_build/", ".venv/")) for f in checked)
    unformatted = "\n".join(report["unformatted"])
    assert not unformatted, f"not formatted (run prettier --write on them):\n{unformatted}"


def type_check() -> subprocess.CompletedProcess:
    folder = npm_packages("typescript", [TYPESCRIPT], "the JavaScript type check needs it")
    return subprocess.run(
        [
            "node",
            str(folder / "node_modules" / "typescript" / "bin" / "tsc"),
            "-p",
            str(ROOT / "tsconfig.json"),
            "--pretty",
            "false",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_typed_javascript_modules_pass_the_typescript_checker():
    checked = sorted(
        p.relative_to(ROOT).as_posix()
        for pattern in ("widgets/*.js", "tests/js/*.js")
        for p in ROOT.glob(pattern)
        if p.read_text(encoding="utf-8").startswith("// @ts-check\n")
    )
    # The shared pure modules carry JSDoc types; dropping the pragma from one would silently stop
    # checking it.
    assert {
        "widgets/storage.js",
        "widgets/order.js",
        "widgets/fsrs.js",
        "widgets/quiz-data.js",
        "widgets/review-store.js",
        "widgets/dom.js",
        "tests/js/adapters.js",
    } <= set(checked), checked
    done = type_check()
    assert done.returncode == 0, f"TypeScript reports:\n{(done.stdout + done.stderr)[-4000:]}"
