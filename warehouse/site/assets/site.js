// ctgov-warehouse static site: draws the charts (plotly.js, written beside this file) and makes
// the index filterable and sortable. No network: everything it uses is in the site.
(function () {
  "use strict";

  function drawCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
      window.Plotly.newPlot(el, spec.data, spec.layout, { displaylogo: false, responsive: true });
    });
  }

  function rowsOf(table) { return Array.prototype.slice.call(table.tBodies[0].rows); }

  function filterTable(input) {
    var table = document.getElementById(input.dataset.filter);
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rowsOf(table).forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    var count = document.getElementById(table.id + "-count");
    if (count) { count.textContent = shown + " of " + table.tBodies[0].rows.length + " shown"; }
  }

  function sortTable(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var column = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = button.dataset.sort === "number";
    var rows = rowsOf(table);
    rows.sort(function (a, b) {
      var x = a.cells[column].textContent.trim();
      var y = b.cells[column].textContent.trim();
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    th.parentNode.querySelectorAll("th").forEach(function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("input[data-filter]").forEach(function (input) {
      input.addEventListener("input", function () { filterTable(input); });
      filterTable(input);
    });
    document.querySelectorAll("th button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () { sortTable(button); });
    });
  });
}());
