// "Share with class": a panel with the QR code and the link of the current view (its whole state is in the
// URL), for students on the same network. The server says where it can be reached (GET /api/classroom); its
// classroom address replaces this browser's (127.0.0.1 is the teacher's own laptop). A server bound to the
// loopback address only cannot be reached by anyone else, and the panel says so, with the command that
// changes it. The QR code is drawn by the server (GET /api/classroom/qr.svg).

import { classroomQrUrl, getClassroom } from "./api.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/**
 * The current view's link as students can open it: the same path and query at the classroom address, without
 * the projection theme (that is how the teacher's screen looks, not part of the view).
 */
export function classroomLink(href, base) {
  const here = new URL(href);
  here.searchParams.delete("projection");
  here.hash = "";
  if (!base) return here.href;
  const there = new URL(base);
  there.pathname = here.pathname;
  there.search = here.search;
  return there.href;
}

export class SharePanel {
  constructor() {
    this.dialog = $("share-dialog");
    this.info = null; // GET /api/classroom
    $("class-share-btn")?.addEventListener("click", () => this.toggle());
    $("share-close")?.addEventListener("click", () => this.close());
    $("share-copy")?.addEventListener("click", () => this.copy());
    $("share-address")?.addEventListener("change", () => this.refresh());
  }

  get isOpen() {
    return Boolean(this.dialog?.open);
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.show();
  }

  async show() {
    if (!this.dialog) return;
    $("share-copied").textContent = "";
    if (!this.dialog.open) this.dialog.showModal();
    try {
      this.info = await getClassroom();
      $("share-error").textContent = "";
    } catch (error) {
      this.info = null;
      $("share-error").textContent = t("classroom.error", { message: error.message });
    }
    this.fillAddresses();
    this.refresh();
  }

  close() {
    if (this.dialog?.open) this.dialog.close();
  }

  fillAddresses() {
    const select = $("share-address");
    const urls = this.info?.urls || [];
    select.replaceChildren(...urls.map((url) => Object.assign(document.createElement("option"), { value: url, textContent: url })));
    $("share-address-row").hidden = urls.length < 2;
    const note = $("share-loopback");
    note.hidden = !this.info || this.info.reachable_from_network;
    note.textContent = this.info ? t("classroom.loopback", { command: this.info.how_to_expose }) : "";
    $("share-exposes").hidden = !this.info?.reachable_from_network;
  }

  /** The link and its QR code for the view as it is now (call again after the view changed). */
  refresh() {
    if (!this.isOpen) return;
    const base = $("share-address").value || this.info?.urls?.[0] || null;
    const link = classroomLink(location.href, base);
    const anchor = $("share-link");
    anchor.href = link;
    anchor.textContent = link;
    const img = $("share-qr");
    img.alt = t("classroom.qr_alt", { url: link });
    const src = classroomQrUrl(link);
    if (img.getAttribute("src") !== src) img.src = src;
    this.dialog.dataset.link = link;
  }

  async copy() {
    const link = $("share-link").href;
    try {
      await navigator.clipboard.writeText(link);
      $("share-copied").textContent = t("share.copied");
    } catch {
      $("share-copied").textContent = t("share.copy_this", { url: link });
    }
  }
}
