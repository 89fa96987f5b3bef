/** A DNS label holds at most 63 characters. */
const MAX_LABEL = 63;
/** The 26 characters after `dpl_`: 10 of creation time, 16 random (80 bits). */
const ID_KEY_LENGTH = 26;

/**
 * The host label of a deployment's immutable preview URL: the deployment id's whole 26-character
 * part, a hyphen, and the project slug cut to what fits in one DNS label (36 characters, any
 * trailing hyphen dropped). The id part carries the id's 80 random bits, so preview hosts cannot
 * be found by trying the creation times around a deployment (a prefix would only be time).
 */
export function previewLabel(deploymentId: string, slug: string): string {
  const key = deploymentId.slice(deploymentId.indexOf('_') + 1);
  const room = MAX_LABEL - ID_KEY_LENGTH - 1;
  return `${key}-${slug.length <= room ? slug : slug.slice(0, room).replace(/-+$/, '')}`;
}
