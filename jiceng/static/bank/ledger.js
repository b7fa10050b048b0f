// The public ledger page's one button: fetch the resident's own proofs and the signed checkpoint,
// verify every one here in the browser (verify.js), and say the result in plain words.
// Every word comes from the page's data- attributes, so this file holds none.
(function () {
  "use strict";
  var box = document.getElementById("ledger-check");
  if (!box) return;
  var button = box.querySelector("[data-check-ledger]");
  var out = document.getElementById("ledger-result");
  var t = box.dataset;

  function fmt(s, values) {
    return s.replace(/\{(\w+)\}/g, function (_, k) { return values[k] != null ? values[k] : ""; });
  }

  function say(kind, text, items) {
    out.className = "ledger-result " + kind;
    out.textContent = "";
    var p = document.createElement("p");
    p.className = "ledger-verdict";
    p.textContent = text;
    out.appendChild(p);
    if (items && items.length) {
      var ul = document.createElement("ul");
      items.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    out.setAttribute("data-state", kind);
  }

  function describe(leaf, account) {
    var sign = leaf.credit === account ? "+" : "-";
    return fmt(t.msgLine, { date: (leaf.created || "").slice(0, 10), reason: leaf.reason, points: sign + leaf.amount });
  }

  function reason(err) {
    var kind = (err && err.kind) || "network";
    return t["msgFail" + kind.charAt(0).toUpperCase() + kind.slice(1)] || t.msgFailNetwork;
  }

  async function check() {
    button.disabled = true;
    say("busy", t.msgBusy);
    var data;
    try {
      var response = await fetch(t.proofsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      data = await response.json();
      if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { kind: "network", text: data.error });
    } catch (err) {
      say("bad", err.text || t.msgFailNetwork);
      button.disabled = false;
      return;
    }
    var waiting = data.waiting ? fmt(t.msgWaiting, { n: data.waiting }) : "";
    if (!data.entries.length) {
      say("ok", (data.waiting ? waiting : t.msgNone));
      button.disabled = false;
      return;
    }
    var lines = [];
    for (var i = 0; i < data.entries.length; i++) {
      var bundle = Object.assign({ checkpoint: data.checkpoint, verifier_key: data.verifier_key }, data.entries[i]);
      var leaf = null;
      try {
        var result = await JicengLedger.verifyBundle(bundle, t.key);
        leaf = JicengLedger.readEntry(result.entry);
        lines.push(describe(leaf, data.account));
      } catch (err) {
        if (err && err.kind === "unsupported") {
          say("bad", t.msgFailUnsupported);
        } else {
          say("bad", fmt(t.msgFailed, { n: i + 1, why: reason(err) }), [err && err.message ? t.msgDetail + err.message : ""]);
        }
        button.disabled = false;
        return;
      }
    }
    var verdict = fmt(data.truncated ? t.msgOkRecent : t.msgOk, { n: data.entries.length, size: data.tree_size });
    say("ok", verdict + (waiting ? " " + waiting : ""), lines);
    button.disabled = false;
  }

  if (button) button.addEventListener("click", check);
})();
