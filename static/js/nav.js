// The header's menu button on phones: shows and hides the account links.
const header = document.getElementById("site-header");
const toggle = header?.querySelector(".nav-toggle");

function setOpen(open) {
  header.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", String(open));
}

if (toggle) {
  toggle.addEventListener("click", () => setOpen(!header.classList.contains("open")));
  header.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("open")) {
      setOpen(false);
      toggle.focus();
    }
  });
}
