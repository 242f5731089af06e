// Users and roles pages: small helps; every form works without this file.
(function () {
  "use strict";
  // The role matrix: mark the cells changed since the page was shown.
  document.querySelectorAll("table.matrix input[type=checkbox]").forEach(function (box) {
    var shown = box.checked;
    box.addEventListener("change", function () {
      box.parentNode.classList.toggle("changed", box.checked !== shown);
    });
  });
  // The password fields: typing a password chooses "use the password typed below".
  document.querySelectorAll("form").forEach(function (form) {
    var typed = form.querySelector("input[name=password]");
    var own = form.querySelector("input[type=radio][name=generate][value='']");
    if (!typed || !own) return;
    typed.addEventListener("input", function () {
      if (typed.value) own.checked = true;
    });
  });
})();
