// The agent's live page: cards arrive over Server-Sent Events and are put in with textContent only, never
// as HTML. No framework, no build step.
(() => {
  const body = document.body;
  if (body.dataset.page === "signin") {
    // the link is used by this POST, never by the GET a link preview makes
    document.getElementById("signin")?.submit();
    return;
  }
  if (body.dataset.page !== "agent") return;

  const base = body.dataset.base;
  const $ = (id) => document.getElementById(id);
  const cards = new Map();
  /** A call not heard of for this long is not shown as current any more (its end event may be lost). */
  const ACTIVE_MS = 30 * 60 * 1000;
  const TARGETS = {
    extensions: "Dahili",
    queue: "Kuyruk",
    announcement: "Anons",
    voicemail: "Sesli mesaj",
    menu: "Menü",
    interactivemenu: "Etkileşimli menü",
    dial: "Dış hat",
    dynamic: "Dinamik",
    timecondition: "Zaman koşulu",
    sms: "SMS",
    hangup: "Kapatıldı",
  };
  const STATES = { ringing: "Çalıyor", queued: "Kuyrukta", answered: "Görüşmede", keys: "Tuşlama", other: "Sürüyor" };
  const clock = new Intl.DateTimeFormat("tr-TR", { hour: "2-digit", minute: "2-digit" });
  let source;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    return node;
  }

  /** Only http and https links are ever rendered: a `javascript:` or `data:` URL from a CRM is dropped. */
  function safeLink(link) {
    if (typeof link !== "string") return null;
    try {
      const url = new URL(link);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function crmButton(card, className) {
    const href = safeLink(card.link);
    if (!href) return null;
    const a = el("a", className, "CRM'de aç");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  const isActive = (card) => card.event !== "ended" && Date.now() - card.at < ACTIVE_MS;
  const isRinging = (card) => card.event === "ringing" || card.event === "queued";
  const nameOf = (card) => card.contact?.name || "Tanınmayan arayan";
  const phoneOf = (card) => card.caller?.display || "Gizli numara";

  function minutes(sec) {
    const m = Math.floor(sec / 60);
    const s = Math.round(sec % 60);
    return m > 0 ? `${m} dk ${s} sn` : `${s} sn`;
  }

  function stateOf(card) {
    if (card.event !== "ended") return STATES[card.event] || "Sürüyor";
    if (card.ended?.disposition === "missed") return "Cevapsız";
    return card.ended?.durationSec ? `Görüşüldü, ${minutes(card.ended.durationSec)}` : "Bitti";
  }

  /** The list's state column: short, the talk's length on a line of its own. */
  function stateCell(card) {
    const cell = el("span", "call-state");
    const talked = card.event === "ended" && card.ended?.disposition !== "missed" && card.ended?.durationSec;
    if (talked) cell.append(el("span", "", "Görüşüldü"), el("span", "duration", minutes(card.ended.durationSec)));
    else cell.textContent = stateOf(card);
    return cell;
  }

  function fact(list, label, value) {
    if (!value) return;
    list.append(el("dt", "", label), el("dd", "", value));
  }

  function renderCard(card) {
    const article = $("card");
    article.replaceChildren();
    article.className = `card state-${card.event}${card.contact?.vip ? " vip" : ""}`;
    const top = el("div", "card-top");
    top.append(el("span", "state", stateOf(card)));
    if (card.contact?.vip) top.append(el("span", "badge", "VIP"));
    top.append(el("time", "time", clock.format(card.at)));
    article.append(top, el("h2", "name", nameOf(card)));
    if (card.contact?.company) article.append(el("p", "company", card.contact.company));
    article.append(el("p", "phone", phoneOf(card)));
    const facts = el("dl", "facts");
    if (card.route) {
      const target = TARGETS[card.route.result] || card.route.result;
      fact(facts, "Yönlendirme", [target, card.route.redirect].filter(Boolean).join(" "));
      fact(facts, "Neden", card.route.reason);
    }
    const owner = card.contact?.owner;
    if (owner?.name || owner?.extension) {
      fact(
        facts,
        "Temsilci",
        owner.name ? `${owner.name}${owner.extension ? ` (${owner.extension})` : ""}` : owner.extension,
      );
    }
    fact(facts, "Kuyruk", card.agent?.queue);
    if (facts.childElementCount > 0) article.append(facts);
    const crm = crmButton(card, "button crm");
    if (crm) article.append(crm);
    article.hidden = false;
  }

  function renderToday(list) {
    const ol = $("today");
    ol.replaceChildren(
      ...list.map((card) => {
        const li = el(
          "li",
          `call${card.contact?.vip ? " vip" : ""}${card.ended?.disposition === "missed" ? " missed" : ""}`,
        );
        li.dataset.id = card.id;
        const who = el("span", "who");
        const line = el("strong", "", nameOf(card));
        if (card.contact?.vip) line.append(" ", el("span", "badge", "VIP"));
        who.append(line, el("span", "sub", [card.contact?.company, phoneOf(card)].filter(Boolean).join(" · ")));
        li.append(el("time", "time", clock.format(card.at)), who, stateCell(card));
        const crm = crmButton(card, "crm-small");
        if (crm) li.append(crm);
        return li;
      }),
    );
    $("today-empty").hidden = list.length > 0;
  }

  function render() {
    if (body.dataset.state === "signed-out") return;
    const list = [...cards.values()].sort((a, b) => b.at - a.at);
    const current = list.find(isActive);
    if (current) renderCard(current);
    else $("card").hidden = true;
    $("idle").hidden = Boolean(current);
    document.title = current && isRinging(current) ? `● ${nameOf(current)} · Çağrılarım` : "Çağrılarım";
    renderToday(list);
  }

  function notify(card) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const detail = [card.contact?.company, phoneOf(card)].filter(Boolean).join(" · ");
    try {
      const n = new Notification(`${card.contact?.vip ? "VIP · " : ""}${nameOf(card)}`, { body: detail, tag: card.id });
      n.onclick = () => {
        window.focus();
        n.close();
      };
    } catch {
      // some mobile browsers show notifications only from a service worker: the page itself still rings
    }
  }

  function add(card, live) {
    if (!card || typeof card.id !== "string") return;
    const seen = cards.get(card.id);
    if (seen && seen.at > card.at) return; // an older event of the call, delivered late
    cards.set(card.id, card);
    if (live && isRinging(card) && !(seen && isRinging(seen))) notify(card);
  }

  function setState(state, text) {
    body.dataset.state = state;
    $("status").textContent = text;
  }

  function signedOut(message) {
    source?.close();
    setState("signed-out", "Oturum kapalı");
    const main = document.querySelector("main");
    const notice = el("section", "notice");
    notice.append(
      el("h2", "", "Oturumunuz sona erdi"),
      el("p", "", message || "Çağrılarınızı görmek için yöneticinizden yeni bir giriş bağlantısı isteyin."),
    );
    main.replaceChildren(notice);
    document.title = "Çağrılarım";
  }

  async function loadToday() {
    const response = await fetch(`${base}/recent`, { cache: "no-store", credentials: "same-origin" });
    if (response.status === 401) {
      signedOut((await response.json().catch(() => ({}))).message);
      return false;
    }
    if (!response.ok) {
      $("today-empty").textContent = "Bugünkü çağrılar şu an yüklenemedi.";
      return true;
    }
    const data = await response.json();
    for (const card of data.cards || []) add(card, false);
    render();
    return true;
  }

  function connect() {
    source = new EventSource(`${base}/stream`);
    source.addEventListener("ready", (event) => {
      const agent = JSON.parse(event.data);
      $("who").textContent = [`Dahili ${agent.extension}`, ...(agent.queues || [])].join(" · ");
      setState("live", "Canlı");
      // after the stream is open, so no card falls between the list and the stream
      loadToday().catch(() => {});
    });
    source.addEventListener("card", (event) => {
      add(JSON.parse(event.data), true);
      render();
    });
    source.addEventListener("signed-out", () => signedOut());
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED)
        return setState("reconnecting", "Bağlantı koptu, yeniden bağlanıyor…");
      // refused (401) or the hub away: ask why before trying again
      setState("reconnecting", "Bağlantı koptu, yeniden bağlanıyor…");
      loadToday()
        .then((signedIn) => signedIn && setTimeout(connect, 5000))
        .catch(() => setTimeout(connect, 5000));
    };
  }

  function notifyUi() {
    const button = $("notify");
    const state = $("notify-state");
    if (!("Notification" in window)) {
      button.hidden = true;
      state.textContent = "Bu tarayıcı bildirim göstermiyor.";
      return;
    }
    button.hidden = Notification.permission !== "default";
    state.textContent =
      Notification.permission === "granted"
        ? "Bildirimler açık."
        : Notification.permission === "denied"
          ? "Bildirimler tarayıcıda engellenmiş."
          : "Çağrı geldiğinde bildirim almak için açın.";
  }

  // browsers ask for notifications only after a click
  $("notify").addEventListener("click", () => {
    Promise.resolve(Notification.requestPermission()).then(notifyUi, notifyUi);
  });
  notifyUi();
  setInterval(render, 30 * 1000);
  connect();
})();
