// Reports page: while a workbook is being built, ask its status every second and a half; show the
// progress bar, then the download link (or the error). Labels come translated from data attributes.
(function () {
  "use strict";
  var list = document.getElementById("report-list");
  if (!list) { return; }

  function render(box, data) {
    var bar = box.querySelector(".progress-bar");
    var label = box.querySelector(".report-label");
    if (data.status === "queued" || data.status === "running") {
      if (bar) {
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        bar.parentElement.setAttribute("aria-valuenow", String(data.progress));
      }
      if (label) { label.textContent = data.label; }
      return false;
    }
    box.textContent = "";
    if (data.download_url) {
      var link = document.createElement("a");
      link.className = "btn btn-success btn-sm";
      link.href = data.download_url;
      link.setAttribute("data-testid", "report-download");
      var icon = document.createElement("i");
      icon.className = "bi bi-download";
      link.appendChild(icon);
      link.appendChild(document.createTextNode(" " + list.dataset.labelDownload));
      var until = document.createElement("span");
      until.className = "small text-muted ms-2";
      until.textContent = list.dataset.labelUntil + " " + data.expires_at;
      box.appendChild(link);
      box.appendChild(until);
    } else {
      var badge = document.createElement("span");
      badge.className = "badge " + (data.status === "failed" ? "text-bg-danger" : "text-bg-secondary");
      badge.textContent = data.label;
      box.appendChild(badge);
      if (data.error) {
        var error = document.createElement("span");
        error.className = "small text-danger ms-2";
        error.textContent = data.error;
        box.appendChild(error);
      }
    }
    return true;
  }

  function poll(box) {
    fetch(box.dataset.reportStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (!render(box, data)) { window.setTimeout(function () { poll(box); }, 1500); }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 5000); });
  }

  list.querySelectorAll("[data-report-status]").forEach(function (box) { poll(box); });
})();
