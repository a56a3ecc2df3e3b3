// Wide tables on narrow screens (issue 12). course.css lets a table wider than the article scroll
// sideways inside it rather than push the page; on a phone nothing shows that columns are out of
// sight. Each table that does not fit therefore gets a visible line above it, and a keyboard stop
// (tabindex) so that it can be scrolled without a pointer. A table that fits, on a wider screen or
// once the phone is turned, has neither. Tables in closed dropdowns are measured when shown.
(() => {
  "use strict";
  const CUE_CLASS = "course-table-cue";
  const CUE_TEXT = "Scroll the table sideways to see all its columns →";

  function cueOf(table) {
    const before = table.previousElementSibling;
    return before && before.classList.contains(CUE_CLASS) ? before : null;
  }

  // Whether a table hides columns; null when it is not shown (closed dropdown): measured later.
  function scrollsSideways(table) {
    if (!table.clientWidth) return null;
    return table.scrollWidth > table.clientWidth + 1;
  }

  function mark(table, scrolls) {
    const cue = cueOf(table);
    if (scrolls && !cue) {
      const line = document.createElement("p");
      line.className = CUE_CLASS;
      line.textContent = CUE_TEXT;
      table.before(line);
      if (!table.hasAttribute("tabindex")) {
        table.tabIndex = 0;
        table.dataset.courseTabStop = ""; // ours, so it can be taken back
      }
    } else if (!scrolls && cue) {
      cue.remove();
      if ("courseTabStop" in table.dataset) {
        table.removeAttribute("tabindex");
        delete table.dataset.courseTabStop;
      }
    }
  }

  function start() {
    const tables = document.querySelectorAll(".bd-article table");
    if (!tables.length || !("ResizeObserver" in window)) return;
    // Fires once for each table as it is first laid out, and again whenever its width changes
    // (window resized, phone turned, dropdown opened). The page is changed in the next frame, not
    // inside the callback: a line inserted there could resize what is being observed (a loop).
    // Every table is measured before any line goes in: one layout per frame, not one per table.
    const observer = new ResizeObserver((entries) => {
      requestAnimationFrame(() => {
        const measured = entries.map((e) => [e.target, scrollsSideways(e.target)]);
        measured.forEach(([table, scrolls]) => scrolls === null || mark(table, scrolls));
      });
    });
    tables.forEach((t) => observer.observe(t));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
