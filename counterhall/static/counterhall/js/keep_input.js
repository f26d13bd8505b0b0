// The case page has two forms (documents checklist, application). Saving one reloads the
// page; what was typed or ticked in the other and not yet saved is kept in sessionStorage
// for this page and put back after the reload, so no input is thrown away.
(function () {
  const FORMS = ["documents-form", "application-form"];
  const key = "counterhall:unsaved:" + window.location.pathname;

  function fields(form) {
    return Array.from(form.elements).filter(
      (el) => el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "seen_state" && el.type !== "submit" && el.type !== "hidden"
    );
  }

  function snapshot(form) {
    return fields(form).map((el) => ({
      name: el.name,
      value: el.value,
      checked: el.type === "checkbox" || el.type === "radio" ? el.checked : null,
    }));
  }

  function restore(form, saved) {
    const byName = {};
    saved.forEach((item) => {
      (byName[item.name] = byName[item.name] || []).push(item);
    });
    fields(form).forEach((el) => {
      const items = byName[el.name];
      if (!items) return;
      if (el.type === "checkbox" || el.type === "radio") {
        const match = items.find((i) => i.value === el.value);
        if (match) el.checked = match.checked;
      } else {
        el.value = items.shift().value;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const stored = window.sessionStorage.getItem(key);
    if (stored) {
      window.sessionStorage.removeItem(key);
      const { formId, data } = JSON.parse(stored);
      const form = document.getElementById(formId);
      if (form) restore(form, data);
    }
    FORMS.forEach((id) => {
      const form = document.getElementById(id);
      if (!form) return;
      form.addEventListener("submit", () => {
        const otherId = FORMS.find((f) => f !== id);
        const other = document.getElementById(otherId);
        if (other) {
          window.sessionStorage.setItem(key, JSON.stringify({ formId: otherId, data: snapshot(other) }));
        }
      });
    });
  });
})();
