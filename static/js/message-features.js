// What a reader does to a message through its toolbar: react (a small emoji picker; a
// reaction under the message toggles it), reply (the composer quotes it), edit one's own (in
// place: Enter saves, Escape cancels), and follow a reply's quote to the original (loading
// older history until it is there).
import { describeError } from "./errors.js";

export const PICKER_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

function closePickers(except = null) {
  document.querySelectorAll(".emoji-picker").forEach((p) => { if (p !== except) p.remove(); });
}

function picker(onPick) {
  const box = document.createElement("div");
  box.className = "emoji-picker";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Pick a reaction");
  for (const emoji of PICKER_EMOJI) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = emoji;
    b.setAttribute("aria-label", `React with ${emoji}`);
    b.addEventListener("click", () => { box.remove(); onPick(emoji); });
    box.append(b);
  }
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      box.closest("li.message")?.querySelector(".react-message")?.focus();
      box.remove();
    }
  });
  return box;
}

function editor(li, original, onSave) {
  const text = li.querySelector(".message-body > .text");
  const form = document.createElement("form");
  form.className = "edit-form";
  const label = document.createElement("label");
  label.className = "visually-hidden";
  label.textContent = "Edit your message";
  const box = document.createElement("textarea");
  box.id = `edit-${li.dataset.id}`;
  label.htmlFor = box.id;
  box.value = original;
  box.rows = Math.min(8, original.split("\n").length + 1);
  const error = document.createElement("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  const row = document.createElement("div");
  row.className = "edit-buttons";
  const save = Object.assign(document.createElement("button"),
    { type: "submit", className: "button button-small", textContent: "Save" });
  const cancel = Object.assign(document.createElement("button"),
    { type: "button", className: "button button-secondary button-small", textContent: "Cancel" });
  row.append(save, cancel, Object.assign(document.createElement("span"),
    { className: "hint", textContent: "Enter saves, Escape cancels." }));
  form.append(label, box, row, error);
  text.hidden = true;
  text.after(form);
  const close = () => { form.remove(); text.hidden = false; li.querySelector(".edit-message")?.focus(); };
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (box.value.trim() === original.trim()) { close(); return; }
    save.disabled = true;
    const ack = await onSave(box.value);
    save.disabled = false;
    if (ack.ok) close();
    else error.textContent = describeError(ack.error);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); close(); }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  box.focus();
}

// `handlers`: {react(id, emoji), edit(id, text) -> ack, reply(li)}; `rawText(id)`: the text
// as written, for the editor.
export function wireMessageFeatures(view, { react, edit, reply, rawText }) {
  const list = view.list.el;
  list.addEventListener("click", async (event) => {
    const li = event.target.closest("li.message");
    if (!li) return;
    const id = Number(li.dataset.id);
    const target = event.target;
    if (target.closest(".react-message") && react) {
      const open = li.querySelector(".emoji-picker");
      closePickers();
      if (open) return;
      const box = picker((emoji) => react(id, emoji));
      li.append(box);
      box.querySelector("button").focus();
    } else if (target.closest(".reaction") && react) {
      react(id, target.closest(".reaction").dataset.emoji);
    } else if (target.closest(".reply-message") && reply) {
      reply(li);
    } else if (target.closest(".edit-message") && edit && !li.querySelector(".edit-form")) {
      editor(li, rawText(id) ?? li.querySelector(".text").textContent, (text) => edit(id, text));
    } else if (target.closest(".reply-quote")) {
      event.preventDefault();
      view.jumpTo(Number(target.closest(".reply-quote").dataset.replyTo));
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!event.target.closest(".emoji-picker, .react-message")) closePickers();
  });
}
