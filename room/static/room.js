// The room's only script: live updates over server-sent events, and forms posted without leaving
// the page. Every page works without it (plain forms and reloads). Nothing from the server is
// inserted as HTML except the fragments the server rendered and escaped itself.
"use strict";

(function () {
  function byId(id) { return document.getElementById(id); }

  function flash(text) {
    var box = byId("flash");
    if (!box) { return; }
    box.textContent = text || "";
    box.hidden = !text;
  }

  // Live updates ---------------------------------------------------------------------------------
  var live = document.querySelector("[data-stream]");
  if (live && window.EventSource) {
    var feed = byId("feed");
    var forYou = byId("for-you");
    var source = new EventSource(live.getAttribute("data-stream"));
    source.addEventListener("drill", function (message) {
      var data = JSON.parse(message.data);
      if (!feed) { return; }
      var empty = feed.querySelector(".empty");
      if (empty) { empty.remove(); }
      var item = document.createElement("li");
      if (data.mine) {
        item.className = "mine";
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = forYou ? forYou.textContent : "";
        item.appendChild(tag);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(data.line));
      feed.insertBefore(item, feed.firstChild);
      while (feed.children.length > 200) { feed.removeChild(feed.lastChild); }
    });
    source.addEventListener("view", function (message) {
      var data = JSON.parse(message.data);
      live.removeAttribute("data-offline-shown");
      ["situation", "actions", "people"].forEach(function (key) {
        if (data[key] !== undefined && byId(key)) { byId(key).innerHTML = data[key]; }
      });
      if (data.statuses) {
        Object.keys(data.statuses).forEach(function (target) {
          var node = document.querySelector('[data-status-for="' + CSS.escape(target) + '"]');
          if (node) { node.textContent = data.statuses[target]; }
        });
      }
      if (data.flash) { flash(data.flash); }
      clock(data);
    });
    source.addEventListener("clock", function (message) { clock(JSON.parse(message.data)); });
    source.addEventListener("removed", function () { source.close(); window.location.reload(); });
    source.addEventListener("end", function () { source.close(); });
    // The room was closed (the facilitator closed it, or the server is stopping): say so calmly,
    // stop reconnecting to a server that is going away, and leave nothing to press that cannot work.
    source.addEventListener("closed", function (message) {
      source.close();
      var data = JSON.parse(message.data);
      live.setAttribute("data-closed", "");
      live.querySelectorAll("button, textarea, input").forEach(function (control) { control.disabled = true; });
      clock({ state: data.state });
      flash(data.message);
    });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED) { flash(live.getAttribute("data-offline")); }
    };
    source.onopen = function () {
      var box = byId("flash");
      if (box && box.textContent === live.getAttribute("data-offline")) { flash(""); }
    };
  }

  function clock(data) {
    if (data.t && byId("clock")) { byId("clock").textContent = data.t; }
    if (data.state && byId("state")) { byId("state").textContent = data.state; }
  }

  // Forms posted in place --------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-async") || !window.fetch) { return; }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) { body.set(event.submitter.name, event.submitter.value); }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // getAttribute: a form control named "action" would shadow form.action
    fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      return response.json().then(function (data) {
        flash(data.message || data.error || "");
        if (response.ok) { form.querySelectorAll("textarea").forEach(function (t) { t.value = ""; }); }
        form.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
      });
    }).catch(function () { form.submit(); })
      .finally(function () {
        if (document.querySelector("[data-closed]")) { return; }  // the room closed meanwhile
        buttons.forEach(function (b) { b.disabled = false; });
      });
  });

  // Practice: the owner's patience runs while the trainee thinks ------------------------------------
  var practice = document.querySelector("[data-practice]");
  if (practice && window.fetch) {
    var turn = practice.getAttribute("data-turn");
    var failed = 0;  // polls in a row that found no server: two say so on the page, one may be a blip
    var lost = function () {
      failed += 1;
      if (failed >= 2) { flash(practice.getAttribute("data-lost")); }
    };
    var timer = window.setInterval(function () {
      fetch(practice.getAttribute("data-practice"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          if (failed) { failed = 0; flash(""); }  // back again
          if (data.finished || (data.turn !== undefined && data.turn !== turn)) {
            window.clearInterval(timer);
            window.location.reload();
            return;
          }
          if (data.meters) {
            ["anger", "patience"].forEach(function (key) {
              var value = Math.round(data.meters[key]);
              if (byId(key)) { byId(key).value = value; }
              if (byId(key + "-n")) { byId(key + "-n").textContent = value; }
            });
          }
        }).catch(lost);
    }, 3000);
  }
})();
