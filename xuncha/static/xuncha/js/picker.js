// Searchable pickers (xuncha/web/widgets.py): a search box above every select[data-picker].
// Typing filters the options by every word typed (any part of the label: name, position,
// unit); the chosen options stay shown; a status line says how many are shown. Without
// JavaScript the select works as it is. No inline script or style (CSP).
(function () {
  "use strict";

  function norm(text) {
    return (text || "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    if (select.dataset.pickerReady) { return; }
    select.dataset.pickerReady = "1";
    var options = Array.prototype.slice.call(select.options).filter(function (o) {
      return o.value !== "";
    });
    if (options.length < 8) { return; }  // a short list needs no search
    var labels = options.map(function (o) { return norm(o.textContent); });
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.setAttribute("autocomplete", "off");
    search.setAttribute("placeholder", select.dataset.pickerSearch || "");
    search.setAttribute("aria-label", select.dataset.pickerSearch || "");
    if (select.id) {
      search.id = select.id + "-search";
      search.setAttribute("aria-controls", select.id);
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) {
        search.setAttribute("aria-label", label.textContent.trim() + " · " +
                            (select.dataset.pickerSearch || ""));
      }
    }
    var status = document.createElement("small");
    status.className = "picker-count";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.hidden = true;
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(status, select.nextSibling);

    function filter() {
      var words = norm(search.value).split(" ").filter(Boolean);
      var shown = 0;
      options.forEach(function (option, i) {
        var match = option.selected || words.every(function (w) {
          return labels[i].indexOf(w) !== -1;
        });
        option.hidden = !match;
        if (match) { shown += 1; }
      });
      status.hidden = words.length === 0;
      status.textContent = (select.dataset.pickerCount || "%(n)s / %(total)s")
        .replace("%(n)s", String(shown)).replace("%(total)s", String(options.length));
    }

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // choose, never submit the form from the search box
        event.preventDefault();
        var first = options.filter(function (o) { return !o.hidden; })[0];
        if (first && !select.multiple) { select.value = first.value; }
        select.focus();
      }
    });
  }

  function enhanceAll(root) {
    var selects = (root || document).querySelectorAll("select[data-picker]");
    Array.prototype.forEach.call(selects, enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  // Fragments htmx swaps in (a form row added, a list refreshed) get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
})();
