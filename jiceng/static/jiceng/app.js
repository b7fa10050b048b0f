// Large-type mode is a cookie so the server renders the page at the right size on the first paint.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle-large]");
  if (!t) return;
  var on = document.documentElement.classList.toggle("large-type");
  document.cookie = "large_type=" + (on ? "1" : "0") + ";path=/;max-age=31536000;SameSite=Lax";
});
document.body && document.body.addEventListener("htmx:configRequest", function (e) {
  var m = document.querySelector("meta[name=csrf-token]");
  if (m) e.detail.headers["X-CSRFToken"] = m.content;
});
