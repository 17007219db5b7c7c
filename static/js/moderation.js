// Moderators' actions on people (mute, unmute, kick, ban), as the `mod_actions` macro
// writes them, and the one click handler that sends them. Results are said in the list's
// alert line; a success closes the disclosure.
import { announce } from "./announce.js";
import { el } from "./dom.js";
import { describeError } from "./errors.js";

const MUTE_CHOICES = [["300", "5 minutes"], ["900", "15 minutes"], ["3600", "1 hour"],
  ["86400", "1 day"]];

function hidden(text) {
  return el("span", { className: "visually-hidden", textContent: text });
}

function actionButton(action, label, name, danger = false) {
  const button = el("button", {
    type: "button",
    className: `button ${danger ? "button-danger" : "button-secondary"} button-small`,
  }, label, hidden(` ${name}`));
  button.dataset.action = action;
  return button;
}

// `name` is what is shown; `key` makes the controls' ids unique.
export function modActions(name, key) {
  const select = el("select", { id: `mute-${key}`, className: "mute-seconds" });
  for (const [value, label] of MUTE_CHOICES) select.append(el("option", { value }, label));
  const reason = el("input", { id: `ban-reason-${key}`, className: "ban-reason", type: "text",
    maxLength: 200, placeholder: "Reason (optional)" });
  const panel = el("div", { className: "mod-panel" },
    el("div", { className: "row" },
      el("label", { className: "visually-hidden", htmlFor: select.id }, `Mute ${name} for`),
      select, actionButton("mute", "Mute", name), actionButton("unmute", "Unmute", name)),
    el("div", { className: "row" }, actionButton("kick", "Kick", name)),
    el("div", { className: "row" },
      el("label", { className: "visually-hidden", htmlFor: reason.id }, `Reason for banning ${name}`),
      reason, actionButton("ban", "Ban", name, true)));
  return el("details", { className: "mod-actions" },
    el("summary", {}, "Moderate", hidden(` ${name}`)), panel);
}

const DONE = { mute: "muted", unmute: "unmuted", kick: "removed", ban: "banned" };

// `act(action, person, {seconds, reason})` sends one action and resolves with its ack;
// `person` is the <li> (its data-user-id / data-username say who).
export function wireModeration(list, errorEl, act) {
  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !list.contains(button)) return;
    const person = button.closest("li");
    const panel = button.closest(".mod-panel");
    const action = button.dataset.action;
    const options = {
      seconds: Number(panel.querySelector(".mute-seconds")?.value || 300),
      reason: panel.querySelector(".ban-reason")?.value.trim() || "",
    };
    button.disabled = true;
    const ack = await act(action, person, options);
    button.disabled = false;
    const name = person.querySelector(".name")?.textContent.trim() || "They";
    if (ack.ok) {
      errorEl.hidden = true;
      errorEl.textContent = "";
      button.closest("details")?.removeAttribute("open");
      announce(`${name}: ${DONE[action]}.`);
    } else {
      errorEl.textContent = `Could not ${action === "kick" ? "remove" : action} ${name}: `
        + describeError(ack.error);
      errorEl.hidden = false;
    }
  });
}
