// The public reporting form (no inline script: CSP script-src 'self').
// 1. The identity fields show only when "report anonymously" is unticked.
// 2. Before sending, ask the server whether a proof of work is needed right now; if so find
//    a nonce such that SHA-256(challenge + ":" + nonce) starts with N zero bits (Web Crypto),
//    put challenge and nonce in the hidden fields, then send the form.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }

  var anonymous = form.querySelector("input[name=anonymous]");
  var identity = document.getElementById("identity-fields");
  function toggleIdentity() {
    if (anonymous && identity) { identity.hidden = anonymous.checked; }
  }
  if (anonymous) {
    anonymous.addEventListener("change", toggleIdentity);
    toggleIdentity();
  }

  if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var solved = false;
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      for (var b = 7; b >= 0; b--) {
        if (bytes[i] & (1 << b)) { return bits; }
        bits++;
      }
    }
    return bits;
  }

  async function solve(challenge, need) {
    for (var nonce = 0; nonce < 200000000; nonce++) {
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= need) { return String(nonce); }
    }
    return "";
  }

  async function currentChallenge() {
    // Fresh from the server (the difficulty follows the current rate); the one embedded in
    // the page is the fallback.
    var url = form.getAttribute("data-pow-url");
    if (url && window.fetch) {
      try {
        var response = await window.fetch(url, {credentials: "same-origin", cache: "no-store"});
        if (response.ok) { return await response.json(); }
      } catch (e) { /* fall back to the page's challenge */ }
    }
    return {
      challenge: form.getAttribute("data-pow-challenge"),
      difficulty: parseInt(form.getAttribute("data-pow-bits"), 10) || 0,
      required: form.getAttribute("data-pow-required") === "1"
    };
  }

  form.addEventListener("submit", function (event) {
    if (solved) { return; }
    event.preventDefault();
    var status = document.getElementById("pow-status");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    currentChallenge().then(function (c) {
      if (!c.required) { return ""; }
      if (status) { status.hidden = false; }
      return solve(c.challenge, c.difficulty).then(function (nonce) {
        form.querySelector("input[name=pow_challenge]").value = c.challenge;
        form.querySelector("input[name=pow_nonce]").value = nonce;
        return nonce;
      });
    }).then(function () {
      solved = true;
      if (button) { button.disabled = false; }
      form.submit();
    });
  });
})();
