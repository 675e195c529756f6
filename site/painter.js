// Replays the drawing commands that the Python views produce onto a canvas.
// The command format is documented in py/attention_sim/views/frame.py.

const FONT_FAMILY = 'system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';

/** Size the canvas backing store for its CSS size and the device pixel ratio. */
export function fitCanvas(canvas, cssWidth, cssHeight) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(cssWidth * ratio);
  const height = Math.round(cssHeight * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return ratio;
}

function drawHatch(ctx, x, y, w, h, color) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let offset = -h; offset < w; offset += 6) {
    ctx.moveTo(x + offset, y + h);
    ctx.lineTo(x + offset + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

/** Draw a grid of heatmap cells; returns the font that is set afterwards. */
function drawCells(ctx, command, font) {
  const [, left, top, w, h, rows, cols, fills, hatched, hatchColor, texts, colors, size] = command;
  let fill = "";
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const color = fills[i * cols + j];
      if (color !== fill) {
        ctx.fillStyle = color;
        fill = color;
      }
      ctx.fillRect(left + j * w, top + i * h, w, h);
    }
  }
  for (const k of hatched) {
    drawHatch(ctx, left + (k % cols) * w, top + Math.floor(k / cols) * h, w, h, hatchColor);
  }
  if (!texts) return font;
  const wanted = `${size}px ${FONT_FAMILY}`;
  if (wanted !== font) ctx.font = wanted;
  ctx.textAlign = "center";
  fill = "";
  for (let k = 0; k < texts.length; k++) {
    if (colors[k] !== fill) {
      ctx.fillStyle = colors[k];
      fill = colors[k];
    }
    const x = left + ((k % cols) + 0.5) * w;
    const y = top + (Math.floor(k / cols) + 0.5) * h;
    ctx.fillText(texts[k], x, y, w - 2);
  }
  return wanted;
}

/** Draw one frame, given as the JSON text of {width, height, commands, regions}. */
export function paint(canvas, frameJson) {
  const frame = JSON.parse(frameJson);
  const ratio = fitCanvas(canvas, frame.width, frame.height);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, frame.width, frame.height);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, frame.width, frame.height);
  ctx.textBaseline = "middle";
  let font = "";
  for (const command of frame.commands) {
    switch (command[0]) {
      case "rect":
        ctx.fillStyle = command[5];
        ctx.fillRect(command[1], command[2], command[3], command[4]);
        break;
      case "stroke":
        ctx.strokeStyle = command[5];
        ctx.lineWidth = command[6];
        ctx.strokeRect(command[1], command[2], command[3], command[4]);
        break;
      case "line":
        ctx.strokeStyle = command[5];
        ctx.lineWidth = command[6];
        ctx.beginPath();
        ctx.moveTo(command[1], command[2]);
        ctx.lineTo(command[3], command[4]);
        ctx.stroke();
        break;
      case "hatch":
        drawHatch(ctx, command[1], command[2], command[3], command[4], command[5]);
        break;
      case "cells":
        font = drawCells(ctx, command, font);
        break;
      case "text": {
        const [, x, y, text, color, size, align, bold, maxWidth] = command;
        const wanted = `${bold ? "600 " : ""}${size}px ${FONT_FAMILY}`;
        if (wanted !== font) {
          ctx.font = wanted;
          font = wanted;
        }
        ctx.fillStyle = color;
        ctx.textAlign = align;
        ctx.fillText(text, x, y, maxWidth);
        break;
      }
      default:
        throw new Error(`painter: unknown command ${JSON.stringify(command[0])}`);
    }
  }
  return frame.regions;
}

/**
 * Split text at spaces into lines no wider than width in ctx's current font. A word
 * wider than that gets a line to itself.
 */
function wrapText(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    const longer = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(longer).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = longer;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Offer the canvas as a PNG download named filename, with the caption's lines
 * (a JSON list of strings) printed under the diagram on a white band.
 */
export function downloadImage(canvas, filename, captionJson) {
  if (!canvas.width || !canvas.height) return;
  const scale = canvas.clientWidth ? canvas.width / canvas.clientWidth : window.devicePixelRatio || 1;
  const fontSize = 13 * scale;
  const lineHeight = Math.round(18 * scale);
  const padding = Math.round(10 * scale);
  const font = `${fontSize}px ${FONT_FAMILY}`;
  const image = document.createElement("canvas");
  const ctx = image.getContext("2d");
  ctx.font = font;
  const lines = JSON.parse(captionJson).flatMap((line) => wrapText(ctx, line, canvas.width - 2 * padding));
  image.width = canvas.width;
  image.height = canvas.height + 2 * padding + lines.length * lineHeight;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, image.width, image.height);
  ctx.drawImage(canvas, 0, 0);
  ctx.fillStyle = "#c8c8c8";
  ctx.fillRect(0, canvas.height, image.width, Math.max(1, Math.round(scale)));
  ctx.font = font; // setting the canvas size reset the font
  ctx.fillStyle = "#1a1a1a";
  ctx.textBaseline = "top";
  lines.forEach((line, index) => {
    ctx.fillText(line, padding, canvas.height + padding + index * lineHeight, canvas.width - 2 * padding);
  });
  saveAs(image.toDataURL("image/png"), filename);
}

/** Offer the resource at url as a file download named filename. */
function saveAs(url, filename) {
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}

/** Offer text as a file download named filename. */
export function download(filename, text, mimeType) {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  saveAs(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
