/*
 * Crop a picture by dragging on it, and set its focal point by clicking on it.
 *
 * It enhances any form that has the four crop inputs (crop_left, crop_top, crop_right and
 * crop_bottom, in pixels of the original) and, if it has them, the focal point inputs (focal_x
 * and focal_y, fractions from 0 to 1), given an element in the form such as:
 *
 *   <div data-picture-crop data-width="4000" data-height="3000">
 *     <p class="picture-crop-reason" hidden></p>
 *     <img src="the whole picture, at any size" alt="…">
 *   </div>
 *
 * data-width and data-height are the original's size, to which every position is converted.
 * Optional: data-crop-fields and data-focal-fields name other inputs (space-separated, in the
 * order above); data-licence-field names the licence <select>, and data-no-derivatives maps
 * each licence that forbids a crop to the reason shown, as JSON. The reason paragraph's own
 * text is shown while inputs the server disabled stay disabled.
 *
 * The inputs stay the truth: the tool writes them and follows what is typed in them, so the
 * form saves the same numbers with or without this script.
 */
(() => {
  "use strict";

  const CROP_FIELDS = "crop_left crop_top crop_right crop_bottom";
  const FOCAL_FIELDS = "focal_x focal_y";
  // A press that moves less than this (CSS pixels) is a click: it sets the focal point.
  const CLICK_DISTANCE = 4;
  // Arrow keys move by this share of the picture; the smallest crop is twice that.
  const KEY_STEP = 0.01;
  const ARROWS = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };
  const HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
  let count = 0;

  function make(tag, className, attributes = {}) {
    const element = document.createElement(tag);
    element.className = className;
    for (const [name, value] of Object.entries(attributes)) {
      element.setAttribute(name, value);
    }
    return element;
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  function percent(fraction) {
    return `${Math.round(fraction * 100)} %`;
  }

  function enhance(root) {
    const scope = root.closest("form") || document;
    const byName = (name) => scope.querySelector(`[name="${CSS.escape(name)}"]`);
    const names = (value, fallback) => (value || fallback).trim().split(/\s+/);
    const cropInputs = names(root.dataset.cropFields, CROP_FIELDS).map(byName);
    const focalInputs = names(root.dataset.focalFields, FOCAL_FIELDS).map(byName);
    const picture = root.querySelector("img");
    const width = Number(root.dataset.width);
    const height = Number(root.dataset.height);
    if (cropInputs.length !== 4 || cropInputs.includes(null) || !picture) return;
    if (!(width > 0 && height > 0)) return;
    const hasFocal = focalInputs.length === 2 && !focalInputs.includes(null);
    const inputs = hasFocal ? [...cropInputs, ...focalInputs] : cropInputs;
    // Disabled by the server: the saved licence forbids a crop, whatever is chosen meanwhile.
    const locked = cropInputs[0].disabled;
    const whole = { left: 0, top: 0, right: width, bottom: height };
    const smallest = {
      x: Math.max(1, Math.round(width * KEY_STEP * 2)),
      y: Math.max(1, Math.round(height * KEY_STEP * 2)),
    };
    const step = {
      x: Math.max(1, Math.round(width * KEY_STEP)),
      y: Math.max(1, Math.round(height * KEY_STEP)),
    };

    // The tool: the picture in a stage, the crop box and focal point on it, controls below.
    const id = `picture-crop-${++count}`;
    const reasonText = root.querySelector(".picture-crop-reason") || make("p", "picture-crop-reason");
    const serverReason = reasonText.textContent.trim();
    const help = make("p", "picture-crop-help", { id: `${id}-help` });
    help.textContent = hasFocal
      ? "Drag on the picture to crop it; drag the box to move it, its handles to resize it. " +
        "Click to set the focal point, which the share card is cut around. Keyboard: Tab to " +
        "the box or the focal point; the arrow keys move it, Shift and the arrow keys resize the box."
      : "Drag on the picture to crop it; drag the box to move it, its handles to resize it. " +
        "Keyboard: Tab to the box; the arrow keys move it, Shift and the arrow keys resize it.";
    const stage = make("div", "picture-crop-stage");
    picture.replaceWith(stage);
    picture.draggable = false;
    stage.append(picture);
    // The shade darkens what the crop leaves out, clipped to the picture; the box's handles
    // are not clipped, so that those on the edges stay whole.
    const clip = make("div", "picture-crop-clip", { "aria-hidden": "true" });
    const shade = make("div", "picture-crop-shade");
    clip.append(shade);
    stage.append(clip);
    const box = make("button", "picture-crop-box", {
      type: "button",
      "aria-label": "Crop box",
      "aria-describedby": `${id}-status ${id}-help`,
    });
    for (const handle of HANDLES) {
      box.append(make("span", `picture-crop-handle picture-crop-handle-${handle}`, {
        "data-handle": handle,
        "aria-hidden": "true",
      }));
    }
    stage.append(box);
    const marker = make("button", "picture-crop-focal", {
      type: "button",
      "aria-label": "Focal point",
      "aria-describedby": `${id}-status ${id}-help`,
    });
    if (hasFocal) stage.append(marker);
    const controls = make("div", "picture-crop-controls");
    const clearCrop = make("button", "button picture-crop-clear", { type: "button" });
    clearCrop.textContent = "Clear crop";
    const clearFocal = make("button", "button picture-crop-clear", { type: "button" });
    clearFocal.textContent = "Clear focal point";
    const status = make("p", "picture-crop-status", { id: `${id}-status`, "aria-live": "polite" });
    controls.append(clearCrop);
    if (hasFocal) controls.append(clearFocal);
    root.prepend(reasonText);
    reasonText.after(help);
    stage.after(controls, status);
    root.classList.add("is-enhanced");

    // Reading and writing the inputs.

    function readCrop() {
      const values = cropInputs.map((input) => input.value.trim());
      if (values.every((value) => value === "")) return { crop: null, valid: true };
      const [left, top, right, bottom] = values.map(Number);
      const valid =
        values.every((value) => /^\d+$/.test(value)) &&
        left < right && top < bottom && right <= width && bottom <= height;
      return { crop: valid ? { left, top, right, bottom } : null, valid };
    }

    function readFocal() {
      if (!hasFocal) return { focal: null, valid: true };
      const values = focalInputs.map((input) => input.value.trim());
      if (values.every((value) => value === "")) return { focal: null, valid: true };
      // One left empty means the centre on that axis, as the server reads it.
      const [x, y] = values.map((value) => (value === "" ? 0.5 : Number(value)));
      const valid = [x, y].every((n) => Number.isFinite(n) && n >= 0 && n <= 1);
      return { focal: valid ? { x, y } : null, valid };
    }

    function write(targets, values) {
      targets.forEach((input, index) => {
        input.value = values[index];
      });
      for (const input of targets) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function writeCrop(crop) {
      const isWhole =
        !crop || (crop.left <= 0 && crop.top <= 0 && crop.right >= width && crop.bottom >= height);
      write(cropInputs, isWhole ? ["", "", "", ""] :
        [crop.left, crop.top, crop.right, crop.bottom].map((n) => String(Math.round(n))));
    }

    function writeFocal(focal) {
      const fraction = (n) => String(Math.round(clamp(n, 0, 1) * 1000) / 1000);
      write(focalInputs, focal ? [fraction(focal.x), fraction(focal.y)] : ["", ""]);
    }

    // Showing them.

    function place(element, crop) {
      element.style.setProperty("left", `${(crop.left / width) * 100}%`);
      element.style.setProperty("top", `${(crop.top / height) * 100}%`);
      element.style.setProperty("width", `${((crop.right - crop.left) / width) * 100}%`);
      element.style.setProperty("height", `${((crop.bottom - crop.top) / height) * 100}%`);
    }

    function describe() {
      const { crop, valid } = readCrop();
      let said;
      if (!valid) {
        said = `The crop numbers do not make a box inside the picture (${width} × ${height} px).`;
      } else if (!crop) {
        said = "No crop: the whole picture is shown.";
      } else {
        said = `Crop: ${crop.right - crop.left} × ${crop.bottom - crop.top} px, its top left ` +
          `corner ${crop.left} px across and ${crop.top} px down.`;
      }
      if (hasFocal) {
        const { focal, valid: focalValid } = readFocal();
        if (!focalValid) said += " The focal point numbers must lie between 0 and 1.";
        else if (!focal) said += " Focal point: not set, so the centre.";
        else said += ` Focal point: ${percent(focal.x)} across, ${percent(focal.y)} down.`;
      }
      return said;
    }

    function show() {
      const { crop } = readCrop();
      place(box, crop || whole);
      place(shade, crop || whole);
      box.classList.toggle("is-whole", !crop);
      shade.hidden = !crop;
      const { focal } = readFocal();
      marker.style.setProperty("left", `${(focal ? focal.x : 0.5) * 100}%`);
      marker.style.setProperty("top", `${(focal ? focal.y : 0.5) * 100}%`);
      marker.classList.toggle("is-unset", !focal);
      const empty = (targets) => targets.every((input) => input.value.trim() === "");
      clearCrop.disabled = empty(cropInputs);
      clearFocal.disabled = !hasFocal || empty(focalInputs);
    }

    function announce() {
      status.textContent = describe();
    }

    // The licence decides whether the tool is on.

    const licence = root.dataset.licenceField ? byName(root.dataset.licenceField) : null;
    let forbidden = {};
    try {
      forbidden = JSON.parse(root.dataset.noDerivatives || "{}");
    } catch {
      forbidden = {};
    }
    let disabled = false;

    function applyLicence() {
      let reason = serverReason;
      if (licence && !locked) {
        reason = forbidden[licence.value] || "";
        const given = inputs.some((input) => input.value.trim() !== "");
        if (reason && given) reason += " Saving removes the crop and the focal point.";
      }
      disabled = Boolean(reason);
      reasonText.textContent = reason;
      reasonText.hidden = !disabled;
      root.classList.toggle("is-disabled", disabled);
      for (const element of [help, clip, box, marker, controls, status]) {
        element.hidden = disabled;
      }
      // Disabled inputs are not sent: a crop the licence forbids is not saved.
      if (!locked) {
        for (const input of inputs) input.disabled = disabled;
      }
    }

    // The pointer: drag to crop, move or resize; click (or drag the marker) for the focal point.

    let drag = null;

    function pointAt(event) {
      const rect = stage.getBoundingClientRect();
      return {
        x: clamp((event.clientX - rect.left) / rect.width, 0, 1) * width,
        y: clamp((event.clientY - rect.top) / rect.height, 0, 1) * height,
      };
    }

    function dragged(start, from, to) {
      const { mode } = drag;
      if (mode === "draw") {
        const crop = {
          left: Math.round(Math.min(from.x, to.x)),
          top: Math.round(Math.min(from.y, to.y)),
          right: Math.round(Math.max(from.x, to.x)),
          bottom: Math.round(Math.max(from.y, to.y)),
        };
        const big = crop.right - crop.left >= smallest.x && crop.bottom - crop.top >= smallest.y;
        return big ? crop : null;
      }
      if (mode === "move") {
        const dx = clamp(Math.round(to.x - from.x), -start.left, width - start.right);
        const dy = clamp(Math.round(to.y - from.y), -start.top, height - start.bottom);
        return {
          left: start.left + dx,
          top: start.top + dy,
          right: start.right + dx,
          bottom: start.bottom + dy,
        };
      }
      // A handle: each letter of its name is an edge it moves.
      const crop = { ...start };
      if (mode.includes("w")) crop.left = clamp(Math.round(to.x), 0, start.right - smallest.x);
      if (mode.includes("e")) crop.right = clamp(Math.round(to.x), start.left + smallest.x, width);
      if (mode.includes("n")) crop.top = clamp(Math.round(to.y), 0, start.bottom - smallest.y);
      if (mode.includes("s")) {
        crop.bottom = clamp(Math.round(to.y), start.top + smallest.y, height);
      }
      return crop;
    }

    stage.addEventListener("pointerdown", (event) => {
      if (disabled || drag || event.button !== 0 || !event.isPrimary) return;
      const { crop } = readCrop();
      const handle = event.target.closest("[data-handle]");
      let mode = "draw";
      if (handle) mode = handle.dataset.handle;
      else if (hasFocal && event.target === marker) mode = "focal";
      else if (crop && event.target === box) mode = "move";
      drag = {
        mode,
        pointerId: event.pointerId,
        from: pointAt(event),
        x: event.clientX,
        y: event.clientY,
        start: crop || whole,
        before: inputs.map((input) => input.value),
        moved: false,
      };
      stage.setPointerCapture(event.pointerId);
      // No text selection, no dragging the picture out, no scrolling under the finger.
      event.preventDefault();
    });

    stage.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const distance = Math.hypot(event.clientX - drag.x, event.clientY - drag.y);
      if (!drag.moved && distance < CLICK_DISTANCE) return;
      drag.moved = true;
      const to = pointAt(event);
      if (drag.mode === "focal") {
        writeFocal({ x: to.x / width, y: to.y / height });
        return;
      }
      const crop = dragged(drag.start, drag.from, to);
      if (crop) writeCrop(crop);
    });

    function endDrag(event) {
      if (!drag || event.pointerId !== drag.pointerId) return;
      const ended = drag;
      drag = null;
      if (stage.hasPointerCapture(event.pointerId)) stage.releasePointerCapture(event.pointerId);
      if (event.type === "pointercancel") {
        write(inputs, ended.before);
        return;
      }
      if (!ended.moved) {
        if (!hasFocal) return;
        writeFocal({ x: ended.from.x / width, y: ended.from.y / height });
      }
      announce();
      const focusable = ended.mode === "focal" || !ended.moved ? marker : box;
      focusable.focus({ preventScroll: true });
    }

    stage.addEventListener("pointerup", endDrag);
    stage.addEventListener("pointercancel", endDrag);

    // The keyboard: arrows move the box or the marker; Shift and arrows resize the box.

    box.addEventListener("keydown", (event) => {
      const arrow = ARROWS[event.key];
      if (!arrow || disabled || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      const { crop } = readCrop();
      const start = crop || whole;
      const [dx, dy] = [arrow[0] * step.x, arrow[1] * step.y];
      if (event.shiftKey) {
        writeCrop({
          ...start,
          right: clamp(start.right + dx, start.left + smallest.x, width),
          bottom: clamp(start.bottom + dy, start.top + smallest.y, height),
        });
      } else if (crop) {
        const x = clamp(dx, -start.left, width - start.right);
        const y = clamp(dy, -start.top, height - start.bottom);
        writeCrop({
          left: start.left + x,
          top: start.top + y,
          right: start.right + x,
          bottom: start.bottom + y,
        });
      } else {
        status.textContent =
          "The crop box is the whole picture: Shift and the arrow keys make it smaller first.";
        return;
      }
      announce();
    });

    marker.addEventListener("keydown", (event) => {
      const arrow = ARROWS[event.key];
      if (!arrow || disabled || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      const { focal } = readFocal();
      const start = focal || { x: 0.5, y: 0.5 };
      writeFocal({ x: start.x + arrow[0] * KEY_STEP, y: start.y + arrow[1] * KEY_STEP });
      announce();
    });

    clearCrop.addEventListener("click", () => {
      writeCrop(null);
      announce();
      box.focus({ preventScroll: true });
    });

    clearFocal.addEventListener("click", () => {
      writeFocal(null);
      announce();
      marker.focus({ preventScroll: true });
    });

    // Typing in the numbers moves the box and the marker; leaving a number says the result.
    for (const input of inputs) {
      input.addEventListener("input", show);
      input.addEventListener("change", () => {
        show();
        if (!drag) announce();
      });
    }
    if (licence) licence.addEventListener("change", applyLicence);

    applyLicence();
    show();
    announce();
  }

  function start() {
    document.querySelectorAll("[data-picture-crop]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
