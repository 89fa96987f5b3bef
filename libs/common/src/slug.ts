/** A DNS label: 1–63 of [a-z0-9-], not starting or ending with a hyphen. */
export const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Labels the platform keeps for itself, so a project can never shadow them. */
export const RESERVED_SLUGS = new Set(['www', 'api', 'app', 'admin', 'docs', 'status', 'gateway', 'edge', 'deploysphere']);

/**
 * Preview hosts are `<deployment-id-part>-<slug>`, the id part being 9–26 base32 characters.
 * A slug that starts like one would make hosts ambiguous, so none may.
 */
const LOOKS_LIKE_PREVIEW = /^[0-9a-hjkmnp-tv-z]{9,26}-/;

export function isValidSlug(slug: string): boolean {
  return DNS_LABEL.test(slug) && !slug.includes('--') && !RESERVED_SLUGS.has(slug) && !LOOKS_LIKE_PREVIEW.test(slug);
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
  if (LOOKS_LIKE_PREVIEW.test(slug)) return `site-${slug}`.slice(0, maxLength).replace(/-+$/g, '');
  return RESERVED_SLUGS.has(slug) ? `${slug}-site` : slug;
}
