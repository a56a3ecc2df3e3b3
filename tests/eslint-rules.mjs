// ESLint settings for the course's browser JavaScript (widgets/, book/_static/, and tests/js/ for the tests).
// tests/test_js_lint.py runs ESLint with them; the packages come from npm into a cache folder
// outside the repository, so this file imports nothing and receives them as arguments.
export default function config({ js, globals }) {
  return [
    js.configs.recommended,
    {
      files: ["widgets/**/*.js", "book/_static/**/*.js", "tests/js/**/*.js"],
      languageOptions: {
        ecmaVersion: 2022,
        sourceType: "module",
        globals: { ...globals.browser },
      },
      rules: {
        // Widget render functions take ({ model, el }) and use only some of them.
        "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
        eqeqeq: ["error", "always", { null: "ignore" }],
        "no-var": "error",
        "prefer-const": "error",
      },
    },
    {
      // The service worker runs in its own global scope.
      files: ["book/_static/service-worker.js"],
      languageOptions: { sourceType: "script", globals: { ...globals.serviceworker } },
    },
    {
      // Classic scripts that the pages load with a plain <script> tag.
      files: ["book/_static/**/*.js"],
      ignores: ["book/_static/service-worker.js"],
      languageOptions: { sourceType: "script" },
    },
  ];
}
