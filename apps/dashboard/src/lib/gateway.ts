/** The live-log gateway: this page's host on the port the api announces (meta deploysphere-gateway-port). */
export function gatewayUrl(): string | undefined {
  const port = document.querySelector<HTMLMetaElement>('meta[name="deploysphere-gateway-port"]')?.content;
  if (!port) return undefined;
  return `${location.protocol}//${location.hostname}:${port}`;
}
