// CloseLoop live chat, both sides: the customer's page (/chat) and the agent's conversation
// (/console/chats/{id}). Messages come from the server-sent event stream, which resumes after
// the last message id it delivered (Last-Event-ID), so a reconnect loses nothing.
(function () {
  "use strict";
  var box = document.querySelector(".chat-box");
  if (!box) return;
  var side = box.getAttribute("data-side");
  var list = box.querySelector(".chat-messages");
  var typingNote = box.querySelector(".chat-typing");
  var readNote = box.querySelector(".chat-read");
  var statusNote = box.querySelector(".chat-status");
  var csrf = box.getAttribute("data-csrf") || "";
  var last = parseInt(box.getAttribute("data-last") || "0", 10);
  var lastOwn = 0;
  var sessionId = box.getAttribute("data-chat") || "";
  var names = {
    customer: box.getAttribute("data-texts-customer") || "客户",
    bot: box.getAttribute("data-texts-bot") || "机器人",
    agent: box.getAttribute("data-texts-agent") || "坐席"
  };
  var source = null;
  if (side === "customer") {
    try { sessionId = window.sessionStorage.getItem("closeloop-chat") || ""; } catch (e) { /* private mode */ }
  }

  function base() {
    return side === "agent" ? "/console/chats/" + sessionId : "/api/v1/assist/chat/" + sessionId;
  }

  function post(path, fields) {
    if (side === "agent") {
      var form = new FormData();
      form.append("csrf_token", csrf);
      Object.keys(fields).forEach(function (k) { form.append(k, fields[k]); });
      return fetch(base() + path, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { Accept: "application/json" }
      });
    }
    return fetch(base() + path, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fields)
    });
  }

  var readTimer = null;
  function markRead() {
    if (document.hidden || !sessionId) return;
    window.clearTimeout(readTimer);
    readTimer = window.setTimeout(function () {
      post("/read", { up_to: String(last) }).catch(function () { /* shown next time */ });
    }, 300);
  }

  function add(m) {
    var id = parseInt(m.id, 10);
    if (id <= last && list.querySelector('[data-id="' + m.id + '"]')) return;
    if (id > last) last = id;
    if (m.from === side) lastOwn = Math.max(lastOwn, id);
    var item = document.createElement("li");
    item.className = "msg msg-" + m.from;
    item.setAttribute("data-id", m.id);
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = names[m.from] || m.from;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text;
    item.appendChild(who);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(text);
    list.appendChild(item);
    item.scrollIntoView({ block: "end" });
    if (m.from !== side) markRead();
  }

  function showState(s) {
    if (typingNote) typingNote.hidden = !s.typing;
    if (readNote) readNote.hidden = !(lastOwn && parseInt(s.read_up_to, 10) >= lastOwn);
    if (statusNote && side === "customer" && s.status && s.status !== "bot") {
      statusNote.textContent = statusNote.getAttribute("data-" + s.status) || statusNote.textContent;
    }
  }

  function connect() {
    if (!sessionId || source || !window.EventSource) return;
    source = new EventSource(base() + "/stream?after=" + last);
    source.addEventListener("message", function (e) { add(JSON.parse(e.data)); });
    source.addEventListener("state", function (e) { showState(JSON.parse(e.data)); });
    // EventSource reconnects by itself after an error or the end of a stream, sending the
    // last id it saw; nothing else to do here.
  }

  function catchUp() {
    return fetch(base() + "/messages?after=" + last)
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (page) { page.items.forEach(add); });
  }

  var typedAt = 0;
  var field = box.querySelector("textarea");
  if (field) {
    field.addEventListener("input", function () {
      var now = Date.now();
      if (!sessionId || now - typedAt < 3000) return;
      typedAt = now;
      post("/typing", {}).catch(function () { /* only a hint */ });
    });
  }

  var form = box.querySelector(".chat-send");
  if (form && side === "agent" && box.getAttribute("data-live") === "1") {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = field.value.trim();
      if (!text) return;
      post("/messages", { text: text }).then(function (r) {
        if (r.ok) { field.value = ""; } else { form.submit(); }
      });
    });
  }
  if (form && side === "customer") {
    var number = box.querySelector("#chat-msisdn");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = field.value.trim();
      if (!text) return;
      var body = { message: text };
      if (sessionId) body.session_id = sessionId;
      if (number && number.value.trim()) body.msisdn = number.value.trim();
      fetch("/api/v1/assist/chat", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (answer) {
          if (!answer.ok) {
            if (statusNote) statusNote.textContent = answer.body.detail || answer.body.title;
            return;
          }
          field.value = "";
          sessionId = answer.body.session_id;
          try { window.sessionStorage.setItem("closeloop-chat", sessionId); } catch (err) { /* ok */ }
          if (answer.body.handoff && statusNote) statusNote.textContent = answer.body.reply;
          catchUp().then(connect);
        });
    });
  }
  document.addEventListener("visibilitychange", markRead);
  if (sessionId) {
    if (side === "customer") { catchUp().then(connect); } else { connect(); markRead(); }
  }
})();
