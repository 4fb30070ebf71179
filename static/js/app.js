/* Small progressive fixes every page shares (no framework). */
(function () {
  "use strict";

  // Wide tables scroll inside their own box, never the page: wrap the ones a template left bare.
  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-responsive")) return;
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  // A box that scrolls must be reachable from the keyboard (WCAG 2.1.1), and named for a screen reader.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          var caption = box.querySelector("caption");
          var heading = box.closest("section, .card, main").querySelector("h1, h2, h3");
          box.setAttribute("aria-label", (caption || heading || {}).textContent ? (caption || heading).textContent.trim() : "Таблица");
        }
      }
    });
  }

  function apply(root) {
    wrapTables(root);
    focusableScrollers(root);
  }

  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (e) { apply(e.target); });
})();
