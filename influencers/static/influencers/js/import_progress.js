// The import job page's progress bar: polls the job's status URL every second until the
// import has succeeded or failed. A file, not an inline script, so the Content-Security-
// Policy needs no 'unsafe-inline' (words come translated in the box's data attributes).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var words = box.dataset;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var c = s.counts;
        document.getElementById("import-bar").style.width = s.percent + "%";
        document.getElementById("import-text").textContent =
          s.state_label + " — " + s.rows_done + " / " + (s.rows_total || "?") +
          " · " + words.created + " " + c.created +
          " · " + words.updated + " " + c.updated +
          " · " + words.unchanged + " " + c.unchanged +
          " · " + words.skipped + " " + c.skipped +
          " · " + words.failed + " " + c.failed +
          (s.error ? " · " + s.error : "");
        if (s.state !== "succeeded" && s.state !== "failed") {
          setTimeout(poll, 1000);
        }
      });
  }
  poll();
})();
