// The message scroller: sticks to the bottom while the reader is there; otherwise a new
// message shows the "New messages ↓" button instead of pulling the view away, and a reader
// a screen or more up gets "Jump to latest ↓". Older pages put
// above keep what the reader sees exactly in place. (The scroller has `overflow-anchor: none`:
// this module does the anchoring, the browser must not do it a second time.)

const SLACK = 48; // px from the bottom that still counts as "at the bottom"

export class Scroller {
  constructor(el, { newButton = null, edge = null, onNearTop = null } = {}) {
    this.el = el;
    this.newButton = newButton;
    this.stuck = true;
    this.unseen = false; // messages arrived below while the reader was up
    el.addEventListener("scroll", () => {
      this.stuck = this.atBottom();
      if (this.stuck) this.hideNew();
      else this.showJump();
    }, { passive: true });
    newButton?.addEventListener("click", () => {
      this.scrollToBottom({ smooth: true });
      newButton.hidden = true;
    });
    // The composer growing or the window resizing must not lose the bottom either.
    new ResizeObserver(() => { if (this.stuck) this.scrollToBottom(); }).observe(el);
    if (edge && onNearTop) {
      new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onNearTop();
      }, { root: el, rootMargin: "300px 0px 0px 0px" }).observe(edge);
    }
  }

  atBottom() {
    const el = this.el;
    return el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK;
  }

  scrollToBottom({ smooth = false } = {}) {
    const el = this.el;
    // Smooth only over a short way: a long glide would keep the reader waiting.
    const far = el.scrollHeight - el.scrollTop - el.clientHeight > 2 * el.clientHeight;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth && !far ? "smooth" : "instant" });
    this.stuck = true;
    this.hideNew();
  }

  hideNew() {
    this.unseen = false;
    if (this.newButton) this.newButton.hidden = true;
  }

  // The button with the words for why it shows.
  showButton(text) {
    if (!this.newButton) return;
    this.newButton.textContent = text;
    this.newButton.hidden = false;
  }

  showJump() {
    const el = this.el;
    if (!this.unseen && el.scrollHeight - el.scrollTop - el.clientHeight > el.clientHeight) {
      this.showButton("Jump to latest ↓");
    }
  }

  // Runs `change` (which adds messages at the bottom). Follows them if the reader was at the
  // bottom or `follow` (their own message); else offers the button.
  appending(change, { follow = false } = {}) {
    const wasAtBottom = this.stuck || this.atBottom();
    const added = change();
    if (wasAtBottom || follow) this.scrollToBottom();
    else if (added) {
      this.unseen = true;
      this.showButton("New messages ↓");
    }
    return added;
  }

  // Runs `change` (which adds messages above) keeping the visible messages where they were.
  prepending(change) {
    const el = this.el;
    const fromBottom = el.scrollHeight - el.scrollTop;
    const result = change();
    el.scrollTop = el.scrollHeight - fromBottom;
    return result;
  }
}
