/*
 * The writing surface of a piece's form, in the contributor area and the admin alike: a
 * formatting toolbar, a live preview rendered by the server, pasting from word processors,
 * a word count and reading time, and autosave.
 *
 * Without this script the form is a plain textarea and its own Save buttons, and loses
 * nothing. With it, every change is also kept in this browser (localStorage) at once, and
 * on the server (articles/writing/endpoints.py) every few seconds, so that neither a reload,
 * a closed tab nor a lost connection loses a word. An autosave never changes the piece
 * itself: only the form's Save does.
 */
(function () {
  "use strict";

  // Saved this long after typing stops, never more often than MIN_GAP, and at least every
  // MAX_WAIT while the text keeps changing.
  const QUIET_MS = 2000;
  const MIN_GAP_MS = 5000;
  const MAX_WAIT_MS = 30000;
  const RETRY_MS = 15000;
  const PREVIEW_DELAY_MS = 400;
  // What fits in a request sent as the page closes (browsers allow 64 kB).
  const KEEPALIVE_LIMIT = 60000;
  const STORE = "magazine-writing";
  // Clipboard HTML worth converting: a word processor's or a web page's, not a code editor's
  // coloured spans (whose text is better pasted as it is).
  const RICH_HTML = /<(h[1-6]|p|a|b|strong|i|em|ul|ol|li|blockquote)[\s>]|docs-internal-guid|urn:schemas-microsoft-com|class="?Mso/i;
  const SHORTCUTS = { b: "bold", i: "italic", k: "link" };

  class HttpError extends Error {
    constructor(status, message, data) {
      super(message);
      this.status = status;
      this.data = data;
    }
  }

  function storage(kind) {
    try {
      const store = window[kind];
      store.getItem(STORE);
      return store;
    } catch (error) {
      return null;
    }
  }

  function randomId() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // One id per tab, kept across reloads of that tab (sessionStorage is the tab's own).
  function tabId() {
    const session = storage("sessionStorage");
    let id = session && session.getItem(`${STORE}:tab`);
    if (!id) {
      id = randomId();
      if (session) session.setItem(`${STORE}:tab`, id);
    }
    return id;
  }

  function clock(when) {
    const date = new Date(when);
    const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    if (date.toDateString() === new Date().toDateString()) return time;
    return `${date.toLocaleDateString("en-GB", { day: "numeric", month: "long" })}, ${time}`;
  }

  function same(a, b) {
    return a.headline === b.headline && a.standfirst === b.standfirst && a.body === b.body;
  }

  function field(form, name) {
    const element = form && form.elements.namedItem(name);
    return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement
      ? element
      : null;
  }

  class WritingSurface {
    constructor(root) {
      this.root = root;
      this.textarea = root.querySelector("textarea");
      this.form = this.textarea.form;
      this.headline = field(this.form, "headline");
      this.standfirst = field(this.form, "standfirst");
      const token = this.form && this.form.elements.namedItem("csrfmiddlewaretoken");
      this.csrf = token ? token.value : "";
      this.urls = {
        preview: root.dataset.previewUrl,
        paste: root.dataset.pasteUrl,
        autosave: root.dataset.autosaveUrl,
      };
      this.part = (name) => root.querySelector(`[data-writing-${name}]`);
      this.local = storage("localStorage");
      this.tab = tabId();
      // What the form held as the page opened: the saved piece, or what was just posted.
      this.original = this.values();
      this.previewed = this.textarea.value;
      this.identity = null;
      this.seen = null;
      this.dirty = false;
      this.firstUnsavedAt = null;
      this.lastSentAt = 0;
      this.retryAt = 0;
      this.held = false;
      this.conflict = null;
      this.leaving = false;
      this.show();
      this.listen();
      this.connect();
    }

    values() {
      return {
        headline: this.headline ? this.headline.value : "",
        standfirst: this.standfirst ? this.standfirst.value : "",
        body: this.textarea.value,
      };
    }

    fill(values) {
      for (const [element, value] of [
        [this.headline, values.headline],
        [this.standfirst, values.standfirst],
      ]) {
        if (element && element.value !== value) {
          element.value = value;
          // The admin fills the address from the headline on change.
          element.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
      this.textarea.value = values.body;
      this.schedulePreview();
    }

    show() {
      this.root.classList.add("writing--live");
      for (const name of ["preview", "status", "hint"]) this.part(name).hidden = false;
      const toolbar = this.part("toolbar");
      if (window.customElements) {
        window.customElements.whenDefined("markdown-toolbar").then(() => {
          this.part("bar").hidden = false;
        });
      }
      // Subheading and Quote apply to whole lines, wherever in the line the cursor is.
      const wholeLines = (event) => {
        if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
        if (event.target instanceof Element && event.target.closest("[data-writing-line]")) {
          this.selectWholeLines();
        }
      };
      toolbar.addEventListener("click", wholeLines, true);
      toolbar.addEventListener("keydown", wholeLines, true);
      const toggle = this.part("toggle");
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "Hide the preview" : "Show the preview";
        this.root.classList.toggle("writing--preview-open", open);
      });
    }

    selectWholeLines() {
      const text = this.textarea.value;
      const start = text.lastIndexOf("\n", this.textarea.selectionStart - 1) + 1;
      let end = text.indexOf("\n", this.textarea.selectionEnd);
      if (end === -1) end = text.length;
      this.textarea.setSelectionRange(start, end);
    }

    listen() {
      for (const element of [this.headline, this.standfirst, this.textarea]) {
        if (element) element.addEventListener("input", () => this.changed());
      }
      this.textarea.addEventListener("input", () => this.schedulePreview());
      this.textarea.addEventListener("paste", (event) => this.pasted(event));
      this.textarea.addEventListener("keydown", (event) => this.shortcut(event));
      if (this.form) {
        // The form's own Save keeps the text: no autosave may race it.
        this.form.addEventListener("submit", () => {
          this.leaving = true;
          window.clearTimeout(this.saveTimer);
          // Still here long after: the sending was stopped, and autosave goes on.
          window.setTimeout(() => {
            this.leaving = false;
            if (this.dirty) this.scheduleSave();
          }, 10 * MAX_WAIT_MS);
        });
      }
      window.addEventListener("pageshow", () => {
        this.leaving = false;
      });
      window.addEventListener("online", () => {
        this.retryAt = 0;
        if (this.autosaveRefused) return;
        if (this.identity) this.saveNow();
        else this.connect();
      });
      window.addEventListener("offline", () => this.offline());
      window.addEventListener("pagehide", () => this.saveAsThePageCloses());
    }

    // --- The toolbar's keyboard shortcuts --------------------------------------------------

    shortcut(event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const style = SHORTCUTS[event.key.toLowerCase()];
      const button = style && this.root.querySelector(`[data-md-button="${style}"]`);
      if (!button || this.part("bar").hidden) return;
      event.preventDefault();
      button.click();
    }

    // --- Requests ---------------------------------------------------------------------------

    async request(url, options) {
      const response = await fetch(url, {
        credentials: "same-origin",
        ...options,
        headers: { Accept: "application/json", ...(options && options.headers) },
      });
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      if (!response.ok) {
        const message = data && data.error ? data.error : `The site answered ${response.status}.`;
        throw new HttpError(response.status, message, data);
      }
      return data;
    }

    post(url, payload, keepalive) {
      return this.request(url, {
        method: "POST",
        keepalive: Boolean(keepalive),
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
        body: JSON.stringify(payload),
      });
    }

    // --- The preview and the word count -----------------------------------------------------

    schedulePreview() {
      window.clearTimeout(this.previewTimer);
      this.previewTimer = window.setTimeout(() => this.refreshPreview(), PREVIEW_DELAY_MS);
    }

    async refreshPreview() {
      if (this.previewing) {
        this.previewAgain = true;
        return;
      }
      const body = this.textarea.value;
      if (body === this.previewed) return;
      this.previewing = true;
      try {
        const result = await this.post(this.urls.preview, { body });
        this.previewed = body;
        // Rendered and sanitised by the server, as the public page's body is.
        this.part("preview-body").innerHTML = result.html;
        this.part("count").textContent = result.words
          ? `${result.words} word${result.words === 1 ? "" : "s"} · ${result.minutes} min read`
          : "No words yet";
      } catch (error) {
        // The last preview stays; the status line says why nothing is saved, if it is not.
      } finally {
        this.previewing = false;
        if (this.previewAgain) {
          this.previewAgain = false;
          this.refreshPreview();
        }
      }
    }

    // --- Pasting from Google Docs, Word and web pages ---------------------------------------

    pasted(event) {
      const clipboard = event.clipboardData;
      const html = clipboard ? clipboard.getData("text/html") : "";
      if (!html || !RICH_HTML.test(html)) return;
      event.preventDefault();
      const plain = clipboard.getData("text/plain");
      this.post(this.urls.paste, { html })
        .then((result) => this.insert(result.markdown))
        .catch((error) => {
          this.insert(plain);
          const why = error instanceof HttpError ? error.message : "the site could not be reached.";
          this.say(`What you pasted went in as plain text: ${why}`);
        });
    }

    insert(text) {
      const textarea = this.textarea;
      textarea.focus();
      let inserted = false;
      try {
        // Typed in, as far as the browser knows: Undo takes it out again.
        inserted = document.execCommand("insertText", false, text);
      } catch (error) {
        inserted = false;
      }
      if (!inserted) {
        textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }

    // --- Autosave ----------------------------------------------------------------------------

    localPrefix() {
      const piece = this.identity.piece === null ? "new" : this.identity.piece;
      return `${STORE}:${this.identity.owner}:${piece}:`;
    }

    // Until the server has said whose piece this is, this tab keeps its text by the address.
    localKey() {
      return this.identity
        ? this.localPrefix() + this.tab
        : `${STORE}:page:${window.location.pathname}:${this.tab}`;
    }

    keepLocally() {
      if (!this.local) return;
      const entry = {
        ...this.values(),
        version: this.identity ? this.identity.version : null,
        savedAt: Date.now(),
        tab: this.tab,
      };
      try {
        this.local.setItem(this.localKey(), JSON.stringify(entry));
      } catch (error) {
        // A full store: the server's copy and the form remain.
      }
    }

    localEntries(prefix) {
      const entries = [];
      if (!this.local) return entries;
      for (let index = 0; index < this.local.length; index += 1) {
        const key = this.local.key(index);
        if (!key || !key.startsWith(prefix)) continue;
        try {
          entries.push({ ...JSON.parse(this.local.getItem(key)), key });
        } catch (error) {
          this.local.removeItem(key);
        }
      }
      return entries;
    }

    forget(key) {
      if (this.local && key) this.local.removeItem(key);
    }

    changed() {
      if (this.autosaveRefused) return;
      this.keepLocally();
      this.dirty = true;
      this.held = false;
      if (this.firstUnsavedAt === null) this.firstUnsavedAt = Date.now();
      this.scheduleSave();
    }

    scheduleSave() {
      window.clearTimeout(this.saveTimer);
      if (!this.identity || this.leaving) return;
      const now = Date.now();
      let at = Math.min(now + QUIET_MS, this.firstUnsavedAt + MAX_WAIT_MS);
      at = Math.max(at, this.lastSentAt + MIN_GAP_MS, this.retryAt);
      this.saveTimer = window.setTimeout(() => this.saveNow(), Math.max(0, at - now));
    }

    async connect() {
      window.clearTimeout(this.connectTimer);
      const page = encodeURIComponent(window.location.pathname);
      try {
        this.identity = await this.request(`${this.urls.autosave}?page=${page}`);
      } catch (error) {
        if (error instanceof HttpError && error.status < 500) {
          // Not a page that autosaves (an old revision, say), or not this person's piece.
          this.autosaveRefused = true;
          if (error.status !== 404) this.status(`Not saved as you type: ${error.message}`, "");
          return;
        }
        this.offline();
        this.connectTimer = window.setTimeout(() => this.connect(), RETRY_MS);
        return;
      }
      const kept = this.identity.autosave;
      this.seen = kept ? kept.token : null;
      this.adoptTextKeptByAddress();
      this.recover();
      if (this.dirty) this.scheduleSave();
      else this.status("Changes are saved as you type", "");
    }

    adoptTextKeptByAddress() {
      const key = `${STORE}:page:${window.location.pathname}:${this.tab}`;
      const entry = this.local && this.local.getItem(key);
      if (!entry) return;
      this.forget(key);
      try {
        this.local.setItem(this.localKey(), entry);
      } catch (error) {
        // Kept in the form, and saved on the server below.
      }
    }

    // Unsaved text from before this page opened: put back, or offered, never silently lost.
    recover() {
      const here = this.values();
      const { piece, version } = this.identity;
      const candidates = [];
      const kept = this.identity.autosave;
      if (kept && !same(kept, here)) {
        candidates.push({
          ...kept,
          at: Date.parse(kept.saved_at),
          version: kept.base_version,
          token: kept.token,
        });
      }
      for (const entry of this.localEntries(this.localPrefix())) {
        if (same(entry, here)) {
          // Saved by the form since it was typed (the piece's version moved on): done with.
          if (piece !== null && entry.version !== version) this.forget(entry.key);
          continue;
        }
        const twin = candidates.find((candidate) => same(candidate, entry));
        if (twin) {
          twin.key = entry.key;
          continue;
        }
        candidates.push({ ...entry, at: entry.savedAt });
      }
      if (piece !== null) {
        // A new piece's text, now that the form has created the piece from it.
        for (const entry of this.localEntries(`${STORE}:${this.identity.owner}:new:`)) {
          if (same(entry, here)) this.forget(entry.key);
        }
      }
      if (!candidates.length) return;
      candidates.sort((a, b) => b.at - a.at);
      const newest = candidates[0];
      if ((newest.version === undefined ? null : newest.version) === version) {
        this.putBack(newest, candidates);
      } else {
        this.offer(newest, candidates);
      }
    }

    putBack(candidate, candidates) {
      this.fill(candidate);
      this.keepLocally();
      this.dirty = !candidate.token || candidate.token !== this.seen;
      if (this.dirty) this.firstUnsavedAt = Date.now();
      const others = candidates.filter((other) => other !== candidate);
      this.notice(
        `Your unsaved text from ${clock(candidate.at)} has been put back. ` +
          "Save the piece to keep it.",
        [["Discard it", () => this.discard(candidate, others)]],
        others,
        candidates,
      );
    }

    offer(candidate, candidates) {
      const others = candidates.filter((other) => other !== candidate);
      this.notice(
        `There is unsaved text from ${clock(candidate.at)}, written before the piece was ` +
          "last saved. Put it back to see it, or discard it.",
        [
          ["Put it back", () => this.putBack(candidate, candidates)],
          ["Discard it", () => this.discard(candidate, others)],
        ],
        others,
        candidates,
      );
    }

    async discard(candidate, others) {
      this.fill(this.original);
      this.forget(candidate.key);
      this.forget(this.localKey());
      this.dirty = false;
      this.firstUnsavedAt = null;
      let done = "Discarded. The form shows the piece as it was last saved";
      if (candidate.token) {
        try {
          await this.post(this.urls.autosave, {
            page: window.location.pathname,
            discard: true,
            token: candidate.token,
          });
        } catch (error) {
          done = "Discarded here, but the copy kept on the site could not be forgotten yet";
        }
      }
      if (others.length) {
        this.notice(`${done}.`, [], others, others);
      } else {
        this.notice("", []);
      }
      this.status(done, "");
    }

    notice(message, actions, others, candidates) {
      const notice = this.part("notice");
      notice.replaceChildren();
      notice.hidden = !message;
      if (!message) return;
      const text = document.createElement("p");
      text.textContent = message;
      notice.append(text);
      const buttons = document.createElement("p");
      buttons.className = "writing__actions";
      const add = (label, action) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "writing__action";
        button.textContent = label;
        button.addEventListener("click", action);
        buttons.append(button);
      };
      for (const [label, action] of actions) add(label, action);
      for (const other of others || []) {
        add(`Put back the text from ${clock(other.at)} instead`, () =>
          this.putBack(other, candidates),
        );
      }
      if (buttons.childElementCount) notice.append(buttons);
    }

    async saveNow() {
      window.clearTimeout(this.saveTimer);
      if (!this.identity || this.leaving || this.conflict || !this.dirty) return;
      if (this.saving) return;
      const sent = this.values();
      this.saving = true;
      this.lastSentAt = Date.now();
      try {
        const result = await this.post(this.urls.autosave, this.payload(sent));
        this.seen = result.token;
        this.dirty = !same(sent, this.values());
        this.firstUnsavedAt = this.dirty ? Date.now() : null;
        this.status("Saved as you type", ` at ${clock(result.saved_at)}`);
      } catch (error) {
        if (error instanceof HttpError && error.status === 409 && error.data) {
          this.inAnotherTab(error.data.autosave);
        } else if (error instanceof HttpError && error.status < 500) {
          // Tried again once the text changes (a shorter text, a new sign-in).
          this.held = true;
          this.status(
            `Not saved as you type: ${error.message} Your text is kept in this browser; ` +
              "use the form's Save to keep it",
            "",
          );
        } else {
          this.offline();
          this.retryAt = Date.now() + RETRY_MS;
        }
      } finally {
        this.saving = false;
        if (this.dirty && !this.conflict && !this.held) this.scheduleSave();
      }
    }

    payload(values) {
      return {
        ...values,
        page: window.location.pathname,
        tab: this.tab,
        seen: this.seen,
        base_version: this.identity.version,
      };
    }

    saveAsThePageCloses() {
      if (!this.identity || this.leaving || this.conflict || !this.dirty) return;
      const payload = this.payload(this.values());
      if (JSON.stringify(payload).length > KEEPALIVE_LIMIT) return;
      this.post(this.urls.autosave, payload, true).catch(() => {});
    }

    inAnotherTab(theirs) {
      this.conflict = theirs;
      this.status(
        "Not saved as you type: this piece is open in another tab or window too. " +
          "Your text here is kept in this browser",
        "",
      );
      const when = theirs ? ` at ${clock(theirs.saved_at)}` : "";
      this.notice(
        `This piece is also being written in another tab or window, which saved its text${when}. ` +
          "So that neither overwrites the other, this tab's text is kept in this browser only.",
        [
          [
            "Save this tab's text as you type instead",
            () => {
              this.seen = theirs ? theirs.token : this.seen;
              this.conflict = null;
              this.notice("", []);
              this.saveNow();
            },
          ],
        ],
      );
    }

    offline() {
      this.status(
        "Offline: your text is kept in this browser and will be saved when the connection returns",
        "",
      );
    }

    status(state, time) {
      const live = this.part("saved");
      // Only a new state is announced, not each new time.
      if (live.textContent !== state) live.textContent = state;
      const stop = /[.!?]$/.test(state) ? "" : ".";
      this.part("saved-time").textContent = time ? `${time}.` : state ? stop : "";
    }

    say(message) {
      this.status(message, "");
    }
  }

  document.querySelectorAll("[data-writing]").forEach((root) => new WritingSurface(root));
})();
