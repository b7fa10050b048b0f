// The claim form's preview of the public notice: redrawn as the resident picks a rule,
// ticks "show my words" or types. The server renders the same on first load
// (bank.queries.notices.notice_title_for); phones and ID numbers are hidden there too.
(function () {
  "use strict";
  var box = document.getElementById("claim-preview");
  if (!box) return;
  var rule = document.getElementById("id_rule");
  var pub = document.getElementById("id_text_public");
  var text = document.getElementById("id_text");
  var ID = /\d{6}[0-9*]{11}[0-9Xx*]/g;
  var PHONE = /(?:\+?86[ -]?)?(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})/g;
  function words() {
    var raw = text ? text.value : box.getAttribute("data-text") || "";
    raw = raw.trim().replace(ID, "[身份证号已隐去]").replace(PHONE, "$1****$2");
    return raw.slice(0, 80);
  }
  function draw() {
    var title = box.querySelector("[data-preview=title]");
    var points = box.querySelector("[data-preview=points]");
    var note = box.querySelector("[data-preview=hidden-note]");
    var li = rule && rule.value ? box.querySelector('li[data-rule="' + rule.value + '"]') : null;
    var shown = pub && pub.checked && words();
    if (!li) {
      title.textContent = box.getAttribute("data-empty");
      points.textContent = "—";
    } else {
      title.textContent = li.getAttribute("data-title") + (shown ? "：" + words() : "");
      points.textContent = li.getAttribute("data-points");
    }
    if (note) note.hidden = !!(pub && pub.checked);
  }
  [rule, pub, text].forEach(function (el) {
    if (el) { el.addEventListener("change", draw); el.addEventListener("input", draw); }
  });
  draw();
})();
