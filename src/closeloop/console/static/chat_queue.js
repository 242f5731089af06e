// The live-chat queue page refreshes itself while the agent is not typing in it.
(function () {
  "use strict";
  window.setInterval(function () {
    var busy = document.activeElement && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
    if (!busy && !document.hidden) window.location.reload();
  }, 10000);
})();
