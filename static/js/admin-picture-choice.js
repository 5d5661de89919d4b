// The thumbnail beside a piece's picture shows the picture saved with it. Once the editor
// chooses or types another number it would mislead, so a note takes its place until the save.
"use strict";

document.querySelectorAll("[data-picture-choice]").forEach((choice) => {
  const input = choice.querySelector("input");
  const saved = choice.dataset.pictureChoice;
  const chosen = choice.querySelectorAll(".picture-choice__chosen, strong");
  const note = choice.querySelector(".picture-choice__changed");
  const follow = () => {
    const changed = input.value.trim() !== saved;
    chosen.forEach((element) => {
      element.hidden = changed;
    });
    note.hidden = !changed || input.value.trim() === "";
  };
  input.addEventListener("input", follow);
  // The list of pictures, opened in its own window, sets the number and says so through jQuery.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(input).on("change", follow);
  }
});
