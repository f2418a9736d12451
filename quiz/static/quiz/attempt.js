// A running paper: the server's clock, and every answer saved as it is given. An answer that cannot be
// sent (no connection) is kept in this browser and sent again when the connection is back, or when the
// page is opened again; handing in sends every answer on the page anyway.
(function () {
  "use strict";
  var form = document.getElementById("quiz-paper");
  if (!form) return;
  var url = form.getAttribute("data-answer-url");
  var key = "quiz-pending-" + form.getAttribute("data-attempt");
  var statusEl = document.getElementById("quiz-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function pending() {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function keep(p) {
    try { window.localStorage.setItem(key, JSON.stringify(p)); } catch (e) { /* private mode: the form still holds it */ }
  }
  function show(state) {
    if (statusEl) statusEl.textContent = statusEl.getAttribute("data-" + state);
    if (statusEl) statusEl.setAttribute("data-state", state);
  }
  function valuesOf(position) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=q" + position + "]:checked"), function (i) { return i.value; });
  }
  function send(position, values) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("position", position);
    values.forEach(function (v) { body.append("q" + position, v); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (r) {
        if (r.status === 409) { show("over"); return true; }
        if (!r.ok) throw new Error("status " + r.status);
        return true;
      });
  }
  var flushing = false;
  function flush() {
    if (flushing) return;
    var p = pending();
    var positions = Object.keys(p);
    if (!positions.length) { show("saved"); return; }
    flushing = true;
    var chain = Promise.resolve();
    positions.forEach(function (position) {
      chain = chain.then(function () {
        return send(position, p[position]).then(function () {
          var now = pending();
          if (JSON.stringify(now[position]) === JSON.stringify(p[position])) { delete now[position]; keep(now); }
        });
      });
    });
    chain.then(function () { flushing = false; show(Object.keys(pending()).length ? "pending" : "saved"); })
      .catch(function () { flushing = false; show("pending"); });
  }
  // Answers kept from an earlier visit go back onto the page, then to the server.
  var kept = pending();
  Object.keys(kept).forEach(function (position) {
    form.querySelectorAll("input[name=q" + position + "]").forEach(function (input) {
      input.checked = kept[position].indexOf(input.value) !== -1;
    });
  });
  form.addEventListener("change", function (event) {
    var position = event.target.getAttribute("data-position");
    if (!position) return;
    var p = pending();
    p[position] = valuesOf(position);
    keep(p);
    flush();
  });
  form.addEventListener("submit", function () { window.localStorage.removeItem(key); });
  window.addEventListener("online", flush);
  window.setInterval(flush, 5000);
  flush();

  // The clock: the server said how many seconds were left when it sent the page.
  var clock = document.getElementById("quiz-clock");
  var ends = Date.now() + parseInt(clock.getAttribute("data-seconds"), 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
    if (left === 0) { window.clearInterval(timer); show("over"); form.submit(); }
  }
  var timer = window.setInterval(tick, 1000);
  tick();
})();
