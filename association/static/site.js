// Errors stand beside their fields (the server marks each with aria-invalid): each field
// names its message for screen readers, and the first one takes the focus, so a long page
// does not hide what needs correcting.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = Array.from(document.querySelectorAll('[aria-invalid="true"]')).filter(
    (field) => field.type !== "hidden" && !field.disabled,
  );
  invalid.forEach((field, index) => {
    const holder = field.closest(".form-check, .mb-3, fieldset") || field.parentElement;
    const message = holder ? holder.querySelector(".invalid-feedback") : null;
    if (!message) return;
    if (!message.id) message.id = `${field.id || "field-" + index}-error`;
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(message.id)) {
      field.setAttribute("aria-describedby", described.concat(message.id).join(" "));
    }
  });
  if (invalid.length > 0) {
    invalid[0].focus({ preventScroll: true });
    invalid[0].scrollIntoView({ block: "center" });
  }
});
