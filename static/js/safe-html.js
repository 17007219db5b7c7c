// A message's `html` (the server's safe Markdown rendering, chatapp/formatting.py) as DOM
// nodes. The server already sanitised it; this keeps the same allowlist on the way in, so a
// page never trusts markup it did not check: only these tags, only http(s)/mailto links,
// which open in a new tab without a handle on this page. Parsing with DOMParser runs nothing.
const TAGS = new Set(["P", "BR", "STRONG", "EM", "S", "CODE", "PRE", "A", "BLOCKQUOTE", "UL",
  "OL", "LI"]);
const LINK = /^(https?:|mailto:)/i;

function copy(node, into) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.append(child.textContent);
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      if (!TAGS.has(child.tagName)) {
        copy(child, into); // an unknown element's text stays, the element does not
        continue;
      }
      const el = document.createElement(child.tagName.toLowerCase());
      if (child.tagName === "A") {
        const href = child.getAttribute("href") || "";
        if (LINK.test(href.trim())) {
          el.href = href;
          el.rel = "nofollow noopener noreferrer";
          el.target = "_blank";
        }
      } else if (child.tagName === "OL" && /^\d+$/.test(child.getAttribute("start") || "")) {
        el.setAttribute("start", child.getAttribute("start"));
      }
      copy(child, el);
      into.append(el);
    }
  }
}

export function safeFragment(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const fragment = document.createDocumentFragment();
  copy(parsed.body, fragment);
  return fragment;
}
