// Plain DOM helpers for the field app's views: elements, translated text, times in WIB.

const TEXT = new Map();
const WIB = "Asia/Jakarta";

// The translated strings live in the page (app_text.html), rendered by Django i18n.
export function loadText() {
  const texts = document.getElementById("field-text").content;
  for (const el of texts.querySelectorAll("data")) TEXT.set(el.value, el.textContent);
}

export function t(key, values = {}) {
  const text = TEXT.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// h("li", {class: "row", dataset: {id}}, "text", child) -> an element; null children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const language = () => document.documentElement.lang || "id";

export function wib(iso, { withDate = false } = {}) {
  if (!iso) return "—";
  const options = { timeZone: WIB, hour: "2-digit", minute: "2-digit" };
  if (withDate) Object.assign(options, { day: "numeric", month: "short" });
  const locale = language() === "en" ? "en-GB" : "id-ID";
  return `${new Intl.DateTimeFormat(locale, options).format(new Date(iso))} WIB`;
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

// ISO-8601 in the phone's own offset (e.g. 2024-11-27T19:30:05.120+07:00), as the API wants.
export function isoLocal(date = new Date()) {
  const offset = -date.getTimezoneOffset();
  const shifted = new Date(date.getTime() + offset * 60000).toISOString().slice(0, 23);
  const sign = offset >= 0 ? "+" : "-";
  return `${shifted}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

// The value for an <input type="datetime-local"> showing `date` in the phone's time.
export const localInput = (date = new Date()) => isoLocal(date).slice(0, 16);

export function toast(message, kind = "ok") {
  const box = $("#toast");
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

export function fail(el, message) {
  el.textContent = message;
  el.hidden = !message;
}

// A list typed into one field: seals or codes separated by commas, spaces or new lines.
export const splitList = (text) => [...new Set(text.split(/[\s,;]+/).filter(Boolean))];

export const REGION_CODE = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;
export const TPS_CODE = /^\d{2}\.\d{2}\.\d{2}\.\d{4}-\d{3}$/;
