// A message's actions (delete, and what else the page offers) float over it on hover or
// keyboard focus; on a touch screen a long press opens them (a tap elsewhere closes them),
// so no button sits on every message all the time.
const LONG_PRESS_MS = 450;
const MOVE_SLACK = 10; // px a finger may wander and still be pressing

export function wireMessageActions(listEl) {
  let timer = null;
  let start = null;

  const closeAll = (except = null) => {
    listEl.querySelectorAll("li.message.actions-open").forEach((li) => {
      if (li !== except) li.classList.remove("actions-open");
    });
  };

  listEl.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse") return;
    const li = event.target.closest("li.message");
    if (!li || !li.querySelector(".message-actions") || event.target.closest(".message-actions, a")) return;
    start = { x: event.clientX, y: event.clientY };
    clearTimeout(timer);
    timer = setTimeout(() => {
      closeAll(li);
      li.classList.add("actions-open");
      li.querySelector(".message-action")?.focus({ preventScroll: true });
    }, LONG_PRESS_MS);
  });
  const cancel = () => clearTimeout(timer);
  listEl.addEventListener("pointerup", cancel);
  listEl.addEventListener("pointercancel", cancel);
  listEl.addEventListener("pointermove", (event) => {
    if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > MOVE_SLACK) cancel();
  });
  // A long press also brings the browser's menu: the actions are ours.
  listEl.addEventListener("contextmenu", (event) => {
    if (event.target.closest("li.message .message-body") && matchMedia("(hover: none)").matches) {
      event.preventDefault();
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!event.target.closest("li.message.actions-open")) closeAll();
  });
  listEl.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeAll();
  });
}
