// A message's files as the server's `attachments` macro writes them: pictures inline as
// their thumbnail (a link to the full picture), other files as a link that downloads them.
// `a`: {id, filename, contentType, size, width, height, url, thumbnailUrl}.

// As Jinja's `filesizeformat` writes it on the server-rendered page ("1 Byte", "532 Bytes",
// "48.2 kB", "3.1 MB").
export function fileSize(bytes) {
  if (!Number.isFinite(bytes)) return "";
  if (bytes === 1) return "1 Byte";
  if (bytes < 1000) return `${bytes} Bytes`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = "";
  for (const next of units) {
    value /= 1000;
    unit = next;
    if (value < 1000) break;
  }
  return `${value.toFixed(1)} ${unit}`;
}

// The box a picture takes (at most 320x240, its own proportions), so nothing jumps on load.
export function shownSize(width, height, maxW = 320, maxH = 240) {
  if (!width || !height) return [maxW, maxH];
  const scale = Math.min(1, maxW / width, maxH / height);
  return [Math.round(width * scale), Math.round(height * scale)];
}

function attachmentElement(a) {
  const link = document.createElement("a");
  link.href = a.url;
  link.target = "_blank";
  link.rel = "noopener";
  if (a.thumbnailUrl) {
    link.className = "attachment attachment-image";
    const img = document.createElement("img");
    img.src = a.thumbnailUrl;
    img.alt = a.filename;
    [img.width, img.height] = shownSize(a.width, a.height);
    img.loading = "lazy";
    link.append(img);
  } else {
    link.className = "attachment attachment-file";
    link.setAttribute("download", a.filename);
    const icon = document.createElement("span");
    icon.className = "attachment-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "📄";
    const name = document.createElement("span");
    name.className = "attachment-name";
    name.textContent = a.filename;
    const size = document.createElement("span");
    size.className = "attachment-size";
    size.textContent = fileSize(a.size);
    link.append(icon, name, size);
  }
  return link;
}

export function attachmentsRow(attachments) {
  const row = document.createElement("div");
  row.className = "attachments";
  row.append(...attachments.map(attachmentElement));
  return row;
}
