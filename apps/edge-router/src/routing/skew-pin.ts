/**
 * Skew protection's client side: the cookie that pins a browser to the deployment whose HTML it
 * loaded, so the files that page asks for later come from that deployment even after the
 * production alias moved. The cookie only names a deployment; whether it is honoured is decided
 * by the route table (`RouteTable.pinned`), never by the client.
 */
export const PIN_COOKIE = '__ds_dpl';

const NAME = `${PIN_COOKIE}=`;
const DEPLOYMENT_ID = /^dpl_[0-9a-hjkmnp-tv-z]{26}$/;

/**
 * The deployment ids named by pin cookies in a `Cookie` header, in header order (a cookie set for
 * a parent domain by a sibling host arrives next to ours). Anything that is not a deployment id is
 * skipped.
 */
export function pinnedDeploymentIds(cookieHeader: string): string[] {
  const ids: string[] = [];
  for (let at = cookieHeader.indexOf(NAME); at >= 0; at = cookieHeader.indexOf(NAME, at + NAME.length)) {
    if (at > 0) {
      const before = cookieHeader.charCodeAt(at - 1);
      if (before !== 0x3b /* ; */ && before !== 0x20 && before !== 0x09) continue;
    }
    const end = cookieHeader.indexOf(';', at);
    const value = cookieHeader.slice(at + NAME.length, end < 0 ? undefined : end).trim();
    if (DEPLOYMENT_ID.test(value)) ids.push(value);
  }
  return ids;
}

/**
 * The `Set-Cookie` value sent with a production host's HTML: scoped to that host (no Domain),
 * the whole site, kept as long as the edge would honour it. The same for every client served
 * that HTML, so a shared cache storing it with the page hands out a consistent pair.
 */
export function pinCookie(deploymentId: string, windowMs: number): string {
  return `${NAME}${deploymentId}; Path=/; Max-Age=${Math.floor(windowMs / 1000)}; HttpOnly; SameSite=Lax`;
}

/**
 * A browser navigation (a link followed, a reload, the address bar): it gets the live deployment,
 * not the pinned one, so a reload shows what was just deployed. Browsers say so in
 * `Sec-Fetch-Mode`; for one that does not send it, an `Accept` that asks for HTML first.
 */
export function isNavigation(secFetchMode: string | undefined, accept: string | undefined): boolean {
  if (secFetchMode !== undefined) return secFetchMode === 'navigate';
  return accept !== undefined && accept.startsWith('text/html');
}
