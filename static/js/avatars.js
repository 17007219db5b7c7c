// Avatars: a person's picture, or their initials on a colour of their own when they have
// none. The same rules as the server's `avatar` macro (chatapp/pages/rendering.py): change
// both together.

// The avatar's image URL when it is one (http(s), or a path on this site), else null.
export function avatarImage(url) {
  if (typeof url !== "string") return null;
  const value = url.trim();
  if (!value || /[\s"'<>\\`]/.test(value) || value.startsWith("//")) return null;
  return value.startsWith("/") || /^https?:\/\//i.test(value) ? value : null;
}

// "Ana Lima" -> "AL", "ben.okafor" -> "BO".
export function initials(name) {
  const parts = String(name ?? "").trim().split(/[\s._-]+/).filter(Boolean);
  return parts.slice(0, 2).map((part) => [...part][0]).join("").toUpperCase() || "?";
}

// A stable hue for a name (summed over code points, as the server does).
export function nameHue(name) {
  let hue = 0;
  for (const char of String(name ?? "")) hue = (hue * 31 + char.codePointAt(0)) % 360;
  return hue;
}

// `who`: {username, displayName} names the initials when there is no picture.
export function avatarElement(url, size = 32, who = null) {
  const image = avatarImage(url);
  if (image) {
    const img = document.createElement("img");
    img.className = "avatar";
    img.src = image;
    img.alt = "";
    img.width = size;
    img.height = size;
    img.loading = "lazy";
    img.referrerPolicy = "no-referrer";
    return img;
  }
  const span = document.createElement("span");
  span.className = "avatar avatar-initials";
  span.setAttribute("aria-hidden", "true");
  const shown = initials(who?.displayName || who?.username);
  span.dataset.initials = shown;
  span.textContent = shown;
  span.style.setProperty("--hue", String(nameHue(who?.username)));
  span.style.setProperty("--size", `${size}px`);
  return span;
}
