/** A DNS label: 1–63 of [a-z0-9-], not starting or ending with a hyphen. */
export const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Labels the platform keeps for itself, so a project can never shadow them. */
export const RESERVED_SLUGS = new Set(['www', 'api', 'app', 'admin', 'docs', 'status', 'gateway', 'edge', 'deploysphere']);

export function isValidSlug(slug: string): boolean {
  return DNS_LABEL.test(slug) && !slug.includes('--') && !RESERVED_SLUGS.has(slug);
}

/** Derives a slug from a display name: ASCII-folds, lower-cases, collapses anything else to hyphens. */
export function slugify(name: string, maxLength = 48): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  if (!slug) return 'project';
  return RESERVED_SLUGS.has(slug) ? `${slug}-site` : slug;
}
