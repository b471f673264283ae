import type { LinkRefusal } from "./types.js";

// The page's HTML. Nothing of a call is ever written here: cards reach the page as JSON and the script puts
// them in with textContent. What is interpolated (the base path, a token of the URL's) is escaped anyway.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export const REFUSED: Record<LinkRefusal | "signed-out" | "session-ended", string> = {
  unknown:
    "Bu giriş bağlantısı geçerli değil. Bağlantıyı eksiksiz açtığınızdan emin olun ya da yöneticinizden yeni bir bağlantı isteyin.",
  used: "Bu giriş bağlantısı daha önce kullanılmış. Her bağlantı yalnızca bir kez kullanılabilir; yöneticinizden yeni bir bağlantı isteyin.",
  expired: "Bu giriş bağlantısının süresi dolmuş. Yöneticinizden yeni bir bağlantı isteyin.",
  revoked: "Bu giriş bağlantısı iptal edilmiş. Yöneticinizden yeni bir bağlantı isteyin.",
  "signed-out":
    "Giriş yapmadınız. Çağrılarınızı görmek için yöneticinizin size gönderdiği kişisel giriş bağlantısını açın.",
  "session-ended":
    "Oturumunuz sona erdi ya da iptal edildi. Çağrılarınızı görmek için yöneticinizden yeni bir giriş bağlantısı isteyin.",
};

/** The page's head; without a base (a URL that names no tenant) it has no stylesheet or icon to link. */
function head(base: string, title: string, extra = ""): string {
  const b = escapeHtml(base);
  const links = base
    ? `\n<link rel="icon" href="${b}/icon.svg" type="image/svg+xml">\n<link rel="stylesheet" href="${b}/page.css">`
    : "";
  return `<!doctype html>
<html lang="tr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>${links}${extra}
</head>`;
}

/** A page with one message: a refused link, a missing session, "signing in…". */
export function messagePage(base: string, title: string, message: string, refreshTo?: string): string {
  const refresh = refreshTo ? `\n<meta http-equiv="refresh" content="0;url=${escapeHtml(refreshTo)}">` : "";
  return `${head(base, title, refresh)}
<body class="message">
<main class="notice">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</main>
</body>
</html>
`;
}

/**
 * What a sign-in link opens: a form that posts the token, sent at once by the script. A GET never uses the
 * link, so a messenger or mail scanner fetching it for a preview does not burn it; and the session cookie
 * (SameSite=Strict) arrives on a same-site navigation, so the page after it is opened signed in even when
 * the link was clicked in another site.
 */
export function signInPage(base: string, token: string): string {
  const b = escapeHtml(base);
  return `${head(base, "Giriş yapılıyor", `\n<script src="${b}/page.js" defer></script>`)}
<body class="message" data-page="signin">
<main class="notice">
<h1>Çağrı sayfanız açılıyor</h1>
<form id="signin" method="post" action="${b}/signin">
<input type="hidden" name="link" value="${escapeHtml(token)}">
<button type="submit" class="button">Giriş yap</button>
</form>
</main>
</body>
</html>
`;
}

/** The agent's live page: the ringing call on top, today's calls below; the script fills both. */
export function agentPage(base: string): string {
  const b = escapeHtml(base);
  return `${head(base, "Çağrılarım", `\n<script src="${b}/page.js" defer></script>`)}
<body data-page="agent" data-base="${b}" data-state="connecting">
<header class="bar">
<h1>Çağrılarım</h1>
<span id="who" class="who"></span>
<span id="status" class="status" role="status">Bağlanıyor…</span>
</header>
<main>
<section class="current" aria-label="Şu anki çağrı" aria-live="polite">
<p id="idle" class="idle">Şu an çalan bir çağrı yok. Bir çağrı geldiğinde burada görünecek.</p>
<article id="card" class="card" hidden></article>
</section>
<p class="actions"><button id="notify" type="button" class="button secondary" hidden>Bildirimleri aç</button>
<span id="notify-state" class="hint"></span></p>
<section class="today" aria-labelledby="today-title">
<h2 id="today-title">Bugünkü çağrılar</h2>
<p id="today-empty" class="hint">Bugün henüz çağrı yok.</p>
<ol id="today" class="calls"></ol>
</section>
</main>
</body>
</html>
`;
}
