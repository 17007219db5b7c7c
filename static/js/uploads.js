// Files in the composer: the paperclip button, pasting and dropping files on the chat. Each
// uploads at once (`POST /api/uploads`, the socket session's token as bearer) with a progress
// bar in the tray above the box; the next message carries those that finished. The server
// checks size and type; its refusal shows in the tray.
import { fileSize } from "./attachments.js";

export class Uploader {
  // `token()`: the bearer token (from the socket's `user:session`).
  constructor({ token }) {
    this.token = token;
    this.tray = document.getElementById("upload-tray");
    this.input = document.getElementById("upload-input");
    this.items = new Map(); // key -> {li, attachment|null, xhr}
    this.seq = 0;
    if (!this.tray || !this.input) return;
    this.input.addEventListener("change", () => {
      [...this.input.files].forEach((file) => this.add(file));
      this.input.value = "";
    });
    document.getElementById("composer")?.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files || [])];
      if (!files.length) return;
      event.preventDefault();
      files.forEach((file) => this.add(file));
    });
    const pane = document.querySelector(".chat-pane");
    pane?.addEventListener("dragover", (event) => {
      if (![...(event.dataTransfer?.types || [])].includes("Files")) return;
      event.preventDefault();
      pane.classList.add("dropping");
    });
    pane?.addEventListener("dragleave", (event) => {
      if (!pane.contains(event.relatedTarget)) pane.classList.remove("dropping");
    });
    pane?.addEventListener("drop", (event) => {
      pane.classList.remove("dropping");
      const files = [...(event.dataTransfer?.files || [])];
      if (!files.length) return;
      event.preventDefault();
      files.forEach((file) => this.add(file));
    });
  }

  // The ids of the finished uploads (for the next message).
  get ready() {
    return [...this.items.values()].filter((i) => i.attachment).map((i) => i.attachment.id);
  }

  get busy() {
    return [...this.items.values()].some((i) => !i.attachment && !i.failed);
  }

  clear() {
    this.items.forEach((item) => item.xhr?.abort());
    this.items.clear();
    this.tray.replaceChildren();
    this.tray.hidden = true;
  }

  add(file) {
    this.seq += 1;
    const key = this.seq;
    const li = document.createElement("li");
    li.className = "upload";
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = `${file.name} (${fileSize(file.size)})`;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", `Uploading ${file.name}`);
    const status = document.createElement("span");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${file.name}`);
    li.append(name, bar, status, remove);
    this.tray.append(li);
    this.tray.hidden = false;

    const item = { li, attachment: null, failed: false, xhr: new XMLHttpRequest() };
    this.items.set(key, item);
    remove.addEventListener("click", () => {
      item.xhr.abort();
      this.items.delete(key);
      li.remove();
      this.tray.hidden = this.items.size === 0;
    });
    const xhr = item.xhr;
    xhr.open("POST", "/api/uploads");
    const token = this.token();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 201 && body?.id) {
        item.attachment = body;
        bar.value = 100;
        status.textContent = "Ready";
        li.classList.add("done");
      } else {
        item.failed = true;
        li.classList.add("failed");
        status.textContent = body?.error?.message || `Upload failed (${xhr.status})`;
      }
    });
    xhr.addEventListener("error", () => {
      item.failed = true;
      li.classList.add("failed");
      status.textContent = "Upload failed: check your connection.";
    });
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  }
}
