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

  // A list of checkboxes with «выбрать все» / «снять все» and a filter by a data attribute
  // (the derive form: organizations by type). Markup: [data-check-group] holding
  // select[data-check-filter], button[data-check-all], button[data-check-none] and
  // [data-check-item][data-kind] wrappers of the checkboxes. Hidden items are never ticked.
  function checkGroups(root) {
    root.querySelectorAll("[data-check-group]").forEach(function (group) {
      if (group.dataset.checkReady) return;
      group.dataset.checkReady = "1";
      var filter = group.querySelector("[data-check-filter]");
      var items = function () { return Array.prototype.slice.call(group.querySelectorAll("[data-check-item]")); };
      var visible = function () { return items().filter(function (item) { return !item.hidden; }); };
      var tick = function (on) {
        visible().forEach(function (item) {
          var box = item.querySelector("input[type=checkbox]");
          if (box && !box.disabled) box.checked = on;
        });
      };
      var all = group.querySelector("[data-check-all]");
      var none = group.querySelector("[data-check-none]");
      if (all) all.addEventListener("click", function () { tick(true); });
      if (none) none.addEventListener("click", function () { tick(false); });
      if (filter) filter.addEventListener("change", function () {
        items().forEach(function (item) {
          item.hidden = !!filter.value && item.dataset.kind !== filter.value;
        });
      });
    });
  }

  // Searchable multi-selects (tom-select from npm, served locally): select[data-tom-select].
  function searchableSelects(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select[data-tom-select]").forEach(function (select) {
      if (select.tomselect) return;
      var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      // tom-select points the label at its own input: the hidden original keeps its name too
      if (label && !select.getAttribute("aria-label")) select.setAttribute("aria-label", label.textContent.trim());
      new window.TomSelect(select, {
        plugins: ["remove_button"],
        maxOptions: null,
        hidePlaceholder: true,
        placeholder: "Начните вводить, чтобы найти",
        render: {
          no_results: function () { return '<div class="no-results">Ничего не найдено</div>'; },
        },
        onInitialize: function () {
          var input = this.control_input;
          if (input && label) input.setAttribute("aria-label", label.textContent.trim());
        },
      });
    });
  }

  function apply(root) {
    wrapTables(root);
    focusableScrollers(root);
    checkGroups(root);
    searchableSelects(root);
  }

  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (e) { apply(e.target); });
})();
