/*
 * "Your pictures" on the contributor's piece form (templates/includes/your_pictures.html):
 * each picture's Insert button puts its code, on a line of its own, at the cursor of the
 * body's text. Without this script the buttons stay hidden and the codes are there to copy.
 */
(function () {
  "use strict";

  // Enough line breaks on either side that the code is a paragraph of its own.
  function padding(before, after) {
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    return [lead, trail];
  }

  function insert(area, code) {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    const [lead, trail] = padding(area.value.slice(0, start), area.value.slice(end));
    const text = lead + code + trail;
    area.focus();
    area.setSelectionRange(start, end);
    // As typing would, so that undo takes it back; where that is not offered, set the text.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    // The cursor after the code, on the blank line below it.
    const after = start + lead.length + code.length;
    area.setSelectionRange(after, after);
  }

  function start() {
    const status = document.querySelector("[data-insert-status]");
    for (const button of document.querySelectorAll("[data-insert-picture]")) {
      const area = document.getElementById(button.dataset.target);
      if (!area) continue;
      button.hidden = false;
      button.addEventListener("click", () => {
        insert(area, button.dataset.insertPicture);
        if (status) status.textContent = `Inserted ${button.dataset.insertPicture} in the text.`;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
