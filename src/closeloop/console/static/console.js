// CloseLoop console: small progressive enhancements; every action works without this file.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";
  var words = lang === "en"
    ? { left: "left", over: "overdue by", d: "d", h: "h", m: "min" }
    : { left: "剩余", over: "已超时", d: "天", h: "小时", m: "分钟" };

  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    var parts = [];
    if (days) parts.push(days + " " + words.d);
    if (days || hours) parts.push(hours + " " + words.h);
    parts.push((minutes % 60) + " " + words.m);
    return parts.join(" ");
  }

  // Live countdown beside every deadline (<time data-due>), on the server's clock: the page
  // says what time the server had, so a wrong clock on the agent's PC changes nothing.
  var served = Date.parse(document.body.getAttribute("data-server-now") || "");
  var skew = isNaN(served) ? 0 : served - Date.now();
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("time[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var out = el.nextElementSibling && el.nextElementSibling.classList.contains("countdown")
        ? el.nextElementSibling : null;
      if (!out) {
        out = document.createElement("span");
        out.className = "countdown";
        out.setAttribute("aria-live", "off");
        el.parentNode.insertBefore(out, el.nextSibling);
      }
      var left = due - now;
      out.textContent = left >= 0 ? words.left + " " + span(left) : words.over + " " + span(left);
      el.classList.toggle("overdue", left < 0);
    });
  }
  tick();
  setInterval(tick, 30000);

  // Knowledge suggestions while typing (intake): fetch a server-rendered fragment.
  document.querySelectorAll("[data-suggest-from]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-suggest-from"));
    var extra = box.getAttribute("data-suggest-also");
    var url = box.getAttribute("data-suggest-url");
    if (!source || !url) return;
    var timer = null;
    function refresh() {
      var text = source.value;
      if (extra && document.getElementById(extra)) text = document.getElementById(extra).value + " " + text;
      if (text.trim().length < 2) return;
      fetch(url + "?text=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.ok && !r.redirected ? r.text() : ""; })
        .then(function (html) { if (html) box.innerHTML = html; });
    }
    function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
    source.addEventListener("input", later);
    if (extra && document.getElementById(extra)) document.getElementById(extra).addEventListener("input", later);
  });
})();
