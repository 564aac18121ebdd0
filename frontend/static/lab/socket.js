// A WebSocket that survives flaky Wi-Fi: reconnects with backoff and jitter, notices a half-open
// connection (pings; nothing heard for ~30 s means dead), shows the page's offline banner, tracks
// the per-team `seq`, asks for a full snapshot when it sees a gap, and keeps unacknowledged
// messages in an outbox saved to localStorage, resent on reconnect (the server applies each
// message id once). docs/protocol.md describes the contract.
(function () {
  "use strict";

  var PING_AFTER = 10000;      // ms without any frame before we ping
  var ANSWER_WITHIN = 20000;   // ms a ping may go unanswered before the socket counts as dead
  var FIRST_DELAY = 500, MAX_DELAY = 15000;  // reconnect backoff, doubled each attempt, with jitter
  // Close codes after which reconnecting cannot help: not signed in, not allowed, seat moved to another device.
  var FINAL_CODES = [4401, 4403, 4409];
  var TOO_FAST = 4429;  // too many frames on this socket (docs/protocol.md): reconnect, but not at once

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "m" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function LabSocket(path, handlers, storageKey) {
    var self = this;
    this.path = path;
    this.handlers = handlers;
    this.storageKey = storageKey || null;
    this.seq = null;
    this.attempt = 0;
    this.online = false;
    this.outbox = this.loadOutbox();
    // The browser knows first when the network goes: drop the socket now rather than wait for silence.
    window.addEventListener("offline", function () { if (self.ws) self.drop(); });
    window.addEventListener("online", function () {
      if (!self.ws && !self.denied) { self.attempt = 0; self.connect(); }  // no need to sit out the backoff
    });
    this.connect();
  }

  LabSocket.prototype.loadOutbox = function () {
    if (!this.storageKey) return [];
    try { return JSON.parse(localStorage.getItem(this.storageKey) || "[]"); } catch (e) { return []; }
  };

  LabSocket.prototype.saveOutbox = function () {
    if (this.storageKey) localStorage.setItem(this.storageKey, JSON.stringify(this.outbox));
  };

  LabSocket.prototype.status = function (text, ok) {
    if (this.handlers.onStatus) this.handlers.onStatus(text, ok);
  };

  // Online means a socket is open; the page's #offline-banner (role="status") shows otherwise.
  LabSocket.prototype.setOnline = function (ok, text) {
    this.online = ok;
    var banner = document.getElementById("offline-banner");
    if (banner) banner.hidden = ok || this.denied;
    this.status(text || (ok ? gettext("live") : gettext("reconnecting…")), ok);
  };

  LabSocket.prototype.connect = function () {
    var self = this;
    clearTimeout(this.retry);
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + this.path);
    this.ws = ws;
    ws.onopen = function () {
      self.attempt = 0;
      self.heard = Date.now();
      self.pingSent = null;
      self.setOnline(true);
      self.outbox.forEach(function (m) { ws.send(JSON.stringify(m)); });
      self.watch = setInterval(function () { self.check(); }, 1000);
    };
    ws.onmessage = function (e) {
      self.heard = Date.now();
      self.pingSent = null;  // any frame proves the connection alive
      self.receive(JSON.parse(e.data));
    };
    ws.onclose = function (e) { self.closed(e.code); };
  };

  // Half-open connections (Wi-Fi gone without a TCP reset) never fire onclose: ping after a quiet
  // spell, and give up on a socket whose ping goes unanswered.
  LabSocket.prototype.check = function () {
    var now = Date.now();
    if (this.pingSent !== null && now - this.pingSent > ANSWER_WITHIN) { this.drop(); return; }
    if (this.pingSent === null && now - this.heard >= PING_AFTER) {
      this.pingSent = now;
      this.raw({ type: "ping", id: newId() });
    }
  };

  // Abandon the current socket at once (its close handshake may never finish) and reconnect.
  LabSocket.prototype.drop = function () {
    var ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(); } catch (e) { /* already closing */ }
    this.closed(null);
  };

  LabSocket.prototype.closed = function (code) {
    clearInterval(this.watch);
    this.ws = null;
    if (FINAL_CODES.indexOf(code) >= 0) {
      this.denied = true;
      this.setOnline(false, code === 4409 ? gettext("opened on another device") : gettext("not allowed: please join again"));
      if (this.handlers.onDenied) this.handlers.onDenied(code);
      return;
    }
    if (code === TOO_FAST) {
      // The server closed a flooding socket politely: wait a few seconds before trying again, so the kept
      // edits are not sent straight back into the same limit.
      this.attempt = Math.max(this.attempt, 3);
      this.setOnline(false, gettext("too many messages at once: reconnecting in a few seconds…"));
    } else {
      this.setOnline(false);
    }
    // Exponential backoff with jitter (0.5x to 1.5x), so a room of laptops does not reconnect in lockstep.
    var base = Math.min(MAX_DELAY, FIRST_DELAY * Math.pow(2, this.attempt));
    this.attempt += 1;
    var self = this;
    this.retry = setTimeout(function () { self.connect(); }, Math.min(MAX_DELAY, base * (0.5 + Math.random())));
  };

  LabSocket.prototype.receive = function (msg) {
    if (msg.type === "state") {
      this.seq = msg.seq;
      this.handlers.onState(msg);
      return;
    }
    if (msg.type === "ack" || msg.type === "error") {
      this.settle(msg.ref);
      if (msg.type === "ack" && this.handlers.onAck) this.handlers.onAck(msg);
      if (msg.type === "error" && this.handlers.onError) this.handlers.onError(msg);
      return;
    }
    if (msg.type === "pong") return;
    if (msg.type === "preview") { if (this.handlers.onPreview) this.handlers.onPreview(msg); return; }
    if (typeof msg.seq === "number" && this.seq !== null) {
      if (msg.seq <= this.seq) return;             // already in our snapshot
      if (msg.seq > this.seq + 1) { this.resync(); return; }  // we missed something
      this.seq = msg.seq;
    }
    this.handlers.onEvent(msg);
  };

  LabSocket.prototype.settle = function (ref) {
    var before = this.outbox.length;
    this.outbox = this.outbox.filter(function (m) { return m.id !== ref; });
    if (this.outbox.length !== before) this.saveOutbox();
  };

  LabSocket.prototype.raw = function (msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  };

  LabSocket.prototype.resync = function () { this.raw({ type: "resync", id: newId() }); };

  // Send a message that must not be lost: it stays in the outbox until acknowledged.
  LabSocket.prototype.send = function (msg) {
    msg.id = msg.id || newId();
    this.outbox.push(msg);
    this.saveOutbox();
    this.raw(msg);
    return msg.id;
  };

  LabSocket.prototype.pending = function (predicate) { return this.outbox.filter(predicate); };

  window.LabSocket = LabSocket;
  window.labFormatSeconds = function (s) {
    s = Math.max(0, Math.round(s));
    var m = Math.floor(s / 60), r = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  };
  // A disruption's kind in words (the server sends the code: machine_breakdown), in the page's language.
  var KINDS = {
    machine_breakdown: gettext("machine breakdown"), supplier_failure: gettext("supplier failure"),
    demand_spike: gettext("demand spike"), absenteeism: gettext("absenteeism"), quality_escape: gettext("quality escape"),
    energy_price_spike: gettext("energy price spike"), site_outage: gettext("site outage")
  };
  window.labDisruptionKind = function (kind) { return KINDS[kind] || String(kind).replace(/_/g, " "); };
  // Safe in text and in quoted attributes alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  window.labEscape = function (text) {
    return (text == null ? "" : String(text)).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  };
})();
