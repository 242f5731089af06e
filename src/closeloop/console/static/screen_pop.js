// Screen pop (来电弹屏): while the agent works, a call the phone system reports ringing at their
// seat shows its caller with a link to the intake form (customer panel and open tickets).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";
  var words = lang === "en"
    ? { call: "Incoming call", open: "Open the customer", tickets: "open tickets" }
    : { call: "来电", open: "打开客户资料", tickets: "张在途工单" };
  var shown = {};
  var bar = document.createElement("div");
  bar.className = "screen-pop";
  bar.setAttribute("role", "alert");
  bar.hidden = true;
  document.body.insertBefore(bar, document.body.firstChild);

  function show(items) {
    var fresh = items.filter(function (c) { return c.status === "ringing" || shown[c.call_id]; });
    bar.textContent = "";
    fresh.forEach(function (c) {
      shown[c.call_id] = true;
      var line = document.createElement("p");
      line.textContent = words.call + " " + c.caller + (c.name ? " · " + c.name : "") +
        (c.open_tickets ? " · " + c.open_tickets + " " + words.tickets : "") + " ";
      var link = document.createElement("a");
      link.href = c.url;
      link.textContent = words.open;
      line.appendChild(link);
      bar.appendChild(line);
    });
    bar.hidden = fresh.length === 0;
  }

  function look() {
    if (document.hidden) return;
    fetch("/console/calls/pops", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (page) { show(page.items); })
      .catch(function () { /* the next look tries again */ });
  }
  look();
  window.setInterval(look, 3000);
})();
