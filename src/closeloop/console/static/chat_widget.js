// CloseLoop chat widget: put <script src="https://<closeloop>/console/static/chat_widget.js"
// defer></script> on any page; a button opens the chat (/chat?embed=1) in a panel.
(function () {
  "use strict";
  var me = document.currentScript;
  var origin = me ? new URL(me.src).origin : window.location.origin;
  var sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = origin + "/console/static/chat_widget.css";
  document.head.appendChild(sheet);
  var button = document.createElement("button");
  button.type = "button";
  button.className = "closeloop-chat-button";
  button.textContent = (me && me.getAttribute("data-label")) || "在线客服";
  var frame = document.createElement("iframe");
  frame.className = "closeloop-chat-frame";
  frame.title = button.textContent;
  frame.hidden = true;
  button.addEventListener("click", function () {
    if (!frame.src) frame.src = origin + "/chat?embed=1";
    frame.hidden = !frame.hidden;
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
