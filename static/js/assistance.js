// Assistance pages: the re-verification form shows only the fields of the chosen outcome.
(function () {
  "use strict";
  function sync(form) {
    var outcome = form.querySelector("[name=outcome]");
    if (!outcome) { return; }
    var show = { category: outcome.value === "change", close_reason: outcome.value === "close", follow_up_on: outcome.value === "close" };
    Object.keys(show).forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      var wrapper = field && field.closest(".mb-3");
      if (wrapper) { wrapper.hidden = !show[name]; }
    });
  }
  document.querySelectorAll("form[data-reverify]").forEach(function (form) {
    sync(form);
    form.addEventListener("change", function () { sync(form); });
  });
})();
