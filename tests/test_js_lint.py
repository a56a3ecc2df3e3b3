"""The course's browser JavaScript under ESLint and TypeScript's type checker.

- ESLint (rules in tests/eslint-rules.mjs) over widgets/, book/_static/ and tests/js/.
- TypeScript's checker (tsconfig.json) over the JSDoc types of the modules that start with
  `// @ts-check`; nothing is compiled.

The npm packages are pinned here and installed from npm once, into a cache folder outside the
repository (tests/npm_cache.py: skipped without Node on a laptop, failed in CI). The site build
never needs Node.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from npm_cache import npm_packages

ROOT = Path(__file__).resolve().parents[1]
RULES = Path(__file__).with_name("eslint-rules.mjs")
PACKAGES = {"eslint": "10.15.0", "@eslint/js": "10.0.1", "globals": "17.14.0"}
TYPESCRIPT = "typescript@7.0.2"

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

def eslint_folder() -> Path:
    folder = npm_packages("eslint", [f"{name}@{version}" for name, version in PACKAGES.items()],
                          "the JavaScript lint needs them")
    (folder / "run-eslint.mjs").write_text(RUNNER)
    return folder


def lint() -> dict:
    folder = eslint_folder()
    done = subprocess.run(["node", str(folder / "run-eslint.mjs"), str(ROOT), RULES.as_uri()],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"ESLint did not run:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def test_browser_javascript_passes_eslint():
    report = lint()
    assert report["files"] >= 10, f"ESLint saw only {report['files']} files"
    problems = [f"{p['file']}:{p['line']}: {p['rule']}: {p['message']}" for p in report["problems"]]
    assert problems == [], "\n".join(problems)


def type_check() -> subprocess.CompletedProcess:
    folder = npm_packages("typescript", [TYPESCRIPT], "the JavaScript type check needs it")
    return subprocess.run(["node", str(folder / "node_modules" / "typescript" / "bin" / "tsc"),
                           "-p", str(ROOT / "tsconfig.json"), "--pretty", "false"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_typed_javascript_modules_pass_the_typescript_checker():
    checked = sorted(p.relative_to(ROOT).as_posix() for pattern in ("widgets/*.js", "tests/js/*.js")
                     for p in ROOT.glob(pattern) if p.read_text(encoding="utf-8").startswith("// @ts-check\n"))
    # The shared pure modules carry JSDoc types; dropping the pragma from one would silently stop
    # checking it.
    assert {"widgets/storage.js", "widgets/order.js", "widgets/fsrs.js", "widgets/quiz-data.js",
            "widgets/review-store.js", "widgets/dom.js", "tests/js/adapters.js"} <= set(checked), checked
    done = type_check()
    assert done.returncode == 0, f"TypeScript reports:\n{(done.stdout + done.stderr)[-4000:]}"
