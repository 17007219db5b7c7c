// Two small DOM helpers shared by the page modules.

// An element with properties and children (strings become text nodes, never markup).
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// The first `selector` element whose data-`key` is `value`.
export function byData(selector, key, value, root = document) {
  return root.querySelector(`${selector}[data-${key}="${CSS.escape(String(value))}"]`);
}
