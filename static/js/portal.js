// The portal's own script: no inline scripts in templates (so a strict CSP can be set).
(function () {
  "use strict";
  // Buttons and forms that need a confirmation before something destructive: data-confirm="…".
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
  // Forms that do long work (an import): data-busy disables the submit button once sent, so a double
  // click sends it once; the button says what is happening (data-busy-text).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-busy")) {
      return;
    }
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      var text = button.getAttribute("data-busy-text");
      if (text) {
        button.textContent = text;
      }
    });
  });
  // Auto-submit filter selects: <select data-autosubmit>.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) {
      event.target.form.submit();
    }
  });
})();
