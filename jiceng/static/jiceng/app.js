// The text size (标准 / 大 / 特大, 适老化) is the large_type cookie (0, 1, 2), read by the server so
// the first paint is already at the right size. The button posts to the server, which works
// without JavaScript; here the same tap changes the page at once and saves the reload.
document.addEventListener("submit", function (e) {
  var form = e.target.closest(".text-size-form");
  if (!form) return;
  e.preventDefault();
  var b = form.querySelector("button.text-size");
  var size = (parseInt(b.getAttribute("data-text-size"), 10) + 1) % 3;
  var next = (size + 1) % 3;
  var root = document.documentElement.classList;
  root.toggle("large-type", size > 0);
  root.toggle("xl-type", size === 2);
  document.cookie = "large_type=" + size + ";path=/;max-age=31536000;SameSite=Lax";
  b.setAttribute("data-text-size", String(size));
  b.setAttribute("aria-pressed", size > 0 ? "true" : "false");
  b.querySelector(".now").textContent = b.getAttribute("data-now-" + size);
  b.querySelector(".then").textContent = "→ " + b.getAttribute("data-then-" + size);
  form.querySelector("input[name=size]").value = String(next);
});
// A file picker is a <label> styled as a button over a visually hidden input; it names the chosen file.
document.addEventListener("change", function (e) {
  var input = e.target.closest(".file-picker input[type=file]");
  if (!input) return;
  var out = document.getElementById(input.id + "-chosen");
  if (!out) return;
  var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
  out.textContent = names.length ? names.join("、") : out.getAttribute("data-none");
});
document.body && document.body.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector("meta[name=csrf-token]");
  if (m) e.detail.headers["X-CSRFToken"] = m.content;
});
// Behaviour the templates ask for with data- attributes, since the Content-Security-Policy
// allows no inline handlers: data-print prints, data-autosubmit on a select submits its form.
// Destructive buttons carry data-confirm: ask here, and tell the server it was asked (confirmed=1).
// Without JavaScript the server shows its own confirmation page instead (core/once.py).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var asker = (e.submitter && e.submitter.closest("[data-confirm]")) || form.closest("[data-confirm]");
  if (!asker) return;
  if (!window.confirm(asker.getAttribute("data-confirm"))) {
    e.preventDefault();
    return;
  }
  var flag = form.querySelector("input[name=confirmed]");
  if (!flag) {
    flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    form.appendChild(flag);
  }
  flag.value = "1";
});
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", function (e) {
  var s = e.target.closest("select[data-autosubmit]");
  if (s && s.form) s.form.submit();
});
// A bar's length travels as data-pct and becomes the --pct custom property (CSSOM, which the
// Content-Security-Policy allows, unlike a style attribute).
function jicengBars(root) {
  root.querySelectorAll("[data-pct]").forEach(function (el) {
    el.style.setProperty("--pct", el.getAttribute("data-pct") + "%");
  });
}
jicengBars(document);
document.body && document.body.addEventListener("htmx:afterSwap", function (e) { jicengBars(e.target); });
