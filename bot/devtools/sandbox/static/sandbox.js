// Adal sandbox: a Telegram-like chat page over the project's Bot API emulator.
// No build step and no libraries. Message HTML comes from the server already escaped
// (bot/devtools/sandbox/views.py); everything else is put in with textContent.
"use strict";

const API = "/sandbox/api/";
const TYPING_MS = 5000; // Telegram shows a chat action for 5 s or until the next message
const COLORS = ["#e17076", "#faa774", "#a695e7", "#7bc862", "#6ec9cb", "#65aadd", "#ee7aae"];

const S = {
  lang: "kk",
  t: {},
  boot: "",
  seq: 0,
  demo: false,
  bot: null,
  places: [],
  chats: new Map(), // id -> {view, messages: Map, keyboard, unread, typingUntil}
  order: [],
  current: null,
  speakers: new Map(), // group id -> who writes there
  replyTo: null,
  commands: [],
  menuOwner: null, // "chat:viewer" the commands above are for
  upload: null,
  pendingKeyboardButton: null,
  source: null,
};

const $ = (id) => document.getElementById(id);

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

// Rows of buttons, as both kinds of keyboard are drawn: build(button) makes one element.
function buttonRows(container, rows, rowClass, build) {
  for (const buttons of rows) {
    const row = make("div", rowClass);
    for (const button of buttons) row.append(build(button));
    container.append(row);
  }
}

function t(key, values) {
  let text = S.t[key] || key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split("{" + name + "}").join(String(value));
  }
  return text;
}

// --- talking to the sandbox ---------------------------------------------------------------

