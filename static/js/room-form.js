// The lobby's create-room form over the socket (`room:create`), its refusals shown next to
// the fields they name as the server-rendered form shows them. Without a connection the form
// posts as usual (pages.create_room).
import { el } from "./dom.js";
import { describeError } from "./errors.js";
import { request } from "./socket.js";

// The socket's field names -> the form's (`data-field` on each field's box).
const FIELD_NAMES = { name: "name", description: "description", category: "category",
  isPrivate: "is_private" };
const form = document.getElementById("room-form");

function fieldBox(name) {
  return form.querySelector(`.field[data-field="${name}"]`);
}

function clearFormErrors() {
  form.querySelectorAll(".field").forEach((box) => {
    box.classList.remove("field-invalid");
    box.querySelector("p.error")?.remove();
    const input = box.querySelector("input, textarea, select");
    if (!input) return;
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  });
  const general = document.getElementById("room-form-error");
  general.hidden = true;
  general.textContent = "";
}

function showFieldError(name, text) {
  const box = fieldBox(name);
  const input = box?.querySelector("input, textarea, select");
  if (!input) return false;
  const error = el("p", { className: "error", id: `${input.id}-error`, textContent: text });
  box.classList.add("field-invalid");
  box.append(error);
  input.setAttribute("aria-invalid", "true");
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  input.setAttribute("aria-describedby", [...ids, error.id].join(" "));
  return input;
}

function formValue(name) {
  return fieldBox(name)?.querySelector("input, textarea, select");
}

// The server's field problems ("already taken") as the form shows them ("Already taken.").
const sentence = (text) => (text ? text[0].toUpperCase() + text.slice(1)
  + (/[.!?]$/.test(text) ? "" : ".") : "");

export function wireRoomForm(socket) {
  form?.addEventListener("submit", async (event) => {
    if (!socket.connected) return; // without the socket, the ordinary POST does the job
    event.preventDefault();
    clearFormErrors();
    const submit = document.getElementById("room-form-submit");
    submit.disabled = true;
    const ack = await request(socket, "room:create", {
      name: formValue("name").value,
      description: formValue("description")?.value ?? "",
      category: formValue("category")?.value || undefined,
      isPrivate: Boolean(formValue("is_private")?.checked),
    });
    submit.disabled = false;
    if (ack.ok) {
      window.location.assign(`/rooms/${ack.roomId}`);
      return;
    }
    let first = null;
    for (const [field, problem] of Object.entries(ack.error?.fields || {})) {
      const input = showFieldError(FIELD_NAMES[field] || field, sentence(problem));
      first = first || input;
    }
    if (first) {
      first.focus();
    } else {
      const general = document.getElementById("room-form-error");
      general.textContent = describeError(ack.error);
      general.hidden = false;
    }
  });
}
