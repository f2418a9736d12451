// Activities pages: copy the private calendar link (no inline scripts in templates).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var input = document.querySelector(button.getAttribute("data-copy-target"));
    if (!input) {
      return;
    }
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value);
    }
    button.textContent = button.getAttribute("data-copied-label") || button.textContent;
  });
})();

// Register members on their behalf: select all / those not yet registered, a live count, and ticks that
// survive a new search (kept as hidden inputs while their row is not shown).
(function () {
  "use strict";
  var form = document.querySelector("[data-register-form]");
  if (!form) {
    return;
  }
  var chosen = new Set();
  function boxes() {
    return Array.prototype.slice.call(form.querySelectorAll("#candidates input[name=members]"));
  }
  function sync() {
    var shown = new Set();
    boxes().forEach(function (box) {
      shown.add(box.value);
      box.checked = chosen.has(box.value);
    });
    var kept = form.querySelector("[data-kept]");
    kept.innerHTML = "";
    chosen.forEach(function (id) {
      if (!shown.has(id)) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "members";
        input.value = id;
        kept.appendChild(input);
      }
    });
    form.querySelector("[data-selected-count]").textContent = String(chosen.size);
  }
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "members") {
      return;
    }
    if (box.checked) {
      chosen.add(box.value);
    } else {
      chosen.delete(box.value);
    }
    sync();
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-select]");
    if (!button) {
      return;
    }
    var how = button.getAttribute("data-select");
    if (how === "none") {
      chosen.clear();
    } else {
      boxes().forEach(function (box) {
        if (!box.disabled && (how === "all" || box.hasAttribute("data-open"))) {
          chosen.add(box.value);
        }
      });
    }
    sync();
  });
  document.body.addEventListener("htmx:afterSwap", sync);
  sync();
})();