async function getJSON(path) {
  const response = await fetch(API + path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

async function post(name, body) {
  const isForm = body instanceof FormData;
  const response = await fetch(API + name, {
    method: "POST",
    headers: isForm ? { "X-Sandbox": "1" } : { "X-Sandbox": "1", "Content-Type": "application/json" },
    body: isForm ? body : JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (_) {
    answer = { ok: false, error: String(response.status) };
  }
  if (!response.ok || !answer.ok) {
    toast(t("refused", { reason: answer.error || response.status }));
    return null;
  }
  return answer;
}

function actor(extra) {
  return Object.assign({ chat_id: S.current, user_id: viewer() }, extra || {});
}

// --- state ---------------------------------------------------------------------------------

function chat(id) {
  return S.chats.get(Number(id));
}

function viewer(chatId) {
  const id = chatId === undefined ? S.current : chatId;
  const c = chat(id);
  if (!c) return null;
  if (c.view.type === "channel") return null; // only the bot posts in a channel
  return c.view.type === "private" ? c.view.id : speakerIn(c);
}

// Who writes in a group: the one chosen there, else a moderator (the sandbox's groups are the
// moderators' and the volunteers', both with the moderators in them), else the first member.
function speakerIn(group) {
  const chosen = S.speakers.get(group.view.id);
  if (group.view.members.includes(chosen)) return chosen;
  const moderator = group.view.members.find((id) => chat(id) && chat(id).view.person.role === "moderator");
  return moderator || group.view.members[0] || null;
}

function isGroup(id) {
  const c = chat(id === undefined ? S.current : id);
  return Boolean(c && c.view.type === "group");
}

async function loadState() {
  const state = await getJSON("state");
  S.boot = state.boot;
  S.seq = state.seq;
  S.demo = state.demo;
  S.bot = state.bot;
  S.places = state.places;
  const old = S.chats;
  S.chats = new Map();
  S.order = [];
  for (const view of state.chats) {
    const messages = new Map();
    for (const m of state.messages[String(view.id)] || []) messages.set(m.id, m);
    const before = old.get(view.id);
    S.chats.set(view.id, {
      view,
      messages,
      keyboard: state.keyboards[String(view.id)] || null,
      unread: before ? before.unread : 0,
      typingUntil: 0,
    });
    S.order.push(view.id);
  }
  $("demo-note").hidden = !S.demo;
  renderList();
  if (S.current !== null && chat(S.current)) openChat(S.current, { keepReply: true });
  listen();
}

async function loadTexts(lang) {
  S.t = await getJSON("strings?lang=" + encodeURIComponent(lang));
  S.lang = lang;
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-label]")) {
    el.setAttribute("aria-label", t(el.dataset.tLabel));
    el.title = t(el.dataset.tLabel);
  }
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.classList.toggle("active", button.dataset.lang === lang);
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
  $("composer-input").placeholder = t("message_placeholder");
  try {
    localStorage.setItem("adal-sandbox-lang", lang);
  } catch (_) {
    /* private windows may refuse storage */
  }
}

// --- live events ---------------------------------------------------------------------------

function listen() {
  if (S.source) S.source.close();
  const source = new EventSource(API + "events?after=" + encodeURIComponent(S.boot + "-" + S.seq));
  S.source = source;
  source.onopen = () => {
    $("offline").hidden = true;
  };
  source.onerror = () => {
    $("offline").hidden = false; // EventSource reconnects by itself
  };
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const seq = Number((message.lastEventId || "").split("-")[1]);
    if (seq) S.seq = seq;
    apply(event);
  };
}

function apply(event) {
  if (event.kind === "reload") {
    loadState();
    return;
  }
  if (event.kind === "chat") {
    applyChat(event);
    return;
  }
  const c = chat(event.chat_id);
  if (!c) return;
  const here = Number(event.chat_id) === S.current;
  if (event.kind === "message") {
    const m = event.message;
    const isNew = !c.messages.has(m.id);
    c.messages.set(m.id, m);
    if (m.from.is_bot) c.typingUntil = 0;
    if (here) {
      upsertMessage(m, isNew);
      if (isNew && m.force_reply && appliesTo(m, viewer())) setReply(m);
      clearPending();
      renderStatus();
    } else if (isNew && m.from.id !== viewer(event.chat_id)) {
      c.unread += 1;
    }
    renderList();
  } else if (event.kind === "delete") {
    for (const id of event.message_ids) {
      c.messages.delete(id);
      if (here) removeMessage(id);
      if (S.replyTo && here && S.replyTo.id === id) setReply(null);
    }
    renderList();
  } else if (event.kind === "keyboard") {
    c.keyboard = event.keyboard;
    if (here) renderKeyboard();
  } else if (event.kind === "action") {
    c.typingUntil = Date.now() + TYPING_MS;
    renderStatus();
    renderList();
    setTimeout(() => {
      renderStatus();
      renderList();
    }, TYPING_MS + 50);
  } else if (event.kind === "toast") {
    if (here && Number(event.user_id) === viewer()) {
      clearPending();
      if (event.show_alert) showAlert(event.text);
      else toast(event.text);
    }
  }
}

function applyChat(event) {
  if (!event.chat) return;
  const c = chat(event.chat.id);
  if (c) {
    c.view = event.chat;
  } else {
    S.chats.set(event.chat.id, { view: event.chat, messages: new Map(), keyboard: null, unread: 0, typingUntil: 0 });
    const groupAt = S.order.findIndex((id) => isGroup(id));
    if (event.chat.type === "private" && groupAt >= 0) S.order.splice(groupAt, 0, event.chat.id);
    else S.order.push(event.chat.id);
  }
  renderList();
  if (Number(event.chat.id) === S.current) renderHeader();
}

function appliesTo(message, userId) {
  // A selective ForceReply is for the person the bot replied to (or mentioned).
  if (!message.selective) return true;
  return Boolean(message.reply_to && message.reply_to.from_id === userId);
}

// --- chat list -----------------------------------------------------------------------------

function initials(name) {
  const words = String(name || "?").trim().split(/\s+/);
  return ((words[0] || "?")[0] + (words.length > 1 ? words[1][0] : "")).toUpperCase();
}

function paintAvatar(el, name, id) {
  el.textContent = initials(name);
  el.style.background = COLORS[Math.abs(Number(id)) % COLORS.length];
}

function subtitle(view) {
  // Telegram counts the bot among a group's members, so this does as well.
  if (view.type === "group") return t("role_" + view.role) + " · " + t("members", { count: view.members.length + 1 });
  if (view.type === "channel") return t("role_" + view.role);
  const person = view.person;
  return t("role_" + person.role) + " · " + t("app_in", { language: t("lang_" + person.language_code) });
}

function preview(c) {
  if (c.typingUntil > Date.now()) return { text: t("typing"), typing: true };
  const ids = [...c.messages.keys()].sort((a, b) => a - b);
  const last = c.messages.get(ids[ids.length - 1]);
  if (!last) return { text: "", typing: false };
  const holder = document.createElement("div");
  holder.innerHTML = last.html;
  let text = holder.textContent.replace(/\s+/g, " ").trim();
  if (!text && last.media) text = mediaLabel(last.media);
  const who = c.view.type === "group" && last.from.name ? last.from.name + ": " : "";
  return { text: who + text, typing: false };
}

// The list is updated in place, item by item: events arrive all the time, and an item rebuilt
// under the pointer loses the click (press on the old item, release on the new one) and the
// keyboard focus.
function renderList() {
  const list = $("chat-list");
  const items = new Map([...list.children].map((el) => [Number(el.dataset.chatId), el]));
  let at = 0;
  for (const id of S.order) {
    const c = chat(id);
    if (!c) continue;
    const item = items.get(Number(id)) || chatItem(id);
    items.delete(Number(id));
    fillChatItem(item, c, id);
    if (list.children[at] !== item) list.insertBefore(item, list.children[at] || null);
    at += 1;
  }
  for (const gone of items.values()) gone.remove();
}

function chatItem(id) {
  const item = make("li", "chat-item");
  item.dataset.chatId = String(id);
  item.tabIndex = 0;
  item.setAttribute("role", "button");
  const top = make("div", "chat-item-top");
  const badge = make("span", "badge");
  badge.hidden = true;
  top.append(make("span", "chat-item-name"), badge);
  const body = make("div", "chat-item-body");
  body.append(top, make("div", "chat-item-role"), make("div", "chat-item-preview"));
  item.append(make("div", "avatar"), body);
  return item;
}

function fillChatItem(item, c, id) {
  const setText = (selector, text) => {
    const el = item.querySelector(selector);
    if (el.textContent !== text) el.textContent = text;
    return el;
  };
  item.classList.toggle("selected", id === S.current);
  const avatar = item.querySelector(".avatar");
  avatar.classList.toggle("group", c.view.type !== "private");
  paintAvatar(avatar, c.view.title, id);
  setText(".chat-item-name", c.view.title);
  setText(".badge", String(c.unread)).hidden = c.unread <= 0;
  setText(".chat-item-role", subtitle(c.view));
  const last = preview(c);
  setText(".chat-item-preview", last.text).classList.toggle("typing", last.typing);
}

function chatOf(event) {
  const item = event.target.closest(".chat-item");
  return item ? Number(item.dataset.chatId) : null;
}

// --- one chat ------------------------------------------------------------------------------

function openChat(id, options) {
  const c = chat(id);
  if (!c) return;
  const changed = S.current !== Number(id);
  S.current = Number(id);
  c.unread = 0;
  if (changed || !(options && options.keepReply)) setReply(null);
  $("app").classList.add("show-chat");
  $("no-chat").hidden = true;
  for (const el of ["chat-head", "messages"]) $(el).hidden = false;
  $("composer").hidden = c.view.type === "channel";
  renderHeader();
  renderMessages();
  renderKeyboard();
  renderList();
  hidePopups();
  loadMenu();
  const lastForceReply = [...c.messages.values()].filter((m) => m.from.is_bot).sort((a, b) => b.id - a.id)[0];
  if (changed && lastForceReply && lastForceReply.force_reply && appliesTo(lastForceReply, viewer())) setReply(lastForceReply);
  if (c.view.type !== "channel" && window.matchMedia("(min-width: 721px)").matches) $("composer-input").focus();
}

function renderHeader() {
  const c = chat(S.current);
  if (!c) return;
  paintAvatar($("chat-avatar"), c.view.type === "private" ? S.bot.name : c.view.title, c.view.type === "private" ? S.bot.id : c.view.id);
  $("chat-name").textContent = c.view.type === "private" ? S.bot.name + " · " + c.view.title : c.view.title;
  renderStatus();
  const box = $("speaker-box");
  box.hidden = c.view.type !== "group";
  if (c.view.type === "group") {
    const select = $("speaker");
    select.textContent = "";
    const speaker = speakerIn(c);
    for (const member of c.view.members) {
      const person = chat(member);
      const option = document.createElement("option");
      option.value = String(member);
      option.textContent = person ? person.view.title + " (" + t("role_" + person.view.person.role) + ")" : String(member);
      option.selected = member === speaker;
      select.append(option);
    }
  }
}

function renderStatus() {
  const c = chat(S.current);
  if (!c) return;
  const status = $("chat-status");
  const typing = c.typingUntil > Date.now();
  status.classList.toggle("typing", typing);
  if (typing) status.textContent = (isGroup() ? S.bot.name + " " : "") + t("typing");
  else if (c.view.type === "group") status.textContent = t("members", { count: c.view.members.length + 1 });
  else if (c.view.type === "channel") status.textContent = t("role_" + c.view.role);
  else status.textContent = t("bot") + " · @" + S.bot.username;
}

function nearBottom() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function scrollDown() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

function renderMessages() {
  const c = chat(S.current);
  const box = $("messages");
  box.textContent = "";
  const ids = [...c.messages.keys()].sort((a, b) => a - b);
  for (const id of ids) box.append(messageElement(c.messages.get(id)));
  if (!ids.length) {
    const empty = make("div", "empty-chat", t("empty_chat"));
    box.append(empty);
  }
  renderStartRow();
  scrollDown();
}

function renderStartRow() {
  const c = chat(S.current);
  const fresh = c.view.type === "private" && c.messages.size === 0;
  $("start-row").hidden = !fresh;
  $("input-row").hidden = fresh;
}

function upsertMessage(m, isNew) {
  const box = $("messages");
  const stick = nearBottom() || (isNew && m.from.id === viewer() && !m.from.is_bot);
  const existing = box.querySelector('.msg[data-id="' + m.id + '"]');
  const el = messageElement(m);
  const empty = box.querySelector(".empty-chat");
  if (empty) empty.remove();
  if (existing) {
    existing.replaceWith(el);
  } else {
    const after = [...box.querySelectorAll(".msg")].find((node) => Number(node.dataset.id) > m.id);
    box.insertBefore(el, after || null);
  }
  renderStartRow();
  if (stick) scrollDown();
}

function removeMessage(id) {
  const el = $("messages").querySelector('.msg[data-id="' + id + '"]');
  if (el) el.remove();
}

function formatTime(seconds) {
  try {
    return new Intl.DateTimeFormat(S.lang, { hour: "2-digit", minute: "2-digit" }).format(new Date(seconds * 1000));
  } catch (_) {
    return new Date(seconds * 1000).toTimeString().slice(0, 5);
  }
}

function formatSize(bytes) {
  const units = ["B", "KB", "MB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(S.lang, { maximumFractionDigits: unit ? 1 : 0 }).format(value) + " " + units[unit];
}

function mediaLabel(media) {
  if (media.kind === "photo") return "🖼";
  if (media.kind === "document") return "📄 " + (media.name || t("attach_file"));
  if (media.kind === "location") return "📍 " + t("location");
  if (media.kind === "contact") return "👤 " + t("contact");
  return t(media.kind) || media.kind;
}

function mediaElement(media) {
  const box = make("div", "media media-" + media.kind);
  if (media.kind === "photo") {
    const link = document.createElement("a");
    link.href = media.url;
    link.target = "_blank";
    link.rel = "noopener";
    const img = make("img", "media-photo");
    img.src = media.url;
    img.alt = "";
    img.loading = "lazy";
    if (media.width && media.height) img.style.aspectRatio = media.width + " / " + media.height;
    link.append(img);
    box.append(link);
  } else if (media.kind === "video") {
    const video = document.createElement("video");
    video.src = media.url;
    video.controls = true;
    video.preload = "metadata";
    box.append(video);
  } else if (media.kind === "document" || media.kind === "voice") {
    const icon = make("span", "doc-icon", media.kind === "voice" ? "🎤" : "📄");
    const info = make("div", "doc-info");
    const name = make("div", "doc-name", media.name || t(media.kind));
    const size = make("div", "doc-size", formatSize(media.size || 0));
    info.append(name, size);
    const download = make("a", "download");
    download.href = media.url + "?download=1";
    download.setAttribute("download", media.name || "");
    download.textContent = t("download");
    box.append(icon, info, download);
  } else if (media.kind === "location") {
    box.textContent = "📍 " + t("location") + ": " + media.latitude.toFixed(5) + ", " + media.longitude.toFixed(5);
  } else if (media.kind === "contact") {
    box.textContent = "👤 " + media.name + " · " + media.phone;
  } else if (media.kind === "sticker") {
    box.textContent = media.emoji || t("sticker");
    box.classList.add("big-emoji");
  }
  return box;
}

function messageElement(m) {
  const mine = !m.from.is_bot && m.from.id === viewer();
  const row = make("div", "msg " + (mine ? "out" : "in"));
  row.dataset.id = String(m.id);
  row.dataset.version = String(m.version || 0);
  row.dataset.from = m.from.is_bot ? "bot" : String(m.from.id);
  const bubble = make("div", "bubble" + (m.media && m.media.kind === "photo" ? " with-photo" : ""));
  if (isGroup() && !mine) {
    const name = make("div", "sender", m.from.name);
    name.style.color = COLORS[Math.abs(Number(m.from.id)) % COLORS.length];
    bubble.append(name);
  }
  if (m.reply_to) {
    const quote = make("div", "quote");
    const who = make("div", "quote-name", m.reply_to.name);
    const what = make("div", "quote-text", m.reply_to.snippet || "…");
    quote.append(who, what);
    quote.addEventListener("click", () => {
      const target = $("messages").querySelector('.msg[data-id="' + m.reply_to.id + '"]');
      if (target) target.scrollIntoView({ block: "center", behavior: "smooth" });
    });
    bubble.append(quote);
  }
  if (m.media) bubble.append(mediaElement(m.media));
  if (m.html) {
    const text = make("div", "text");
    text.innerHTML = m.html; // built and escaped by the server (views.py)
    bubble.append(text);
  }
  const meta = make("span", "meta", (m.edited ? t("edited") + " " : "") + formatTime(m.date));
  bubble.append(meta);
  const reply = document.createElement("button");
  reply.type = "button";
  reply.className = "reply-action";
  reply.textContent = "↩";
  reply.title = t("reply");
  reply.setAttribute("aria-label", t("reply"));
  reply.addEventListener("click", () => {
    setReply(m);
    $("composer-input").focus();
  });
  const line = make("div", "bubble-line");
  line.append(bubble, reply);
  row.append(line);
  if (m.inline_keyboard && m.inline_keyboard.length) row.append(inlineKeyboard(m));
  return row;
}

function inlineKeyboard(m) {
  const keyboard = make("div", "inline-keyboard");
  buttonRows(keyboard, m.inline_keyboard, "inline-row", (button) => {
    const el = make("button", "inline-btn", button.text);
    el.type = "button";
    if (button.url) {
      el.classList.add("url");
      el.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
    } else if (button.copy_text !== undefined) {
      el.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(button.copy_text));
    } else if (button.callback_data !== undefined) {
      el.dataset.callback = button.callback_data;
      el.addEventListener("click", () => press(m, button, el));
    }
    return el;
  });
  return keyboard;
}

function clearPending() {
  for (const el of document.querySelectorAll(".inline-btn.pending")) el.classList.remove("pending");
}

async function press(m, button, el) {
  el.classList.add("pending");
  setTimeout(() => el.classList.remove("pending"), 5000);
  await post("press", actor({ message_id: m.id, data: button.callback_data }));
}

// --- the composer --------------------------------------------------------------------------

function setReply(m) {
  S.replyTo = m ? { id: m.id, name: m.from.name, placeholder: m.placeholder || "" } : null;
  $("reply-bar").hidden = !m;
  if (m) {
    $("reply-name").textContent = t("reply_to", { name: m.from.name });
    const holder = document.createElement("div");
    holder.innerHTML = m.html || "";
    $("reply-snippet").textContent = holder.textContent.replace(/\s+/g, " ").trim().slice(0, 120) || (m.media ? mediaLabel(m.media) : "");
  }
  const c = chat(S.current);
  const keyboardHint = c && c.keyboard ? c.keyboard.placeholder : "";
  $("composer-input").placeholder = (S.replyTo && S.replyTo.placeholder) || keyboardHint || t("message_placeholder");
}

async function sendText(text) {
  const value = text.replace(/\s+$/, "");
  if (!value.trim() || S.current === null) return;
  const body = actor({ text: value });
  if (S.replyTo) body.reply_to = S.replyTo.id;
  setReply(null);
  await post("send", body);
}

async function sendComposer() {
  const input = $("composer-input");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  autosize();
  hidePopups();
  await sendText(text);
}

function autosize() {
  const input = $("composer-input");
  input.style.height = "auto";
  input.style.height = Math.min(input.scrollHeight, 160) + "px";
}

async function loadMenu() {
  const id = S.current;
  const who = viewer();
  // The same chat seen by the same person keeps its menu until the fresh one arrives: the
  // button does not blink away under the pointer when the page reloads its state.
  const owner = id + ":" + who;
  if (S.menuOwner !== owner) {
    S.menuOwner = owner;
    S.commands = [];
    $("menu-btn").hidden = true;
  }
  if (id === null || who === null) return;
  const commands = await getJSON("menu?chat_id=" + id + "&user_id=" + who);
  if (owner !== S.menuOwner) return;
  S.commands = commands;
  $("menu-btn").hidden = commands.length === 0;
}

function showCommands(filter) {
  const menu = $("command-menu");
  const prefix = (filter || "").toLowerCase();
  const matching = S.commands.filter((c) => ("/" + c.command).startsWith(prefix));
  menu.textContent = "";
  if (!matching.length) {
    menu.hidden = true;
    return;
  }
  for (const command of matching) {
    const item = document.createElement("button");
    item.type = "button";
    item.className = "command-item";
    item.dataset.command = "/" + command.command;
    const name = make("span", "command-name", "/" + command.command);
    const description = make("span", "command-description", command.description);
    item.append(name, description);
    item.addEventListener("click", () => {
      $("composer-input").value = "";
      hidePopups();
      sendText("/" + command.command);
    });
    menu.append(item);
  }
  $("attach-menu").hidden = true;
  menu.hidden = false;
}

function hidePopups() {
  $("command-menu").hidden = true;
  $("attach-menu").hidden = true;
}

function renderKeyboard() {
  const c = chat(S.current);
  const box = $("reply-keyboard");
  box.textContent = "";
  const keyboard = c && c.keyboard;
  box.hidden = !keyboard;
  setReply(S.replyTo ? chat(S.current).messages.get(S.replyTo.id) || null : null);
  if (!keyboard) return;
  buttonRows(box, keyboard.rows, "reply-row", (button) => {
    const el = make("button", "reply-btn", button.text);
    el.type = "button";
    el.addEventListener("click", () => pressReplyButton(button));
    return el;
  });
}

async function pressReplyButton(button) {
  if (button.request_contact) {
    const person = chat(viewer()) ? chat(viewer()).view.person : null;
    $("phone-question").textContent = t("share_phone", { phone: person ? person.phone : "" });
    S.pendingKeyboardButton = button;
    $("phone-dialog").showModal();
    return;
  }
  if (button.request_location) {
    S.pendingKeyboardButton = button;
    openLocation();
    return;
  }
  await post("reply_button", actor({ text: button.text }));
}

// --- attachments, location, people ------------------------------------------------------------

function openLocation() {
  const places = $("places");
  places.textContent = "";
  for (const place of S.places) {
    const el = document.createElement("button");
    el.type = "button";
    el.className = "place";
    el.textContent = place[S.lang] || place.kk;
    el.addEventListener("click", () => {
      $("latitude").value = String(place.latitude);
      $("longitude").value = String(place.longitude);
      for (const other of places.children) other.classList.toggle("active", other === el);
    });
    places.append(el);
  }
  if (!$("latitude").value && S.places.length) places.firstChild.click();
  $("location-dialog").showModal();
}

async function sendLocation(event) {
  event.preventDefault();
  const latitude = Number($("latitude").value);
  const longitude = Number($("longitude").value);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return;
  $("location-dialog").close();
  const button = S.pendingKeyboardButton;
  S.pendingKeyboardButton = null;
  if (button) await post("reply_button", actor({ text: button.text, latitude, longitude }));
  else await post("location", actor({ latitude, longitude }));
}

function chooseFile(kind, input) {
  const file = input.files && input.files[0];
  input.value = "";
  if (!file) return;
  if (file.size > 50 * 1024 * 1024) {
    toast(t("too_big"));
    return;
  }
  S.upload = { file, kind };
  $("upload-title").textContent = kind === "photo" ? t("send_photo") : t("send_file");
  const preview = $("upload-preview");
  preview.textContent = "";
  if (kind === "photo" && file.type.startsWith("image/")) {
    const img = document.createElement("img");
    img.src = URL.createObjectURL(file);
    img.alt = "";
    img.onload = () => URL.revokeObjectURL(img.src);
    preview.append(img);
  } else {
    preview.textContent = "📄 " + file.name + " · " + formatSize(file.size);
  }
  $("upload-caption").value = $("composer-input").value.trim();
  $("upload-dialog").showModal();
}

async function sendUpload(event) {
  event.preventDefault();
  const upload = S.upload;
  S.upload = null;
  $("upload-dialog").close();
  if (!upload) return;
  const form = new FormData();
  form.append("chat_id", String(S.current));
  form.append("user_id", String(viewer()));
  form.append("as", upload.kind);
  form.append("caption", $("upload-caption").value);
  form.append("file", upload.file, upload.file.name);
  if ($("upload-caption").value.trim() === $("composer-input").value.trim()) $("composer-input").value = "";
  await post("upload", form);
}

async function addPerson(event) {
  event.preventDefault();
  const name = $("person-name").value.trim();
  if (!name) return;
  const answer = await post("people", {
    name,
    language_code: $("person-lang").value,
    in_group: $("person-group").checked,
  });
  $("person-dialog").close();
  if (answer) {
    $("person-name").value = "";
    const wait = () => (chat(answer.id) ? openChat(answer.id) : setTimeout(wait, 50));
    wait();
  }
}

// --- little windows --------------------------------------------------------------------------

function toast(text) {
  const el = make("div", "toast", text);
  $("toasts").append(el);
  setTimeout(() => el.classList.add("leaving"), 2600);
  setTimeout(() => el.remove(), 3000);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert-dialog").showModal();
}

// --- wiring ----------------------------------------------------------------------------------

function wire() {
  const list = $("chat-list");
  list.addEventListener("click", (e) => {
    const id = chatOf(e);
    if (id !== null) openChat(id);
  });
  list.addEventListener("keydown", (e) => {
    const id = chatOf(e);
    if (id !== null && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      openChat(id);
    }
  });
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", async () => {
      await loadTexts(button.dataset.lang);
      renderList();
      if (S.current !== null) openChat(S.current, { keepReply: true });
    });
  }
  $("back-btn").addEventListener("click", () => {
    $("app").classList.remove("show-chat");
  });
  $("speaker").addEventListener("change", (e) => {
    S.speakers.set(S.current, Number(e.target.value));
    renderMessages();
    loadMenu();
  });
  const input = $("composer-input");
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendComposer();
    } else if (e.key === "Escape") {
      hidePopups();
      setReply(null);
    }
  });
  input.addEventListener("input", () => {
    autosize();
    const value = input.value;
    if (/^\/\w*$/.test(value)) showCommands(value);
    else $("command-menu").hidden = true;
  });
  $("send-btn").addEventListener("click", sendComposer);
  $("start-btn").addEventListener("click", () => sendText("/start"));
  $("menu-btn").addEventListener("click", () => {
    if ($("command-menu").hidden) showCommands("");
    else hidePopups();
  });
  $("attach-btn").addEventListener("click", () => {
    const menu = $("attach-menu");
    $("command-menu").hidden = true;
    menu.querySelector('[data-attach="location"]').hidden = isGroup();
    menu.hidden = !menu.hidden;
  });
  for (const item of document.querySelectorAll("[data-attach]")) {
    item.addEventListener("click", () => {
      hidePopups();
      if (item.dataset.attach === "photo") $("photo-input").click();
      else if (item.dataset.attach === "file") $("file-input").click();
      else {
        S.pendingKeyboardButton = null;
        openLocation();
      }
    });
  }
  $("photo-input").addEventListener("change", (e) => chooseFile("photo", e.target));
  $("file-input").addEventListener("change", (e) => chooseFile("document", e.target));
  $("reply-cancel").addEventListener("click", () => setReply(null));
  $("add-person-btn").addEventListener("click", () => $("person-dialog").showModal());
  $("person-form").addEventListener("submit", addPerson);
  $("upload-form").addEventListener("submit", sendUpload);
  $("location-form").addEventListener("submit", sendLocation);
  $("phone-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("phone-dialog").close();
    const button = S.pendingKeyboardButton;
    S.pendingKeyboardButton = null;
    if (button) await post("reply_button", actor({ text: button.text, share_phone: true }));
  });
  for (const close of document.querySelectorAll("[data-close]")) {
    close.addEventListener("click", () => {
      S.pendingKeyboardButton = null;
      S.upload = null;
      close.closest("dialog").close();
    });
  }
  $("messages").addEventListener("click", (e) => {
    const command = e.target.closest("a.command");
    if (command) {
      e.preventDefault();
      sendText(command.dataset.command);
      return;
    }
    const spoiler = e.target.closest(".spoiler");
    if (spoiler) spoiler.classList.add("revealed");
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".popup, #menu-btn, #attach-btn, #composer-input")) hidePopups();
  });
}

async function main() {
  wire();
  let lang = "kk";
  try {
    lang = localStorage.getItem("adal-sandbox-lang") || "";
  } catch (_) {
    lang = "";
  }
  if (lang !== "kk" && lang !== "ru") lang = (navigator.language || "").startsWith("ru") ? "ru" : "kk";
  await loadTexts(lang);
  await loadState();
  document.body.classList.add("ready");
}

main();
